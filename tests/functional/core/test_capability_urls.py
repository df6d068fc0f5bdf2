"""Capability URLs are redacted by role: whatever their query's parameter names.

A server of our own on 127.0.0.1 plays the participant API and a store that
signs with non-AWS parameter names (``sig=``, ``auth=``, ``ticket=``). The
helpers run against it for real; every DEBUG line (botocore's, urllib3's, the
package's own and the application's), exception message and repr is checked.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
import urllib3

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.redact import redact_text
from boto3_connectparticipant_ext.transfer import TransferConfig, UploadFailedError

UPLOAD_SECRET = "UPLOADsig0123456789"
DOWNLOAD_SECRET = "DOWNLOADauth0123456789"
WEBSOCKET_SECRET = "WEBSOCKETticket0123456789"
SECRETS = (UPLOAD_SECRET, DOWNLOAD_SECRET, WEBSOCKET_SECRET)


@pytest.fixture
def foreign_store() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            base = f"http://127.0.0.1:{self.server.server_address[1]}"  # type: ignore[index]
            answers = {
                "/participant/start-attachment-upload": {
                    "AttachmentId": "att-1",
                    "UploadMetadata": {
                        "Url": f"{base}/store/k?sig={UPLOAD_SECRET}&exp=9",
                        "UrlExpiry": "2099-01-01T00:00:00.000Z",
                        "HeadersToInclude": {"Content-Type": "application/pdf"},
                    },
                },
                "/participant/attachment": {
                    "Url": f"{base}/store/k?auth={DOWNLOAD_SECRET}",
                    "UrlExpiry": "2099-01-01T00:00:00.000Z",
                    "AttachmentSizeInBytes": 3,
                },
                "/participant/connection": {
                    "Websocket": {
                        "Url": f"wss://127.0.0.1:1/ws?ticket={WEBSOCKET_SECRET}",
                        "ConnectionExpiry": "2099-01-01T00:00:00.000Z",
                    },
                },
            }
            body = json.dumps(answers.get(self.path, {})).encode()
            self._reply(200, body, "application/json")

        def do_PUT(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._reply(503, b"<Error><Code>SlowDown</Code></Error>", "application/xml")

        def do_GET(self) -> None:
            self._reply(200, b"abc", "application/octet-stream")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_foreign_signatures_never_reach_logs_messages_or_reprs(
    foreign_store: str, caplog: pytest.LogCaptureFixture
) -> None:
    cpx.install()
    client = boto3.client("connectparticipant", region_name="us-east-1", endpoint_url=foreign_store)
    cpx.bind_tokens(client, connection_token="connection-token", participant_token="p-token")
    app = logging.getLogger("app")
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(UploadFailedError) as failed:
            client.upload_attachment_fileobj(
                io.BytesIO(b"%PDF-1.7\n"),
                "a.pdf",
                Config=TransferConfig(max_attempts=2, backoff_base=0, backoff_max=0),
            )
        url = client.get_attachment_url("att-1")
        connection = client.create_participant_connection(Type=["WEBSOCKET"])
        app.info("download link %s", url)
        app.debug("connection answer %r", connection)
        try:
            raise urllib3.exceptions.MaxRetryError(None, url.split("127.0.0.1", 1)[1])  # type: ignore[arg-type]
        except urllib3.exceptions.MaxRetryError:
            app.exception("fetch failed")
    logged = caplog.text + "".join(record.exc_text or "" for record in caplog.records)
    # The lines are there (the test can fail), only their secrets are gone.
    assert "PUT /store/k?<redacted>" in logged
    assert "fetch failed" in logged and "download link" in logged
    for secret in SECRETS:
        assert secret not in logged, secret
    error_text = "".join(traceback.format_exception(failed.type, failed.value, failed.tb)) + repr(
        failed.value
    )
    assert UPLOAD_SECRET not in error_text
    assert DOWNLOAD_SECRET not in redact_text(repr({"link": url}))
    assert DOWNLOAD_SECRET in url  # the caller still gets the working URL


def test_name_based_rules_remain_the_fallback() -> None:
    text = "GET /file?X-Amz-Signature=abc123&x=1 and {'Url': 'https://h/k?unknown=zzz'}"
    cleaned = redact_text(text)
    assert "abc123" not in cleaned and "zzz" not in cleaned
