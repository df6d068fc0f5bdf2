"""Message content against the emulator: the service's limits, never stricter, refused early."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from boto3_connectparticipant_ext.chat import (
    AsyncChatSession,
    ChatConfigError,
    ChatSession,
    MessageRefusedError,
    SentMessage,
)
from boto3_connectparticipant_ext.emulator import EmulatorConfig
from boto3_connectparticipant_ext.service_limits import MAX_MESSAGE_CONTENT_BYTES

from .conftest import FAST, Chat

# 16,000 bytes of UTF-8: ASCII, and two- to four-byte characters.
ASCII_16000 = "a" * 16000
MIXED_16000 = ("é" * 1000) + ("€" * 1000) + ("😀" * 1000) + ("x" * 7000)
TOO_LONG = "€" * 5461 + "xx"  # 16,385 bytes


def test_the_sample_sizes() -> None:
    assert len(ASCII_16000.encode()) == len(MIXED_16000.encode()) == 16000
    assert len(TOO_LONG.encode()) == MAX_MESSAGE_CONTENT_BYTES + 1


def sync_session(chat: Chat) -> ChatSession:
    return ChatSession(
        chat.participant_token,
        endpoint_url=chat.emulator.endpoint_url,
        chat_config=FAST,
        websocket=False,
        leave_on_exit=False,
    )


def async_session(chat: Chat) -> AsyncChatSession:
    return AsyncChatSession(
        chat.participant_token,
        endpoint_url=chat.emulator.endpoint_url,
        chat_config=FAST,
        websocket=False,
        leave_on_exit=False,
    )


def kept(chat: Chat, message_id: str) -> dict[str, Any]:
    (item,) = [i for i in chat.emulator.transcript(chat.contact_id) if i["Id"] == message_id]
    return item


@pytest.mark.parametrize("content", [ASCII_16000, MIXED_16000], ids=["ascii", "multibyte"])
def test_a_16000_byte_message_goes_through_a_chat_session(chat: Chat, content: str) -> None:
    with sync_session(chat) as session:
        sent = session.send_message(content)
    assert isinstance(sent, SentMessage) and isinstance(sent, str)
    assert kept(chat, sent)["Content"] == content


@pytest.mark.parametrize("content", [ASCII_16000, MIXED_16000], ids=["ascii", "multibyte"])
def test_a_16000_byte_message_goes_through_an_async_chat_session(chat: Chat, content: str) -> None:
    async def scenario() -> str:
        async with async_session(chat) as session:
            return await session.send_message(content, content_type="text/markdown")

    sent = asyncio.run(asyncio.wait_for(scenario(), 60))
    item = kept(chat, sent)
    assert (item["Content"], item["ContentType"]) == (content, "text/markdown")


@pytest.mark.parametrize(
    ("content", "content_type", "named"),
    [
        (TOO_LONG, "text/plain", "16384"),
        ("x" * 16385, "application/json", "16384"),
        ('{"data": 1}', "application/vnd.amazonaws.connect.message.interactive", "SendMessage"),
        ("hi", "text/html", "SendMessage"),
    ],
    ids=["too-long-multibyte", "too-long-json", "interactive-not-sendable", "unknown-type"],
)
def test_refused_locally_before_any_request(
    chat: Chat, content: str, content_type: str, named: str
) -> None:
    with sync_session(chat) as session:
        chat.emulator.clear_records()
        with pytest.raises(ChatConfigError, match=named):
            session.send_message(content, content_type=content_type)

    async def scenario() -> None:
        async with async_session(chat) as session:
            chat.emulator.clear_records()
            with pytest.raises(ChatConfigError, match=named):
                await session.send_message(content, content_type=content_type)
            assert not chat.operations("SendMessage")

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert not chat.operations("SendMessage")


def test_a_content_type_the_contact_does_not_take_is_the_services_typed_refusal(
    chat: Chat,
) -> None:
    # This service takes text/plain only: it refuses markdown, the client does not.
    chat.emulator.config = EmulatorConfig(
        message_content_limits={"text/plain": MAX_MESSAGE_CONTENT_BYTES}
    )
    with sync_session(chat) as session:
        with pytest.raises(MessageRefusedError) as refused:
            session.send_message("**bold**", content_type="text/markdown")
        assert refused.value.code == "ValidationException"
        assert chat.participant_token not in str(refused.value)
        assert session.send_message("plain is fine")  # the session goes on
    assert [r.status for r in chat.operations("SendMessage")] == [400, 200]


def test_the_retired_connection_acknowledged_is_refused_locally(chat: Chat) -> None:
    from boto3_connectparticipant_ext import RetiredEventError
    from boto3_connectparticipant_ext._send_event import CONNECTION_ACKNOWLEDGED

    with sync_session(chat) as session:
        chat.emulator.clear_records()
        with pytest.raises(RetiredEventError, match="ConnectParticipant=True"):
            session.client.send_event(ContentType=CONNECTION_ACKNOWLEDGED)
        assert not chat.operations("SendEvent")
        session.send_typing()  # other events still go
    assert len(chat.operations("SendEvent")) == 1  # the typing event only
