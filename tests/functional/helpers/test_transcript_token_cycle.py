"""A GetTranscript server whose NextToken cycles (A -> B -> A): the walk stops with a typed error.

The server is a small hostile one on 127.0.0.1 speaking the participant API's rest-json
GetTranscript (POST /participant/transcript). Every page carries new item Ids, so the Id filter
cannot end the walk: only remembering every NextToken used does.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.transcript import TranscriptPaginationError, iter_transcript

NEXT = {None: "token-A", "token-A": "token-B", "token-B": "token-A"}


@pytest.fixture
def cycling_server() -> Iterator[tuple[str, list[Any]]]:
    asked: list[Any] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.split("?")[0] != "/participant/transcript":
                self.send_error(404)
                return
            token = json.loads(body or b"{}").get("NextToken")
            asked.append(token)
            page = {
                "InitialContactId": "contact-1",
                "Transcript": [
                    {
                        "Id": f"item-{len(asked)}-{number}",
                        "Type": "MESSAGE",
                        "AbsoluteTime": "2030-01-01T00:00:00.000Z",
                    }
                    for number in range(2)
                ],
                "NextToken": NEXT[token],
            }
            payload = json.dumps(page).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("order", ["oldest-first", "newest-first"])
def test_a_token_cycle_through_two_pages_is_a_typed_error(
    cycling_server: tuple[str, list[Any]], order: str
) -> None:
    url, asked = cycling_server
    cpx.install()
    client = boto3.client("connectparticipant", region_name="us-east-1", endpoint_url=url)
    walk = iter_transcript(client, ConnectionToken="connection-token", Order=order)
    with pytest.raises(TranscriptPaginationError) as raised:
        # Bounded, so a walk that never stops fails the test instead of hanging it.
        list(itertools.islice(walk, 50))
    assert asked == [None, "token-A", "token-B"]
    assert "token-A" not in str(raised.value)
    assert walk.pages == 3
