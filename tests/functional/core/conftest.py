"""A plain recording HTTP server on 127.0.0.1 for tests about what reaches the wire.

These tests are about signing and headers, which only a real server can see;
they do not need the emulator's chat semantics.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

PARTICIPANT_TOKEN = "participant-token-SECRET-p1"
CONNECTION_TOKEN = "connection-token-SECRET-c1"
WEBSOCKET_SECRET = "websocket-SECRET-w1"
TRUNCATE_TOKEN = "ask-for-a-truncated-answer"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


def _answer(method: str, path: str) -> dict[str, Any]:
    if path == "/participant/connection":
        return {
            "ConnectionCredentials": {
                "ConnectionToken": CONNECTION_TOKEN,
                "Expiry": "2030-01-01T00:00:00.000Z",
            },
            "Websocket": {
                "Url": f"wss://127.0.0.1:1/ws?AuthToken={WEBSOCKET_SECRET}",
                "ConnectionExpiry": "2030-01-01T00:00:00.000Z",
            },
        }
    if method == "GET" and path.startswith("/participant/views/"):
        return {"View": {"Id": "view-1", "Name": "form", "Version": 1}}
    if path == "/participant/transcript":
        return {"InitialContactId": "contact-1", "Transcript": []}
    if path == "/participant/message":
        return {"Id": "message-1", "AbsoluteTime": "2030-01-01T00:00:00.000Z"}
    return {}


@dataclass
class RecordingServer:
    url: str
    requests: list[Recorded] = field(default_factory=list)

    def last(self) -> Recorded:
        return self.requests[-1]


@pytest.fixture
def recording_server() -> Iterator[RecordingServer]:
    recorded: list[Recorded] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            recorded.append(Recorded(self.command, self.path, headers, body))
            payload = json.dumps(_answer(self.command, self.path.split("?")[0])).encode()
            declared = len(payload)
            if headers.get("x-amz-bearer") == TRUNCATE_TOKEN:
                # Promise more than we send, then hang up: a connection cut mid-body.
                declared, payload = len(payload) + 50, payload[: len(payload) // 2]
                self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(declared))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield RecordingServer(f"http://127.0.0.1:{server.server_address[1]}", recorded)
    finally:
        server.shutdown()
        server.server_close()
