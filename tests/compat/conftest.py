"""Fixtures for the compatibility checks: a recording HTTP server and the botocore version.

The server is deliberately tiny (stdlib ``http.server``): the guards must run on every botocore
and Python of the matrix and look at exactly what reached the wire, independent of the emulator.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import botocore
import pytest

BOTOCORE_VERSION: tuple[int, int, int] = tuple(  # type: ignore[assignment]
    int(part) for part in re.findall(r"\d+", botocore.__version__)[:3]
)

# Captured when pytest imports this file, before the autouse fixture scrubs the environment,
# so the Lambda-like matrix cell can prove its credentials are never sent.
LAMBDA_CELL = os.environ.get("CPX_MATRIX_LAMBDA") == "1"
CELL_CREDENTIALS = {
    name: os.environ[name]
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
    if name in os.environ
}

VIEW_RESPONSE = {
    "View": {
        "Id": "view-id",
        "Arn": "arn:aws:connect:us-east-1:111122223333:instance/i/view/view-id",
        "Name": "guard-view",
        "Version": 1,
        "Content": {"InputSchema": "{}", "Template": "{}", "Actions": ["Submit"]},
    }
}
TRANSCRIPT_RESPONSE = {"InitialContactId": "contact-1", "Transcript": []}
CONNECTION_RESPONSE = {
    "ConnectionCredentials": {
        "ConnectionToken": "connection-token-from-server",
        "Expiry": "2030-01-01T00:00:00.000Z",
    }
}


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived: method, path (with query), lower-cased headers, body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RecordingServer:
    """An HTTP server on 127.0.0.1 (port 0) that answers like the participant service."""

    url: str
    requests: list[RecordedRequest] = field(default_factory=list)

    def only_request(self) -> RecordedRequest:
        assert len(self.requests) == 1, f"expected one request, got {len(self.requests)}"
        return self.requests[0]


def _answer_for(method: str, path: str) -> dict[str, Any]:
    if method == "GET" and path.startswith("/participant/views/"):
        return VIEW_RESPONSE
    if path.startswith("/participant/transcript"):
        return TRANSCRIPT_RESPONSE
    if path.startswith("/participant/connection"):
        return CONNECTION_RESPONSE
    return {}


@pytest.fixture
def recording_server() -> Iterator[RecordingServer]:
    lock = threading.Lock()
    recorded: list[RecordedRequest] = []

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                recorded.append(
                    RecordedRequest(
                        method=self.command,
                        path=self.path,
                        headers={name.lower(): value for name, value in self.headers.items()},
                        body=body,
                    )
                )
            payload = json.dumps(_answer_for(self.command, self.path)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-amzn-RequestId", "guard-request")
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="recording-server", daemon=True)
    thread.start()
    server = RecordingServer(url=f"http://127.0.0.1:{httpd.server_address[1]}", requests=recorded)
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
