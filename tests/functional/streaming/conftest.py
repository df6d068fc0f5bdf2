"""Fixtures for streaming tests: the emulator, a Connect client, a local SNS HTTP endpoint."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.streaming import (
    SnsMessageVerifier,
    SnsVerificationError,
    StreamingRecord,
    parse_streaming_event,
)

TOPIC = "arn:aws:sns:us-east-1:123456789012:connect-chat-stream"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running


@pytest.fixture
def connect(emulator: Emulator) -> Any:
    return boto3.session.Session().client(
        "connect",
        region_name=emulator.region,
        endpoint_url=emulator.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )


@pytest.fixture
def verifier(emulator: Emulator) -> SnsMessageVerifier:
    hub = emulator.contact_streaming
    return SnsMessageVerifier(trusted_certificates={hub.certificate_url: hub.certificate_pem})


class SnsEndpoint:
    """An HTTP server standing in for a bridge's SNS HTTP subscription endpoint."""

    def __init__(self, verifier: SnsMessageVerifier) -> None:
        self.verifier = verifier
        self.records: list[StreamingRecord] = []
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.refused: list[str] = []
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    endpoint.verifier.verify(body)
                except SnsVerificationError as error:
                    endpoint.refused.append(type(error).__name__)
                    self.send_response(403)
                    self.end_headers()
                    return
                endpoint.bodies.append(json.loads(body))
                endpoint.headers.append({k.lower(): v for k, v in self.headers.items()})
                endpoint.records.extend(parse_streaming_event(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sns"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sns_endpoint(verifier: SnsMessageVerifier) -> Iterator[SnsEndpoint]:
    endpoint = SnsEndpoint(verifier)
    try:
        yield endpoint
    finally:
        endpoint.close()
