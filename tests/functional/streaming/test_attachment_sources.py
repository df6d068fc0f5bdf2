"""Attachment sources from URLs are sized from Content-Length or buffered, never guessed."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.streaming import AttachmentSourceError
from boto3_connectparticipant_ext.streaming.attachments import open_source
from boto3_connectparticipant_ext.streaming.tokens import InMemoryTokenStore

from .test_bridge import _bridge

BODY = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


class _Files(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path == "/photo.png":
            self._answer(BODY, length=len(BODY))
        elif self.path == "/chunked.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(BODY)
            self.close_connection = True
        elif self.path == "/short.png":
            self._answer(BODY[:100], length=len(BODY), close=True)
        elif self.path == "/huge.png":
            self._answer(b"", length=10**9, close=True)
        else:
            self._answer(b"no", length=2, status=404)

    def _answer(self, body: bytes, *, length: int, status: int = 200, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(length))
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        if close:
            self.close_connection = True

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def files() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_content_length_gives_the_exact_size(files: str) -> None:
    source = open_source(files + "/photo.png")
    try:
        assert (source.size, source.name, source.content_type) == (
            len(BODY),
            "photo.png",
            "image/png",
        )
        assert source.fileobj.read() == BODY
    finally:
        source.close()


def test_without_content_length_the_size_is_left_to_the_buffered_upload(files: str) -> None:
    source = open_source(files + "/chunked.png")
    try:
        assert source.size is None
        assert source.fileobj.read() == BODY
    finally:
        source.close()


def test_short_body_huge_length_and_http_errors_are_refused(files: str) -> None:
    short = open_source(files + "/short.png")
    with pytest.raises(AttachmentSourceError, match=r"ended after \d+ of 10248 bytes"):
        short.fileobj.read()
    short.close()
    with pytest.raises(AttachmentSourceError, match="over the"):
        open_source(files + "/huge.png")
    with pytest.raises(AttachmentSourceError, match="HTTP 404"):
        open_source(files + "/missing.png")
    with pytest.raises(AttachmentSourceError, match="cannot fetch"):
        open_source("http://127.0.0.1:1/closed.png", timeout=2)


def test_bridge_sends_an_attachment_from_a_url(emulator: Emulator, files: str) -> None:
    import boto3

    connect = boto3.session.Session().client(
        "connect",
        region_name=emulator.region,
        endpoint_url=emulator.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    store = InMemoryTokenStore()
    bridge = _bridge(emulator, connect, store)
    attachment_id = bridge.send_attachment("+15550104", files + "/photo.png")
    chat = store.get("+15550104")
    assert chat is not None
    [item] = [i for i in emulator.transcript(chat.contact_id) if i["Type"] == "ATTACHMENT"]
    assert item["Attachments"][0]["AttachmentId"] == attachment_id
    assert item["Attachments"][0]["AttachmentName"] == "photo.png"
    with pytest.raises(AttachmentSourceError):
        bridge.send_attachment("+15550104", files + "/short.png")
    after = [i for i in emulator.transcript(chat.contact_id) if i["Type"] == "ATTACHMENT"]
    assert len(after) == 1
