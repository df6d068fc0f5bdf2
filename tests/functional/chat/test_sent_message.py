"""SendMessage's MessageProcessingStatus reaches the caller of send_message (over real HTTP).

The emulator may not answer it, so a small server of our own on 127.0.0.1 plays the service:
CreateParticipantConnection, then SendMessage answering ``MessageMetadata``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

import pytest

from boto3_connectparticipant_ext.chat import AsyncChatSession, ChatSession, SentMessage

from .conftest import FAST


class _Service(BaseHTTPRequestHandler):
    status: Optional[str] = "PROCESSING"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/participant/connection"):
            body: dict[str, Any] = {
                "ConnectionCredentials": {
                    "ConnectionToken": "connection-token-for-tests",
                    "Expiry": "2099-01-01T00:00:00.000Z",
                }
            }
        elif self.path.startswith("/participant/message"):
            body = {"Id": "m-42", "AbsoluteTime": "2024-05-01T10:00:00.000Z"}
            if self.status is not None:
                body["MessageMetadata"] = {"MessageProcessingStatus": self.status}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def service() -> Iterator[tuple[str, type[_Service]]]:
    handler = type("Handler", (_Service,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", ["PROCESSING", "FAILED", "REJECTED", None])
def test_send_message_exposes_the_processing_status(
    service: tuple[str, type[_Service]], status: Optional[str]
) -> None:
    endpoint, handler = service
    handler.status = status
    options: dict[str, Any] = {
        "endpoint_url": endpoint,
        "websocket": False,
        "leave_on_exit": False,
        "chat_config": FAST,
    }
    with ChatSession("participant-token-for-tests", **options) as session:
        sent = session.send_message("hello")
    assert isinstance(sent, SentMessage)
    assert (sent, sent.id, sent.processing_status) == ("m-42", "m-42", status)
    assert sent.absolute_time == "2024-05-01T10:00:00.000Z"
    assert sent.response["Id"] == "m-42" and "ResponseMetadata" not in sent.response

    async def scenario() -> SentMessage:
        async with AsyncChatSession("participant-token-for-tests", **options) as chat:
            return await chat.send_message("hello")

    assert asyncio.run(scenario()).processing_status == status
