"""Bad requests get the service's error (never a traceback, never a hang)."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
import urllib3

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import Chat

HTTP = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(total=10))


def call(emulator: Emulator, method: str, path: str, body: Any = b"", **headers: str) -> Any:
    return HTTP.request(method, emulator.endpoint_url + path, body=body, headers=headers)


def test_malformed_json_is_a_serialization_error(emulator: Emulator, chat: Chat) -> None:
    answer = call(
        emulator,
        "POST",
        "/participant/message",
        b'{"ContentType": "text/pl',
        **{"X-Amz-Bearer": chat.connection_token},
    )
    assert answer.status == 400
    assert answer.headers["x-amzn-ErrorType"] == "SerializationException"
    assert "Message" in json.loads(answer.data)


def test_json_that_is_not_an_object(emulator: Emulator, chat: Chat) -> None:
    answer = call(
        emulator,
        "POST",
        "/participant/message",
        b"[1, 2]",
        **{"X-Amz-Bearer": chat.connection_token},
    )
    assert answer.status == 400


def test_wrong_types_are_validation_errors(emulator: Emulator, chat: Chat) -> None:
    answer = call(
        emulator,
        "POST",
        "/participant/message",
        json.dumps({"ContentType": 5, "Content": ["x"]}),
        **{"X-Amz-Bearer": chat.connection_token},
    )
    assert answer.status == 400
    assert answer.headers["x-amzn-ErrorType"] == "ValidationException"
    message = json.loads(answer.data)["Message"]
    assert message.startswith("2 validation errors detected")


def test_missing_required_member(emulator: Emulator, chat: Chat) -> None:
    answer = call(
        emulator,
        "POST",
        "/participant/message",
        json.dumps({"ContentType": "text/plain"}),
        **{"X-Amz-Bearer": chat.connection_token},
    )
    assert answer.status == 400
    assert "Content" in json.loads(answer.data)["Message"]


def test_missing_bearer_is_access_denied(emulator: Emulator) -> None:
    answer = call(emulator, "POST", "/participant/transcript", b"{}")
    assert answer.status == 403
    assert answer.headers["x-amzn-ErrorType"] == "AccessDeniedException"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/participant/message"),
        ("POST", "/participant/nothing-here"),
        ("DELETE", "/"),
        ("POST", "/contact/chat"),
        ("GET", "/definitely/unknown?x=1"),
    ],
)
def test_unknown_routes_answer_like_api_gateway(emulator: Emulator, method: str, path: str) -> None:
    answer = call(emulator, method, path)
    assert answer.status == 403
    assert answer.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert json.loads(answer.data) == {"message": "Missing Authentication Token"}


def test_oversized_body_is_refused_without_reading_it(emulator: Emulator, chat: Chat) -> None:
    emulator.config.update(max_request_bytes=1000)
    answer = call(
        emulator,
        "POST",
        "/participant/message",
        b"x" * 5000,
        **{"X-Amz-Bearer": chat.connection_token},
    )
    assert answer.status == 413
    assert json.loads(answer.data) == {"message": "Request Too Long"}


def test_oversized_chunked_body_is_refused(emulator: Emulator, chat: Chat) -> None:
    emulator.config.update(max_request_bytes=1000)

    def chunks() -> Any:
        for _ in range(10):
            yield b"y" * 500

    answer = HTTP.request(
        "POST",
        emulator.endpoint_url + "/participant/message",
        body=chunks(),
        headers={"X-Amz-Bearer": chat.connection_token},
        chunked=True,
    )
    assert answer.status == 413


def test_garbage_on_the_socket_gets_a_400_not_a_hang(emulator: Emulator) -> None:
    port = int(emulator.endpoint_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"\x16\x03\x01 this is not http\r\n\r\n")
        reply = raw.recv(1024)
    assert reply.startswith((b"HTTP/1.1 400", b"HTTP/1.0 400"))


def test_server_survives_bad_input(emulator: Emulator, chat: Chat, client: Any) -> None:
    call(emulator, "POST", "/participant/message", b"\xff\xfe", **{"X-Amz-Bearer": "x"})
    call(emulator, "POST", "/participant/transcript", b'{"NextToken": 5}')
    answer = client.send_message(
        ConnectionToken=chat.connection_token, ContentType="text/plain", Content="alive"
    )
    assert answer["Id"]
