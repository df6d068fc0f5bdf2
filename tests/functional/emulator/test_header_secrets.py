"""Oversize or malformed headers: the emulator never echoes a header's content.

aiohttp's own parser answers these before the emulator's routes; its default
answer and log line quote the start of the offending line, that is the token.
"""

from __future__ import annotations

import logging
import socket
from urllib.parse import urlsplit

import pytest

from boto3_connectparticipant_ext.emulator import Emulator

SECRET = "tok" + "Q7" * 50_000  # 100,003 characters, as pasted by mistake


def raw_request(emu: Emulator, headers: list[str]) -> bytes:
    parts = urlsplit(emu.endpoint_url)
    head = ["POST /participant/message HTTP/1.1", f"Host: {parts.netloc}", *headers]
    head += ["Content-Type: application/json", "Content-Length: 2", "Connection: close"]
    with socket.create_connection((parts.hostname, parts.port or 80), timeout=10) as raw:
        raw.sendall(("\r\n".join(head) + "\r\n\r\n{}").encode("latin-1"))
        answer = b""
        while True:
            chunk = raw.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def test_long_bearer_token_is_never_echoed(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        answer = raw_request(emulator, [f"X-Amz-Bearer: {SECRET}"])
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.split(b" ", 1)[1] == b"431 Request Header Fields Too Large"
    assert b"Q7Q7" not in answer
    assert answer.endswith(b"\r\n\r\n431 Request Header Fields Too Large\n")
    logged = "\n".join(caplog.messages) + "\n".join(
        str(record.exc_info) for record in caplog.records
    )
    assert "Q7Q7" not in logged
    assert "tokQ7" not in logged


def test_malformed_header_is_refused_without_its_content(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        answer = raw_request(emulator, ["X-Amz-Bearer\x01: secretQ7Q7Q7"])
    assert answer.split(b"\r\n", 1)[0].split(b" ", 1)[1] == b"400 Bad Request"
    assert answer.endswith(b"\r\n\r\n400 Bad Request\n")
    assert b"Q7Q7" not in answer
    assert "Q7Q7" not in "\n".join(caplog.messages)


def test_header_longer_than_aiohttp_default_still_reaches_the_api(emulator: Emulator) -> None:
    # 9,000 bytes: over aiohttp's default 8,190 but under API Gateway's 10,240.
    answer = raw_request(emulator, ["X-Amz-Bearer: " + "a" * 9_000])
    # The API's own check answers (a ConnectionToken holds at most 1,000 characters).
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"x-amzn-ErrorType: ValidationException" in answer
