"""Downloading into the caller's file object when writing that object fails, against the emulator.

A failure of the caller's stream (disk full, broken pipe) is a typed
``TargetWriteError`` chaining the ``OSError``, never retried, saying how many
bytes the stream accepted; a seekable stream is rewound and truncated, a
non-seekable one is said to hold a partial copy.
"""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest

from boto3_connectparticipant_ext.emulator import Fault
from boto3_connectparticipant_ext.transfer import (
    TargetPathError,
    TargetWriteError,
    TransferConfig,
    TransferError,
)

from .conftest import Chat

CONFIG = TransferConfig(chunk_size=4096, backoff_base=0.01, backoff_max=0.05)
SIZE = 50_000
FAIL_AFTER = 10_001  # not a multiple of the chunk size: the stream takes part of a chunk


def upload(chat: Chat, tmp_path: Path) -> tuple[str, bytes]:
    data = b"%PDF-1.7\n" + os.urandom(SIZE - 9)
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return chat.customer.upload_attachment(str(path), Config=CONFIG), data


def gets(chat: Chat) -> int:
    return sum(1 for request in chat.emulator.requests if request.operation == "GetObject")


class FillingDisk(io.BytesIO):
    """A seekable stream with room for ``room`` more bytes, then ENOSPC (short write first)."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, chunk: object) -> int:
        data = bytes(chunk)  # type: ignore[call-overload]
        if self.room == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        taken = min(len(data), self.room)
        self.room -= taken
        return super().write(data[:taken])


class Pipe(io.RawIOBase):
    """A non-seekable stream; breaks after ``room`` bytes; accepts at most ``per_write`` a call."""

    def __init__(self, room: int = 1 << 62, per_write: int = 1 << 62) -> None:
        self.data = bytearray()
        self.room = room
        self.per_write = per_write

    def writable(self) -> bool:
        return True

    def write(self, chunk: object) -> int:
        data = bytes(chunk)  # type: ignore[call-overload]
        if self.room == 0:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")
        taken = min(len(data), self.room, self.per_write)
        self.room -= taken
        self.data += data[:taken]
        return taken


class NoTruncate(FillingDisk):
    """Seekable, but truncate() is not supported (like some wrapped or remote files)."""

    def truncate(self, size: int | None = None) -> int:
        raise io.UnsupportedOperation("truncate")


def check_message(error: TargetWriteError) -> str:
    text = str(error)
    assert "http" not in text and "X-Amz" not in text and "Signature" not in text
    return text


def test_seekable_stream_failing_mid_copy_is_rewound_and_truncated(
    chat: Chat, tmp_path: Path
) -> None:
    attachment_id, _ = upload(chat, tmp_path)
    stream = FillingDisk(room=len(b"prefix:") + FAIL_AFTER)
    stream.write(b"prefix:")
    chat.emulator.clear_records()
    with pytest.raises(TargetWriteError) as caught:
        chat.agent.download_attachment_fileobj(attachment_id, stream, Config=CONFIG)
    error = caught.value
    assert isinstance(error, TargetPathError) and isinstance(error, TransferError)
    assert isinstance(error.__cause__, OSError) and error.__cause__.errno == errno.ENOSPC
    assert error.bytes_written == FAIL_AFTER
    assert error.partial_copy is False
    text = check_message(error)
    assert f"after {FAIL_AFTER} bytes" in text and "No space left on device" in text
    assert "no partial copy" in text
    assert stream.getvalue() == b"prefix:" and stream.tell() == len(b"prefix:")
    assert gets(chat) == 1  # a failing target is not a network error: no retry


def test_non_seekable_stream_failing_mid_copy_holds_a_declared_partial_copy(
    chat: Chat, tmp_path: Path
) -> None:
    attachment_id, data = upload(chat, tmp_path)
    pipe = Pipe(room=FAIL_AFTER)
    chat.emulator.clear_records()
    with pytest.raises(TargetWriteError) as caught:
        chat.agent.download_attachment_fileobj(attachment_id, pipe, Config=CONFIG)
    error = caught.value
    assert isinstance(error.__cause__, BrokenPipeError)
    assert error.bytes_written == FAIL_AFTER
    assert error.partial_copy is True
    text = check_message(error)
    assert f"after {FAIL_AFTER} of {SIZE} bytes" in text
    assert "partial copy" in text and "not seekable" in text
    assert bytes(pipe.data) == data[:FAIL_AFTER]
    assert gets(chat) == 1


def test_non_seekable_stream_failing_at_once_holds_nothing(chat: Chat, tmp_path: Path) -> None:
    attachment_id, _ = upload(chat, tmp_path)
    pipe = Pipe(room=0)
    with pytest.raises(TargetWriteError) as caught:
        chat.agent.download_attachment_fileobj(attachment_id, pipe, Config=CONFIG)
    assert caught.value.bytes_written == 0 and caught.value.partial_copy is False
    assert "none of the attachment" in check_message(caught.value)
    assert pipe.data == b""


def test_short_writes_are_completed(chat: Chat, tmp_path: Path) -> None:
    attachment_id, data = upload(chat, tmp_path)
    pipe = Pipe(per_write=1000)
    written = chat.agent.download_attachment_fileobj(attachment_id, pipe, Config=CONFIG)
    assert written == SIZE and bytes(pipe.data) == data
    disk = FillingDisk(room=1 << 62)
    assert chat.agent.download_attachment_fileobj(attachment_id, disk, Config=CONFIG) == SIZE
    assert disk.getvalue() == data


def test_seekable_stream_without_truncate_is_overwritten_in_place_on_retry(
    chat: Chat, tmp_path: Path
) -> None:
    attachment_id, data = upload(chat, tmp_path)
    chat.emulator.inject_fault(Fault.TRUNCATE_DOWNLOAD, operation="GetObject", count=1)
    stream = NoTruncate(room=1 << 62)
    chat.emulator.clear_records()
    assert chat.agent.download_attachment_fileobj(attachment_id, stream, Config=CONFIG) == SIZE
    assert stream.getvalue() == data
    assert gets(chat) == 2


def test_seekable_stream_without_truncate_says_it_holds_a_partial_copy(
    chat: Chat, tmp_path: Path
) -> None:
    attachment_id, data = upload(chat, tmp_path)
    stream = NoTruncate(room=FAIL_AFTER)
    with pytest.raises(TargetWriteError) as caught:
        chat.agent.download_attachment_fileobj(attachment_id, stream, Config=CONFIG)
    assert caught.value.bytes_written == FAIL_AFTER and caught.value.partial_copy is True
    text = check_message(caught.value)
    assert "could not be truncated" in text and "partial copy" in text
    assert stream.tell() == 0 and stream.getvalue() == data[:FAIL_AFTER]
