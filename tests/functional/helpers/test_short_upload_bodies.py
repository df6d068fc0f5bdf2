"""An upload counts only when every announced byte reached the socket.

A hostile S3 stand-in on 127.0.0.1 reads part of the PUT body and then answers
200 (and closes, or resets), or closes without answering. The emulator hands
out presigned URLs of that server through its ``s3_endpoint_url`` setting, so
the real helper runs StartAttachmentUpload against the emulator and its PUT
against the hostile server; CompleteAttachmentUpload must never follow.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig
from boto3_connectparticipant_ext.transfer import TransferConfig, UploadFailedError

from .conftest import open_chat, operations

MB = 1024 * 1024
FAST = TransferConfig(backoff_base=0.0, backoff_max=0.0, max_attempts=2)


class HostileS3(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode: str, read_bytes: int) -> None:
        self.mode = mode
        self.read_bytes = read_bytes
        self.puts: list[int] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(socketserver.BaseRequestHandler):
    server: HostileS3

    def handle(self) -> None:
        connection: socket.socket = self.request
        connection.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        method = head.split(b" ", 1)[0]
        if method != b"PUT":  # the emulator's HEAD/CreateBucket when its store starts
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        received = len(body)
        while received < self.server.read_bytes:
            chunk = connection.recv(min(65536, self.server.read_bytes - received))
            if not chunk:
                break
            received += len(chunk)
        self.server.puts.append(received)
        mode = self.server.mode
        if mode != "close-early":
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        if mode in ("answer-then-reset", "close-early"):
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()


@pytest.fixture(params=["answer-then-close", "answer-then-reset", "close-early"])
def hostile(request: pytest.FixtureRequest) -> Iterator[HostileS3]:
    server = HostileS3(request.param, read_bytes=3 * MB)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_a_partly_read_body_is_never_completed(hostile: HostileS3, tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(19 * MB))
    with Emulator(config=EmulatorConfig(s3_endpoint_url=hostile.url)) as emulator:
        chat = open_chat(emulator)
        with pytest.raises(UploadFailedError) as caught:
            chat.customer.upload_attachment(str(path), Config=FAST)
        assert "CompleteAttachmentUpload" not in operations(emulator)
        assert "StartAttachmentUpload" in operations(emulator)
    assert caught.value.attempts == 2
    assert hostile.puts and all(received < path.stat().st_size for received in hostile.puts)
    assert "X-Amz-Signature" not in str(caught.value)


def test_huge_timeouts_are_refused_before_any_request(tmp_path: Path) -> None:
    from boto3_connectparticipant_ext.transfer import TransferConfigError

    path = tmp_path / "small.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(100))
    with Emulator() as emulator:
        chat = open_chat(emulator)
        before = len(emulator.requests)
        with pytest.raises(TransferConfigError):
            chat.customer.upload_attachment(
                str(path), Config=TransferConfig(connect_timeout=1e300, read_timeout=1e300)
            )
        assert len(emulator.requests) == before
