"""Benchmarks of the transcript iterator (issue 4).

Targets
-------
* Walking a 10,000-item transcript with ``client.iter_transcript()`` reaches at
  least 5x the items per second of a stock boto3 loop that follows NextToken
  with the default page size (10), and at least 0.95x a hand-written loop with
  ``MaxResults=100`` (same order, a stock client with ``UNSIGNED``).
* Report: walk time and peak Python memory (tracemalloc) at 1k, 10k and 100k
  items, ours against a hand-written loop that keeps what it fetched (as
  ``paginator.build_full_result()`` does).

The emulator runs in its own process (its own GIL); ours and the references
alternate run by run in this process.

Examples
--------
::

    .venv/bin/python benchmarks/bench_transcript.py --quick
    .venv/bin/python benchmarks/bench_transcript.py --json /tmp/transcript.json
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import json
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any, Optional

from _harness import Row, Sample, alternate, parse_args, ratio_row, report

REGION = "us-east-1"

# The child keeps the emulator in its own process and answers one JSON command per line.
_CHILD = r"""
import json, sys
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig

config = EmulatorConfig(**json.loads(sys.argv[1]))
with Emulator(config=config) as emulator:
    print(json.dumps({"endpoint_url": emulator.endpoint_url}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["command"] == "chat":
                chat = emulator.start_chat(display_name="Customer")
                agent = emulator.add_participant(chat["ContactId"], role="AGENT")
                result = {"chat": chat, "agent": agent}
            elif request["command"] == "populate":
                for number in range(request["count"]):
                    emulator.send_message(
                        request["contact_id"], request["participant_id"], f"message {number}"
                    )
                result = {"items": len(emulator.transcript(request["contact_id"]))}
            else:
                raise ValueError(request["command"])
            answer = {"ok": True, "result": result}
        except Exception as error:
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer, default=str), flush=True)
"""


class ChatEmulatorProcess:
    """The emulator in a child process that can open chats and fill transcripts quickly."""

    def __init__(self, **config: Any) -> None:
        self._config = config
        self._process: Optional[subprocess.Popen[str]] = None
        self.endpoint_url = ""

    def __enter__(self) -> ChatEmulatorProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, json.dumps(self._config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.endpoint_url = str(self._read()["endpoint_url"])
        return self

    def __exit__(self, *exc_info: object) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()

    def command(self, name: str, **arguments: Any) -> dict[str, Any]:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(json.dumps({"command": name, **arguments}) + "\n")
        self._process.stdin.flush()
        answer = self._read()
        if not answer.get("ok"):
            raise RuntimeError(f"emulator command {name} failed: {answer.get('error')}")
        result: dict[str, Any] = answer["result"]
        return result

    def _read(self) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the emulator child process ended")
        answer: dict[str, Any] = json.loads(line)
        return answer


@dataclasses.dataclass
class ChatClients:
    """An installed client with a bound token, and a stock UNSIGNED client, on one chat."""

    ours: Any
    stock: Any
    token: str


def open_chat(emulator: ChatEmulatorProcess, *, items: int) -> ChatClients:
    import boto3
    import botocore
    from botocore.config import Config

    import boto3_connectparticipant_ext as cpx

    opened = emulator.command("chat")
    chat, agent = opened["chat"], opened["agent"]
    emulator.command(
        "populate",
        contact_id=chat["ContactId"],
        participant_id=agent["ParticipantId"],
        count=items,
    )
    stock = boto3.session.Session().client(
        "connectparticipant",
        endpoint_url=emulator.endpoint_url,
        region_name=REGION,
        config=Config(signature_version=botocore.UNSIGNED),
    )
    token = stock.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"],
        Type=["CONNECTION_CREDENTIALS"],
        ConnectParticipant=True,
    )["ConnectionCredentials"]["ConnectionToken"]
    cpx.install()
    ours = boto3.session.Session().client(
        "connectparticipant", endpoint_url=emulator.endpoint_url, region_name=REGION
    )
    cpx.bind_tokens(ours, connection_token=token)
    return ChatClients(ours=ours, stock=stock, token=token)


def walk_ours(clients: ChatClients) -> int:
    count = 0
    for _ in clients.ours.iter_transcript():
        count += 1
    return count


def walk_stock_default(clients: ChatClients) -> int:
    """The loop users write with stock boto3: default page size, follow NextToken."""
    count = 0
    arguments: dict[str, Any] = {"ConnectionToken": clients.token}
    while True:
        page = clients.stock.get_transcript(**arguments)
        count += len(page["Transcript"])
        if not page.get("NextToken"):
            return count
        arguments["NextToken"] = page["NextToken"]


def walk_hand_written(clients: ChatClients, *, keep: bool = False) -> int:
    """A careful hand-written loop: 100 per page, oldest first, like ours."""
    kept: list[Any] = []
    count = 0
    arguments: dict[str, Any] = {
        "ConnectionToken": clients.token,
        "MaxResults": 100,
        "StartPosition": {"AbsoluteTime": "1970-01-01T00:00:00.000Z"},
        "ScanDirection": "FORWARD",
        "SortOrder": "ASCENDING",
    }
    while True:
        page = clients.stock.get_transcript(**arguments)
        for item in page["Transcript"]:
            count += 1
            if keep:
                kept.append(item)
        if not page.get("NextToken"):
            return count
        arguments["NextToken"] = page["NextToken"]


def items_per_second(walk: Callable[[], int], expected: int) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        count = walk()
        elapsed = time.perf_counter() - start
        if count < expected:
            raise RuntimeError(f"walk returned {count} items, expected at least {expected}")
        return count / elapsed

    return run


def peak_memory_mb(walk: Callable[[], int]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        walk()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - baseline) / 1e6


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    quick = bool(args.quick)
    rows: list[Row] = []
    throughput_items = 1_000 if quick else 10_000
    rounds = 2 if quick else 15
    with ChatEmulatorProcess() as emulator:
        clients = open_chat(emulator, items=throughput_items)
        expected = throughput_items
        samples = alternate(
            rounds,
            {
                "ours": items_per_second(lambda: walk_ours(clients), expected),
                "stock": items_per_second(lambda: walk_stock_default(clients), expected),
                "hand": items_per_second(lambda: walk_hand_written(clients), expected),
            },
        )
        label = f"{throughput_items:,}-item transcript walk"
        rows.append(
            ratio_row(
                target=f"{label} vs stock loop (page 10)",
                ours=samples["ours"],
                reference_name="stock boto3 loop, default MaxResults",
                reference=samples["stock"],
                unit="items/s",
                goal=">= 5x",
            )
        )
        rows.append(
            ratio_row(
                target=f"{label} vs hand-written MaxResults=100",
                ours=samples["ours"],
                reference_name="hand-written loop, MaxResults=100",
                reference=samples["hand"],
                unit="items/s",
                goal=">= 0.95x",
            )
        )
        for size in (1_000,) if quick else (1_000, 10_000, 100_000):
            sized = open_chat(emulator, items=size)
            size_rounds = 1 if quick or size >= 100_000 else 3
            times = alternate(
                size_rounds,
                {
                    "ours": functools.partial(_seconds, functools.partial(walk_ours, sized)),
                    "hand": functools.partial(
                        _seconds, functools.partial(walk_hand_written, sized)
                    ),
                },
            )
            rows.append(
                ratio_row(
                    target=f"walk time, {size:,} items",
                    ours=times["ours"],
                    reference_name="hand-written loop, MaxResults=100",
                    reference=times["hand"],
                    unit="s",
                    goal="report",
                )
            )
            ours_memory = Sample.of([peak_memory_mb(functools.partial(walk_ours, sized))])
            kept_memory = Sample.of(
                [peak_memory_mb(functools.partial(walk_hand_written, sized, keep=True))]
            )
            rows.append(
                ratio_row(
                    target=f"peak memory of a walk, {size:,} items",
                    ours=ours_memory,
                    reference_name="loop keeping every page (build_full_result)",
                    reference=kept_memory,
                    unit="MB",
                    goal="report",
                )
            )
    report(rows, args.json)


def _seconds(walk: Callable[[], int]) -> float:
    start = time.perf_counter()
    walk()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
