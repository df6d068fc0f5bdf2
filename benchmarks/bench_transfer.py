"""Benchmarks of attachment transfers (issue 4).

Targets
-------
* A 20 MB ``upload_attachment`` (StartAttachmentUpload, the checked streaming
  PUT, CompleteAttachmentUpload) reaches at least 0.9x the throughput of the
  same steps by hand: the two API calls with a stock client around a raw
  urllib3 streaming PUT of the file to the same store.
* A 20 MB ``download_attachment`` (GetAttachment, streamed GET into a temporary
  file, size check, atomic rename) reaches at least 0.9x the throughput of a
  stock GetAttachment plus a raw urllib3 streaming GET written to a file. Both
  write a new file each run.
* Report: ours against the bare PUT or GET alone (without the API calls).
* Peak Python memory growth (tracemalloc) during 1, 20 and 200 MB uploads and
  download (size limit raised) is at most 16 MB.

The emulator (and its attachment store) runs in its own process; ours and the
references alternate run by run.

Examples
--------
::

    .venv/bin/python benchmarks/bench_transfer.py --quick
    .venv/bin/python benchmarks/bench_transfer.py --json /tmp/transfer.json
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import urllib3
from _harness import Row, Sample, alternate, parse_args, ratio_row, report
from bench_transcript import ChatClients, ChatEmulatorProcess, open_chat

MB = 1_000_000
MEMORY_BUDGET_MB = 16.0
CHUNK = 1024 * 1024


def write_file(path: str, size: int) -> None:
    block = os.urandom(CHUNK)
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        remaining = size - 9
        while remaining > 0:
            handle.write(block[: min(CHUNK, remaining)])
            remaining -= min(CHUNK, remaining)


class Contenders:
    """Ours and raw urllib3 on one chat; a fresh chat when the attachment quota nears."""

    def __init__(self, emulator: ChatEmulatorProcess, path: str, directory: str) -> None:
        from boto3_connectparticipant_ext.transfer import TransferConfig

        self._emulator = emulator
        self.path = path
        self.size = os.path.getsize(path)
        self.directory = directory
        self.config = TransferConfig(max_size_bytes=max(self.size, 20 * 1024 * 1024))
        self._pool = urllib3.PoolManager(retries=False)
        self._uploads = 0
        self._downloads = 0
        self.clients: ChatClients = open_chat(emulator, items=0)
        self.attachment_id = self.upload_ours_once()

    def _fresh_chat_if_needed(self) -> None:
        self._uploads += 1
        if self._uploads % 40 == 0:
            self.clients = open_chat(self._emulator, items=0)
            self.attachment_id = self.upload_ours_once()

    def upload_ours_once(self) -> str:
        return str(self.clients.ours.upload_attachment(self.path, Config=self.config))

    def upload_ours(self) -> float:
        self._fresh_chat_if_needed()
        start = time.perf_counter()
        self.upload_ours_once()
        return self.size / (time.perf_counter() - start) / MB

    def upload_raw(self, *, timed_calls: bool = True) -> float:
        """The same three steps by hand: stock StartAttachmentUpload, a raw urllib3
        streaming PUT of the file, stock CompleteAttachmentUpload.

        With ``timed_calls=False`` only the PUT is timed (the transfer alone).
        """
        self._fresh_chat_if_needed()
        start = time.perf_counter()
        started = self.clients.stock.start_attachment_upload(
            ConnectionToken=self.clients.token,
            ContentType="application/pdf",
            AttachmentSizeInBytes=self.size,
            AttachmentName="raw.pdf",
        )
        metadata = started["UploadMetadata"]
        headers = dict(metadata["HeadersToInclude"])
        headers["Content-Length"] = str(self.size)
        put_start = time.perf_counter()
        with open(self.path, "rb") as body:
            response = self._pool.urlopen(
                "PUT", metadata["Url"], body=body, headers=headers, preload_content=False
            )
            response.drain_conn()
            response.release_conn()
        put_elapsed = time.perf_counter() - put_start
        if response.status != 200:
            raise RuntimeError(f"raw PUT answered {response.status}")
        self.clients.stock.complete_attachment_upload(
            ConnectionToken=self.clients.token, AttachmentIds=[started["AttachmentId"]]
        )
        elapsed = time.perf_counter() - start if timed_calls else put_elapsed
        return self.size / elapsed / MB

    def upload_raw_put_only(self) -> float:
        return self.upload_raw(timed_calls=False)

    def _fresh_target(self, prefix: str) -> str:
        # Each run writes a new file, as a real download does: replacing the previous
        # 20 MB file would add the file system's cost of freeing it to whoever renames.
        self._downloads += 1
        return os.path.join(self.directory, f"{prefix}-{self._downloads}.pdf")

    def download_ours(self) -> float:
        target = self._fresh_target("ours")
        start = time.perf_counter()
        self.clients.ours.download_attachment(self.attachment_id, target, Config=self.config)
        elapsed = time.perf_counter() - start
        if os.path.getsize(target) != self.size:
            raise RuntimeError("download size differs")
        os.remove(target)
        return self.size / elapsed / MB

    def download_raw(self, *, timed_calls: bool = True) -> float:
        """The same by hand: stock GetAttachment, a raw urllib3 streaming GET into a file.

        With ``timed_calls=False`` only the GET is timed (the transfer alone).
        """
        target = self._fresh_target("raw")
        start = time.perf_counter()
        url = self.clients.stock.get_attachment(
            ConnectionToken=self.clients.token, AttachmentId=self.attachment_id
        )["Url"]
        get_start = time.perf_counter()
        response = self._pool.urlopen("GET", url, preload_content=False)
        with open(target, "wb") as handle:
            for chunk in response.stream(256 * 1024):
                handle.write(chunk)
        response.release_conn()
        end = time.perf_counter()
        if response.status != 200 or os.path.getsize(target) != self.size:
            raise RuntimeError("raw download failed")
        os.remove(target)
        return self.size / (end - (start if timed_calls else get_start)) / MB

    def download_raw_get_only(self) -> float:
        return self.download_raw(timed_calls=False)


def peak_growth_mb(operation: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        operation()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - baseline) / MB


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    quick = bool(args.quick)
    size = 2 * MB if quick else 20 * MB
    big = 20 * MB if quick else 200 * MB
    # Downloads of 20 MB from the page cache take milliseconds: many rounds tame the noise.
    upload_rounds = 2 if quick else 15
    download_rounds = 2 if quick else 41
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cpx-bench-") as directory:
        path = os.path.join(directory, "attachment.pdf")
        write_file(path, size)
        with ChatEmulatorProcess(attachment_max_bytes=big + MB) as emulator:
            contenders = Contenders(emulator, path, directory)
            uploads = alternate(
                upload_rounds,
                {
                    "ours": contenders.upload_ours,
                    "raw": contenders.upload_raw,
                    "put": contenders.upload_raw_put_only,
                },
            )
            downloads = alternate(
                download_rounds,
                {
                    "ours": contenders.download_ours,
                    "raw": contenders.download_raw,
                    "get": contenders.download_raw_get_only,
                },
            )
            label = f"{size // MB} MB"
            for direction, samples, goal_key, goal_name, bare_key, bare_name in (
                ("upload_attachment", uploads, "raw",
                 "stock Start/Complete + raw urllib3 streaming PUT", "put",
                 "raw urllib3 streaming PUT alone"),
                ("download_attachment", downloads, "raw",
                 "stock GetAttachment + raw urllib3 streaming GET to a file", "get",
                 "raw urllib3 streaming GET to a file alone"),
            ):  # fmt: skip
                rows.append(
                    ratio_row(
                        target=f"{label} {direction} throughput",
                        ours=samples["ours"],
                        reference_name=goal_name,
                        reference=samples[goal_key],
                        unit="MB/s",
                        goal=">= 0.9x",
                    )
                )
                rows.append(
                    ratio_row(
                        target=f"{label} {direction} vs the bare transfer",
                        ours=samples["ours"],
                        reference_name=bare_name,
                        reference=samples[bare_key],
                        unit="MB/s",
                        goal="report",
                        note="the reference skips the API calls every attachment needs",
                    )
                )
            os.remove(path)
            # How memory grows with the file: it must not (1, 20 and 200 MB in full mode).
            for memory_size in (MB, size, big) if not quick else (MB, big):
                rows.extend(_memory_rows(emulator, directory, memory_size))
    report(rows, args.json)


def _memory_rows(emulator: ChatEmulatorProcess, directory: str, size: int) -> list[Row]:
    """Peak traced-memory growth of one upload and one download of ``size`` bytes."""
    rows: list[Row] = []
    big_path = os.path.join(directory, f"memory-{size}.pdf")
    write_file(big_path, size)
    try:
        large = Contenders(emulator, big_path, directory)
        upload_growth = peak_growth_mb(large.upload_ours_once)
        download_growth = peak_growth_mb(large.download_ours)
    finally:
        os.remove(big_path)
    for what, growth in (("upload", upload_growth), ("download", download_growth)):
        rows.append(
            Row(
                target=f"peak memory growth, {size // MB} MB {what}",
                ours=growth,
                reference_name="budget",
                reference=MEMORY_BUDGET_MB,
                unit="MB",
                ratio=growth / MEMORY_BUDGET_MB,
                goal=f"<= {MEMORY_BUDGET_MB:g} MB",
                passed=growth <= MEMORY_BUDGET_MB,
                spread=Sample.of([growth]).spread_text(),
            )
        )
    return rows


if __name__ == "__main__":
    main()
