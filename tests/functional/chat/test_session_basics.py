"""ChatSession against the emulator: connect, send, receive, API calls, errors, secrets."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from pathlib import Path

import botocore
import pytest

from boto3_connectparticipant_ext.chat import (
    AttachmentEvent,
    AuthenticationEvent,
    ChatArgumentError,
    ChatConfigError,
    ChatEndedError,
    ChatEndedEvent,
    ChatNotConnectedError,
    ChatSession,
    ChatUsageError,
    ConnectionEstablishedEvent,
    DeepHeartbeatFailedEvent,
    MessageEvent,
    ParticipantJoinedEvent,
    SessionState,
)
from boto3_connectparticipant_ext.emulator import Fault
from boto3_connectparticipant_ext.redact import (
    is_redacting_logs,
    start_redacting_logs,
    stop_redacting_logs,
)

from .conftest import FAST, Chat


def session_for(chat: Chat, **options: object) -> ChatSession:
    options.setdefault("chat_config", FAST)
    return ChatSession(chat.participant_token, endpoint_url=chat.emulator.endpoint_url, **options)  # type: ignore[arg-type]


def test_connect_uses_one_create_connection_with_both_types_and_connect_participant(
    chat: Chat,
) -> None:
    with session_for(chat) as session:
        assert session.connected
        [create] = chat.operations("CreateParticipantConnection")
        assert create.headers["X-Amz-Bearer"] == chat.participant_token
        participants = {p["ParticipantId"]: p for p in chat.emulator.participants(chat.contact_id)}
        assert participants[chat.customer_id]["Connected"]
        assert participants[chat.customer_id]["OpenSockets"] == 1
    assert len(chat.operations("WebsocketConnect")) == 1


def test_messages_flow_both_ways_as_typed_events(chat: Chat) -> None:
    with session_for(chat) as session:
        own_id = session.send_message("hello agent")
        agent_id = chat.agent_says("hello customer")
        chat.emulator.send_message(
            chat.contact_id, chat.agent_id, '{"a": 1}', content_type="application/json"
        )
        events = []
        for event in session.events(timeout=5):
            events.append(event)
            if isinstance(event, MessageEvent) and event.content_type == "application/json":
                break
    assert isinstance(events[0], ConnectionEstablishedEvent)
    messages = [event for event in events if isinstance(event, MessageEvent)]
    assert [m.id for m in messages[:2]] == [own_id, agent_id]
    assert messages[0].participant_role == "CUSTOMER"
    assert (messages[1].participant_role, messages[1].display_name) == ("AGENT", "Agent")
    assert messages[1].raw is not None and messages[1].raw["Id"] == agent_id
    assert session.participant_id == chat.customer_id


def test_session_client_is_unsigned_even_with_credentials_in_the_environment(
    chat: Chat, credentials_in_env: dict[str, str]
) -> None:
    with session_for(chat) as session:
        session.send_message("hi")
        assert session.client.meta.config.signature_version is botocore.UNSIGNED
    for request in chat.emulator.requests:
        names = {name.lower() for name in request.headers}
        assert "authorization" not in names and "x-amz-security-token" not in names


def test_user_config_is_merged_with_unsigned(chat: Chat) -> None:
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1}, user_agent_extra="my-bot/1")
    with session_for(chat, config=config) as session:
        assert session.client.meta.config.signature_version is botocore.UNSIGNED
        assert session.client.meta.config.user_agent_extra == "my-bot/1"


def test_an_existing_client_is_used_and_gets_the_token_bound(chat: Chat) -> None:
    import boto3

    client = boto3.session.Session().client(
        "connectparticipant", region_name="us-east-1", endpoint_url=chat.emulator.endpoint_url
    )
    with ChatSession(chat.participant_token, client=client, chat_config=FAST) as session:
        assert session.client is client
        # Bound token: the caller can use the client without passing one.
        client.send_message(Content="direct", ContentType="text/plain")


def test_bad_arguments_fail_before_any_request(chat: Chat) -> None:
    with pytest.raises(ChatConfigError):
        ChatSession("", endpoint_url=chat.emulator.endpoint_url)
    with pytest.raises(ChatConfigError):
        ChatSession(chat.participant_token, client=object())
    with pytest.raises(ChatConfigError):
        ChatSession(chat.participant_token, endpoint_url="x", client=object())
    for bad in ({"config": 5}, {"websocket": "no"}, {"participant_id": 5}, {"session": "s"}):
        with pytest.raises(ChatArgumentError) as caught:
            session_for(chat, **bad)
        assert isinstance(caught.value, TypeError)
        assert chat.participant_token not in str(caught.value)
    assert chat.operations("CreateParticipantConnection") == []
    with session_for(chat) as session:
        before = len(chat.emulator.requests)
        for content, content_type in [
            ("", "text/plain"),
            ("x" * 16385, "text/plain"),
            ("x", "text/html"),
            ("x", ""),
        ]:
            with pytest.raises(ChatConfigError):
                session.send_message(content, content_type=content_type)
        with pytest.raises(ChatConfigError):
            session.send_message(42)  # type: ignore[arg-type]
        with pytest.raises(ChatConfigError):
            session.send_read_receipt("")
        with pytest.raises(ChatConfigError):
            session.on("no-such-kind", print)
        with pytest.raises(ChatConfigError):
            session.events(timeout=-1)
        assert len(chat.emulator.requests) == before


def test_events_and_callbacks_cannot_both_consume(chat: Chat) -> None:
    with session_for(chat) as session:
        session.events(timeout=0)
        with pytest.raises(ChatUsageError):
            session.on("message", print)


def test_send_only_session_has_no_events(chat: Chat) -> None:
    with session_for(chat, websocket=False) as session:
        session.send_message("no socket needed")
        with pytest.raises(ChatNotConnectedError):
            session.events()
    assert not chat.operations("WebsocketConnect")


def test_callbacks_receive_events_in_order_on_one_thread(chat: Chat) -> None:
    seen: list[str] = []
    threads: set[str] = set()
    done = threading.Event()

    def on_message(event: MessageEvent) -> None:
        seen.append(event.content)
        threads.add(threading.current_thread().name)
        if len(seen) == 5:
            done.set()

    def explode(event: object) -> None:
        raise RuntimeError("a broken callback must not stop the others")

    with session_for(chat) as session:
        session.on(None, explode)
        remove = session.on(MessageEvent, on_message)  # type: ignore[arg-type]
        for number in range(5):
            chat.agent_says(f"m{number}")
        assert done.wait(10)
        remove()
        chat.agent_says("after removal")
    assert seen == [f"m{number}" for number in range(5)]
    assert len(threads) == 1


def test_transcript_describe_view_and_authentication(chat: Chat) -> None:
    chat.emulator.register_view("view-token", {"Name": "guide", "Content": {"Template": "{}"}})
    with session_for(chat) as session:
        message_id = session.send_message("for the transcript")
        items = list(session.transcript())
        assert message_id in [item["Id"] for item in items]
        assert session.describe_view("view-token")["Name"] == "guide"
        auth_session = chat.emulator.start_authentication(chat.contact_id)
        url = session.get_authentication_url(auth_session, "https://example.com/back")
        assert url.startswith("http")
        session.cancel_participant_authentication(auth_session)
        auth_events = [
            event for event in session.events(timeout=1) if isinstance(event, AuthenticationEvent)
        ]
    assert auth_events and auth_events[0].status == "initiated"


def test_attachment_upload_download_and_its_event(chat: Chat, tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_bytes(b"attachment body\n" * 100)
    with session_for(chat) as session:
        attachment_id = session.upload_attachment(source)
        attachment_events = []
        for event in session.events(timeout=5):
            if isinstance(event, AttachmentEvent):
                attachment_events.append(event)
                break
        target = session.download_attachment(attachment_id, tmp_path / "copy.txt")
    assert Path(target).read_bytes() == source.read_bytes()
    [event] = attachment_events
    assert event.attachments[0].attachment_id == attachment_id
    assert event.attachments[0].name == "note.txt"


def test_ping_failure_is_reported(chat: Chat) -> None:
    with session_for(chat) as session:
        chat.emulator.inject_fault(Fault.PING_FAILURE, count=1)
        failures = [
            event
            for event in session.events(timeout=2)
            if isinstance(event, DeepHeartbeatFailedEvent)
        ]
    assert failures and "500" in failures[0].reason


def test_chat_ended_live_ends_the_stream_and_blocks_sending(chat: Chat) -> None:
    with session_for(chat) as session:
        chat.emulator.end_contact(chat.contact_id)
        events = list(session.events(timeout=5))
        assert isinstance(events[-1], ChatEndedEvent)
        assert session.chat_ended
        with pytest.raises(ChatEndedError):
            session.send_message("too late")
        assert session.send_typing() is False
        assert session.send_read_receipt("some-id") is False
    assert not chat.operations("DisconnectParticipant")


def test_exit_leaves_the_chat_and_a_resumed_session_only_closes(chat: Chat) -> None:
    with session_for(chat, leave_on_exit=False) as session:
        state = session.save_state()
    assert not chat.operations("DisconnectParticipant")
    with ChatSession.resume(state, chat_config=FAST) as resumed:
        resumed.send_message("still here")
    assert not chat.operations("DisconnectParticipant")
    with session_for(chat) as session:
        pass
    assert len(chat.operations("DisconnectParticipant")) == 1
    assert session.chat_ended


def test_joined_event_of_a_new_participant(chat: Chat) -> None:
    with session_for(chat) as session:
        chat.emulator.add_participant(chat.contact_id, role="CUSTOM_BOT", display_name="Bot")
        joined = [
            event
            for event in session.events(timeout=1)
            if isinstance(event, ParticipantJoinedEvent)
        ]
    assert [event.display_name for event in joined] == ["Bot"]


def test_no_secret_reaches_logs_reprs_or_state_repr(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    # Issue 11: redaction is turned on by install() or explicitly, not by a session.
    start_redacting_logs()
    try:
        _check_no_secret_reaches_logs(chat, caplog)
    finally:
        stop_redacting_logs()


def test_creating_a_session_leaves_logging_alone_and_strips_the_token(chat: Chat) -> None:
    assert not is_redacting_logs()
    padded = "  " + chat.participant_token + "\n"
    with ChatSession(padded, endpoint_url=chat.emulator.endpoint_url, chat_config=FAST) as session:
        assert session.send_message("hi")
    [create] = chat.operations("CreateParticipantConnection")
    assert create.headers["X-Amz-Bearer"] == chat.participant_token
    assert not is_redacting_logs()
    with pytest.raises(ChatConfigError):
        ChatSession(chat.participant_token[:4] + "\x00" + chat.participant_token[4:])


def _check_no_secret_reaches_logs(chat: Chat, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), session_for(chat) as session:
        session.send_message("hi")
        chat.emulator.inject_fault(Fault.DROP_WEBSOCKET)
        for event in session.events(timeout=5):
            if event.kind == "connection.reestablished":
                break
        state = session.save_state()
        texts = [repr(session), repr(state), str(state)]
    secrets = {chat.participant_token, state.connection_token}
    logged = caplog.text + "\n".join(texts)
    for secret in secrets:
        assert secret not in logged
    assert "AuthToken=" not in logged.replace("AuthToken=<redacted>", "")
    assert json.loads(state.to_json())["connection_token"] == state.connection_token
    assert SessionState.from_json(state.to_json()) == state


def test_nothing_is_sent_beyond_what_the_session_needs(chat: Chat) -> None:
    config = dataclasses.replace(FAST, heartbeat_interval=0.2, ping_interval=0.2)
    with session_for(chat, chat_config=config) as session:
        message_id = chat.agent_says("read me")
        session.send_message("hi")
        session.send_read_receipt(message_id)
        time.sleep(0.5)
    operations = [request.operation for request in chat.emulator.requests]
    assert operations == [
        "CreateParticipantConnection",
        "WebsocketConnect",
        "GetTranscript",  # the newest item: where a later gap fill would start
        "SendMessage",
        "SendEvent",
        "DisconnectParticipant",
    ]
    topics = {
        json.loads(frame.text).get("topic")
        for frame in chat.emulator.frames
        if frame.direction == "in"
    }
    assert topics == {"aws/subscribe", "aws/heartbeat", "aws/ping"}
