"""The argument layer of the helper entry points: wrong clients, closed files, bad targets.

Each case used to escape as AttributeError, ValueError, PermissionError or
FileNotFoundError; each is now the documented typed error, raised before any
request reaches the emulator where it can be known locally.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any, Callable

import boto3
import pytest

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.errors import WrongClientError
from boto3_connectparticipant_ext.transcript import iter_transcript
from boto3_connectparticipant_ext.transfer import (
    StreamNotSupportedError,
    TargetPathError,
    TransferConfig,
    download_attachment,
    download_attachment_fileobj,
    get_attachment_url,
    upload_attachment,
    upload_attachment_fileobj,
)

from .conftest import Chat

WRONG_CLIENTS: list[Any] = [
    None,
    "connectparticipant",
    object(),
    boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"),
]


def _calls(tmp_path: Path) -> dict[str, Callable[[Any], Any]]:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(64))
    return {
        "upload": lambda c: upload_attachment(c, str(pdf), ConnectionToken="t"),
        "upload_fileobj": lambda c: upload_attachment_fileobj(c, io.BytesIO(b"x"), "a.txt"),
        "download": lambda c: download_attachment(c, "att", str(tmp_path / "o.pdf")),
        "download_fileobj": lambda c: download_attachment_fileobj(c, "att", io.BytesIO()),
        "get_url": lambda c: get_attachment_url(c, "att"),
        "iter_transcript": lambda c: iter_transcript(c, ConnectionToken="t"),
        "bind_tokens": lambda c: cpx.bind_tokens(c, connection_token="t"),
    }


@pytest.mark.parametrize("client", WRONG_CLIENTS, ids=["None", "str", "object", "s3"])
def test_a_wrong_client_is_a_typed_error(chat: Chat, tmp_path: Path, client: Any) -> None:
    before = len(chat.emulator.requests)
    for name, call in _calls(tmp_path).items():
        with pytest.raises(WrongClientError):
            call(client)
        assert len(chat.emulator.requests) == before, name


def test_closed_file_objects_are_refused_before_any_request(chat: Chat) -> None:
    before = len(chat.emulator.requests)
    closed = io.BytesIO(b"%PDF-1.7\n")
    closed.close()
    with pytest.raises(StreamNotSupportedError):
        chat.customer.upload_attachment_fileobj(closed, "a.pdf")
    with pytest.raises(StreamNotSupportedError):
        chat.customer.download_attachment_fileobj("att", closed)
    assert len(chat.emulator.requests) == before


def _uploaded(chat: Chat, tmp_path: Path, size: int = 600_000) -> str:
    pdf = tmp_path / "source.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(size))
    return str(chat.customer.upload_attachment(str(pdf)))


@pytest.mark.parametrize("target", ["/sys/unwritable.pdf", "/sys"])
def test_an_unwritable_target_is_a_target_error_before_any_request(
    chat: Chat, tmp_path: Path, target: str
) -> None:
    attachment_id = _uploaded(chat, tmp_path)
    before = len(chat.emulator.requests)
    with pytest.raises(TargetPathError):
        chat.agent.download_attachment(attachment_id, target)
    assert len(chat.emulator.requests) == before


def test_a_directory_vanishing_mid_download_is_a_target_error(chat: Chat, tmp_path: Path) -> None:
    attachment_id = _uploaded(chat, tmp_path)
    directory = tmp_path / "downloads"
    directory.mkdir()

    def remove_directory(amount: int) -> None:
        shutil.rmtree(directory, ignore_errors=True)

    with pytest.raises(TargetPathError):
        chat.agent.download_attachment(
            attachment_id,
            str(directory / "copy.pdf"),
            Callback=remove_directory,
            Config=TransferConfig(chunk_size=64 * 1024),
        )
    assert not directory.exists()


@pytest.mark.parametrize("client", WRONG_CLIENTS, ids=["None", "str", "object", "s3"])
def test_the_async_helpers_refuse_a_wrong_client(tmp_path: Path, client: Any) -> None:
    import asyncio

    from boto3_connectparticipant_ext.aio import transcript as aio_transcript
    from boto3_connectparticipant_ext.aio import transfer as aio_transfer

    async def calls() -> None:
        with pytest.raises(WrongClientError):
            await aio_transfer.get_attachment_url(client, "att")
        with pytest.raises(WrongClientError):
            await aio_transfer.download_attachment_fileobj(client, "att", io.BytesIO())
        with pytest.raises(WrongClientError):
            aio_transcript.iter_transcript(client, ConnectionToken="t")

    asyncio.run(calls())
