"""start_chat / start_async_chat over real HTTP: the emulator, and a refusing server of our own."""

from __future__ import annotations

import asyncio
import http.server
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from boto3_connectparticipant_ext.conversation import (
    DEFAULT_CONTENT_TYPES,
    ChatAccessDeniedError,
    ChatQuotaExceededError,
    ChatResourceNotFoundError,
    ChatThrottledError,
    ConversationArgumentError,
    StartChatError,
    start_async_chat,
    start_chat,
)
from boto3_connectparticipant_ext.emulator import Emulator, Fault

from .conftest import start_options

ONE_ATTEMPT = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def operations(emulator: Emulator) -> list[str]:
    return [r.operation for r in emulator.requests if r.operation]


class Refusing(http.server.BaseHTTPRequestHandler):
    """Answers every request with the error in ``server.answer`` (status, code)."""

    def _refuse(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, code = self.server.answer  # type: ignore[attr-defined]
        body = json.dumps({"Message": f"{code} from the test server"}).encode()
        self.send_response(status)
        self.send_header("x-amzn-ErrorType", code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST = _refuse

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def refusing() -> Iterator[http.server.HTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    server.answer = (429, "LimitExceededException")  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def refusing_client(server: http.server.HTTPServer, aws: boto3.session.Session) -> Any:
    return aws.client(
        "connect",
        endpoint_url=f"http://127.0.0.1:{server.server_address[1]}",
        config=ONE_ATTEMPT,
    )


def test_start_chat_sends_the_defaults_and_ends_by_stopping_the_contact(
    emulator: Emulator, aws: boto3.session.Session
) -> None:
    sent: list[dict[str, Any]] = []
    connect = aws.client("connect", endpoint_url=emulator.endpoint_url)
    connect.meta.events.register(
        "before-send.connect.StartChatContact",
        lambda request, **_: sent.append(json.loads(request.body)),
    )
    options = {**start_options(emulator, aws), "session": None, "connect_client": connect}
    with start_chat(
        display_name="Pat", attributes={"tier": "gold"}, chat_duration_minutes=60, **options
    ) as chat:
        assert chat.connected and chat.contact.participant_id == chat.participant_id
        chat.send_message("hi")
        assert "Token" not in repr(chat.contact)
    body = sent[0]
    assert body["SupportedMessagingContentTypes"] == list(DEFAULT_CONTENT_TYPES)
    assert "application/vnd.amazonaws.connect.message.interactive" in DEFAULT_CONTENT_TYPES
    assert body["ParticipantDetails"] == {"DisplayName": "Pat"}
    assert (body["Attributes"], body["ChatDurationInMinutes"]) == ({"tier": "gold"}, 60)
    assert "PersistentChat" not in body
    ops = operations(emulator)
    assert ops[:2] == ["StartChatContact", "CreateParticipantConnection"]
    assert ops[-2:] == ["DisconnectParticipant", "StopContact"]
    assert chat.chat_ended


def test_persistent_chat_continues_from_a_past_contact(
    emulator: Emulator, aws: boto3.session.Session
) -> None:
    with start_chat(**start_options(emulator, aws)) as first:
        first.send_message("my order is late")
    with start_chat(
        continue_from=first.contact.contact_id,
        rehydration_type="FROM_SEGMENT",
        **start_options(emulator, aws),
    ) as again:
        assert again.contact.continued_from == first.contact.contact_id
        assert again.contact.contact_id != first.contact.contact_id


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"instance_id": ""}, "instance_id"),
        ({"contact_flow_id": 5}, "contact_flow_id"),
        ({"display_name": "x" * 257}, "display_name"),
        ({"attributes": {"a": 1}}, "attributes"),
        ({"content_types": ["text/markdown"]}, "must include text/plain"),
        ({"content_types": ["image/png", "text/plain"]}, "image/png"),
        ({"chat_duration_minutes": 59}, "60 to 10080"),
        ({"chat_duration_minutes": True}, "chat_duration_minutes"),
        ({"continue_from": "c-1", "rehydration_type": "ALL"}, "rehydration_type"),
        ({"initial_message": "é" * 8193}, "16384 bytes"),
        ({"websocket": "yes"}, "websocket"),
    ],
)
def test_bad_arguments_are_refused_before_any_call(
    emulator: Emulator, aws: boto3.session.Session, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConversationArgumentError, match=message):
        start_chat(**{**start_options(emulator, aws), **options})
    assert operations(emulator) == []


def test_an_unknown_flow_is_a_not_found_error(
    emulator: Emulator, aws: boto3.session.Session
) -> None:
    # The emulator accepts any flow id unless told to know only its own (as the service knows
    # only the instance's flows).
    emulator.config.update(strict_ids=True)
    options = {**start_options(emulator, aws), "contact_flow_id": "no-such-flow"}
    with pytest.raises(ChatResourceNotFoundError) as caught:
        start_chat(**options)
    assert caught.value.code == "ResourceNotFoundException"
    assert isinstance(caught.value, LookupError)
    assert operations(emulator) == ["StartChatContact"]


def test_throttling_after_retries_is_a_throttled_error(
    emulator: Emulator, aws: boto3.session.Session
) -> None:
    emulator.inject_fault(Fault.THROTTLE, operation="StartChatContact", count=None)
    with pytest.raises(ChatThrottledError):
        start_chat(config=ONE_ATTEMPT, **start_options(emulator, aws))


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((429, "LimitExceededException"), ChatQuotaExceededError),
        ((402, "ServiceQuotaExceededException"), ChatQuotaExceededError),
        ((403, "AccessDeniedException"), ChatAccessDeniedError),
        ((500, "InternalServiceException"), StartChatError),
    ],
)
def test_refusals_are_typed(
    refusing: http.server.HTTPServer,
    aws: boto3.session.Session,
    answer: tuple[int, str],
    error: type[StartChatError],
) -> None:
    refusing.answer = answer  # type: ignore[attr-defined]
    with pytest.raises(error) as caught:
        start_chat(
            instance_id="i-1", contact_flow_id="f-1", connect_client=refusing_client(refusing, aws)
        )
    assert caught.value.code == answer[1]
    assert "StartChatContact failed" in str(caught.value)


def test_stop_contact_refused_is_a_logged_warning(
    emulator: Emulator,
    aws: boto3.session.Session,
    refusing: http.server.HTTPServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    refusing.answer = (403, "AccessDeniedException")  # type: ignore[attr-defined]
    chat = start_chat(**start_options(emulator, aws))
    chat.connect_client = refusing_client(refusing, aws)
    with caplog.at_level(logging.WARNING, "boto3_connectparticipant_ext.conversation"):
        chat.disconnect()
    assert chat.chat_ended and chat.stop_contact() is False
    assert "StopContact was refused" in caplog.text
    assert "StopContact" not in operations(emulator)


def test_a_failed_connect_stops_the_contact(emulator: Emulator, aws: boto3.session.Session) -> None:
    emulator.inject_fault(Fault.INTERNAL_ERROR, operation="CreateParticipantConnection", count=None)
    with pytest.raises(StartChatError, match="CreateParticipantConnection failed") as caught:
        start_chat(config=ONE_ATTEMPT, **start_options(emulator, aws))
    assert caught.value.code == "InternalServerException"
    assert operations(emulator)[-1] == "StopContact"


def test_start_async_chat(emulator: Emulator, aws: boto3.session.Session) -> None:
    async def scenario() -> str:
        chat = await start_async_chat(**start_options(emulator, aws))
        async with chat:
            await chat.send_message("hi from asyncio")
        return chat.contact.contact_id

    contact_id = asyncio.run(scenario())
    assert operations(emulator)[-2:] == ["DisconnectParticipant", "StopContact"]
    assert emulator.transcript(contact_id)[-1]["ContentType"].endswith("chat.ended")
