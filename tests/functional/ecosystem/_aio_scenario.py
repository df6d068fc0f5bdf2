"""Runs inside a throwaway venv with aiobotocore (and maybe aioboto3): one scenario, a JSON report.

Usage: python _aio_scenario.py {aiobotocore|aioboto3} WORKDIR
Environment: CPX_ENDPOINT_URL, CPX_PARTICIPANT_TOKEN (the emulator's, from the test process).
The test process asserts on the printed report and on what reached the emulator.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import aiobotocore.session

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext import aio

ENDPOINT = os.environ["CPX_ENDPOINT_URL"]
PARTICIPANT_TOKEN = os.environ["CPX_PARTICIPANT_TOKEN"]
credential_lookups = 0


def _count_credential_lookups() -> None:
    original = aiobotocore.session.AioSession.get_credentials

    async def counting(self: Any) -> Any:
        global credential_lookups
        credential_lookups += 1
        return await original(self)

    aiobotocore.session.AioSession.get_credentials = counting


def _client(flavour: str) -> Any:
    if flavour == "aioboto3":
        import aioboto3

        return aioboto3.Session().client(
            "connectparticipant", region_name="us-east-1", endpoint_url=ENDPOINT
        )
    session = aiobotocore.session.get_session()
    return session.create_client(
        "connectparticipant", region_name="us-east-1", endpoint_url=ENDPOINT
    )


async def scenario(flavour: str, workdir: Path) -> dict[str, Any]:
    report: dict[str, Any] = {"flavour": flavour}
    # Guard: our wrapper finds a positional ``config`` where aiobotocore declares it.
    parameters = list(inspect.signature(aiobotocore.session.AioSession._create_client).parameters)
    report["config_position"] = parameters.index("config") - 1  # minus ``self``
    cpx.install()
    async with _client(flavour) as client:
        report["client_class_module"] = type(client).__mro__[1].__module__
        report["can_paginate"] = client.can_paginate("get_transcript")
        connection = await client.create_participant_connection(
            ParticipantToken=PARTICIPANT_TOKEN, Type=["CONNECTION_CREDENTIALS"]
        )
        token = connection["ConnectionCredentials"]["ConnectionToken"]
        await client.send_message(
            ConnectionToken=token, Content="from asyncio", ContentType="text/plain"
        )

        # The helper method and the module function give the same walk.
        walk = client.iter_transcript(ConnectionToken=token, MaxResults=3)
        report["transcript_ids"] = [item["Id"] async for item in walk]
        report["transcript_pages"] = walk.pages
        report["newest_first_ids"] = [
            item["Id"]
            async for item in aio.iter_transcript(
                client, ConnectionToken=token, Order="newest-first"
            )
        ]

        source = workdir / "upload.txt"
        source.write_bytes(b"hello from asyncio\n" * 1000)
        callback_threads: set[str] = set()
        progress: list[int] = []

        def on_progress(amount: int) -> None:
            callback_threads.add(threading.current_thread().name)
            progress.append(amount)

        attachment_id = await client.upload_attachment(
            str(source), ConnectionToken=token, Callback=on_progress
        )
        report["uploaded_bytes"] = sum(progress)
        report["callback_threads"] = sorted(callback_threads)
        report["loop_thread"] = threading.current_thread().name
        downloads = workdir / "downloads"
        downloads.mkdir()
        written = await client.download_attachment(
            attachment_id, str(downloads), ConnectionToken=token
        )
        report["downloaded_same_bytes"] = Path(written).read_bytes() == source.read_bytes()
        report["downloaded_name"] = Path(written).name

        report["cancelled_cleanly"] = await _cancelled_download(client, token, workdir)
        report["local_error"] = await _local_error(client, token, workdir)

    report["credential_lookups_while_installed"] = credential_lookups
    cpx.uninstall()
    async with _client(flavour) as stock:
        report["stock_can_paginate"] = stock.can_paginate("get_transcript")
        report["stock_has_helpers"] = hasattr(stock, "upload_attachment")
    report["credential_lookups_after_uninstall"] = credential_lookups
    return report


async def _cancelled_download(client: Any, token: str, workdir: Path) -> dict[str, Any]:
    from boto3_connectparticipant_ext.transfer import TransferConfig

    big = workdir / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + os.urandom(4 * 1024 * 1024))
    attachment_id = await client.upload_attachment(str(big), ConnectionToken=token)
    target_dir = workdir / "cancelled"
    target_dir.mkdir()
    calls = 0

    async def download() -> str:
        return str(
            await client.download_attachment(
                attachment_id,
                str(target_dir / "big.pdf"),
                ConnectionToken=token,
                Config=TransferConfig(chunk_size=4096),
                Callback=on_progress,
            )
        )

    task = asyncio.ensure_future(download())

    def on_progress(amount: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            task.cancel()

    try:
        await task
        outcome = "finished"
    except asyncio.CancelledError:
        outcome = "cancelled"
    return {"outcome": outcome, "left_behind": sorted(p.name for p in target_dir.iterdir())}


async def _local_error(client: Any, token: str, workdir: Path) -> str:
    try:
        await client.upload_attachment(str(workdir / "missing.pdf"), ConnectionToken=token)
    except Exception as error:
        return type(error).__name__
    return "no error"


def main() -> None:
    flavour, workdir = sys.argv[1], Path(sys.argv[2])
    _count_credential_lookups()
    report = asyncio.run(scenario(flavour, workdir))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
