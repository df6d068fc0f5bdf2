"""AsyncChatSession against the emulator: the same guarantees from asyncio code."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from botocore.config import Config

from boto3_connectparticipant_ext.chat import (
    AsyncChatSession,
    ChatEndedError,
    ChatEndedEvent,
    ChatEvent,
    ChatUsageError,
    ConnectionLostEvent,
    ConnectionReestablishedEvent,
    MessageEvent,
    SessionState,
)
from boto3_connectparticipant_ext.emulator import EmulatorConfig, Fault

from .conftest import FAST, Chat

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def session_for(chat: Chat, **options: Any) -> AsyncChatSession:
    options.setdefault("chat_config", FAST)
    return AsyncChatSession(
        chat.participant_token, endpoint_url=chat.emulator.endpoint_url, **options
    )


async def agent_says(chat: Chat, text: str) -> str:
    return await asyncio.to_thread(chat.agent_says, text)


def test_send_receive_transcript_and_attachments(chat: Chat, tmp_path: Path) -> None:
    source = tmp_path / "photo.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    async def scenario() -> list[ChatEvent]:
        async with session_for(chat) as session:
            own = await session.send_message("hi")
            agent = await agent_says(chat, "hello")
            attachment_id = await session.upload_attachment(source)
            events = []
            async for event in session.events(timeout=3):
                events.append(event)
                if event.kind == "attachment":
                    break
            items = [item async for item in session.transcript()]
            assert {own, agent} <= {item["Id"] for item in items}
            target = await session.download_attachment(attachment_id, tmp_path / "copy.png")
            assert Path(target).read_bytes() == source.read_bytes()
            return events

    events = run(scenario())
    assert events[0].kind == "connection.established"
    assert [e.content for e in events if isinstance(e, MessageEvent)] == ["hi", "hello"]


def test_coroutine_callbacks_run_in_order(chat: Chat) -> None:
    async def scenario() -> list[str]:
        seen: list[str] = []
        done = asyncio.Event()

        async def on_message(event: ChatEvent) -> None:
            assert isinstance(event, MessageEvent)
            await asyncio.sleep(0.001)
            seen.append(event.content)
            if len(seen) == 10:
                done.set()

        session = session_for(chat)
        session.on("message", on_message)
        async with session:
            for number in range(10):
                await agent_says(chat, f"m{number}")
            await asyncio.wait_for(done.wait(), 10)
        return seen

    assert run(scenario()) == [f"m{number}" for number in range(10)]


@pytest.mark.slow
def test_forced_drops_during_a_burst_lose_and_duplicate_nothing(chat: Chat) -> None:
    burst, drops = 1000, 100

    async def scenario() -> list[ChatEvent]:
        received: list[ChatEvent] = []
        reconnected = asyncio.Semaphore(0)
        async with session_for(chat) as session:

            async def produce() -> None:
                for number in range(burst):
                    await agent_says(chat, f"burst {number}")
                    if number % (burst // drops) == burst // drops - 1:
                        await asyncio.to_thread(chat.emulator.inject_fault, Fault.DROP_WEBSOCKET)
                        await asyncio.wait_for(reconnected.acquire(), 30)

            producer = asyncio.ensure_future(produce())
            messages = reconnects = 0
            async for event in session.events(timeout=30):
                received.append(event)
                if isinstance(event, ConnectionReestablishedEvent):
                    reconnects += 1
                    reconnected.release()
                elif isinstance(event, MessageEvent):
                    messages += 1
                if (messages, reconnects) == (burst, drops):
                    break
            await producer
        return received

    received = run(scenario())
    expected = [
        item["Id"]
        for item in chat.emulator.transcript(chat.contact_id)
        if item.get("ParticipantId") == chat.agent_id and item.get("Type") == "MESSAGE"
    ]
    got = [event.id for event in received if isinstance(event, MessageEvent)]
    assert got == expected and len(got) == burst
    assert sum(isinstance(event, ConnectionLostEvent) for event in received) == drops


def test_silent_heartbeat_leads_to_a_reconnect(chat: Chat) -> None:
    async def scenario() -> list[ChatEvent]:
        async with session_for(chat) as session:
            await asyncio.to_thread(chat.emulator.inject_fault, Fault.SILENT_HEARTBEAT)
            events = []
            async for event in session.events(timeout=5):
                events.append(event)
                if isinstance(event, ConnectionReestablishedEvent):
                    break
            return events

    events = run(scenario())
    assert [e.reason for e in events if isinstance(e, ConnectionLostEvent)] == ["missed heartbeat"]


def test_token_refreshed_before_expiry(emulator_config: EmulatorConfig, chat: Chat) -> None:
    emulator_config.update(connection_token_ttl=1.0)

    async def scenario() -> tuple[SessionState, SessionState]:
        async with session_for(chat, websocket=False) as session:
            first = session.save_state()
            await asyncio.sleep(1.6)
            await session.send_message("after the first token's expiry")
            return first, session.save_state()

    first, last = run(scenario())
    assert first.connection_token != last.connection_token
    assert all(request.status == 200 for request in chat.emulator.requests)
    assert len(chat.operations("CreateParticipantConnection")) >= 3


def test_chat_ended_while_offline(chat: Chat) -> None:
    no_retries = Config(retries={"total_max_attempts": 1, "mode": "standard"})

    async def scenario() -> list[ChatEvent]:
        async with session_for(chat, config=no_retries) as session:
            await asyncio.to_thread(
                chat.emulator.inject_fault,
                Fault.INTERNAL_ERROR,
                operation="CreateParticipantConnection",
                count=None,
            )
            await asyncio.to_thread(chat.emulator.inject_fault, Fault.DROP_WEBSOCKET)
            events = []
            async for event in session.events(timeout=10):
                events.append(event)
                if isinstance(event, ConnectionLostEvent):
                    await asyncio.to_thread(chat.emulator.end_contact, chat.contact_id)
                    await asyncio.to_thread(chat.emulator.clear_faults)
            with pytest.raises(ChatEndedError):
                await session.send_message("late")
            return events

    events = run(scenario())
    assert isinstance(events[-1], ChatEndedEvent)


def test_receipts_and_typing_under_concurrent_calls(chat: Chat) -> None:
    config = dataclasses.replace(FAST, receipt_delay=5.0)

    async def scenario() -> int:
        async with session_for(chat, chat_config=config) as session:
            ids = [await agent_says(chat, f"m{number}") for number in range(3)]
            baseline = len(chat.operations("SendEvent"))
            calls = []
            for _ in range(30):
                calls.append(session.send_typing())
                for message_id in ids:
                    calls.append(session.send_delivered_receipt(message_id))
                    calls.append(session.send_read_receipt(message_id))
            results = await asyncio.gather(*calls)
            assert results[0] is True  # the first typing call
            await session.flush_receipts()
            return len(chat.operations("SendEvent")) - baseline

    assert run(scenario()) == 1 + 3


def test_resume_without_a_new_connection(chat: Chat) -> None:
    async def scenario() -> None:
        async with session_for(chat, websocket=False, leave_on_exit=False) as session:
            await session.send_message("one")
            saved = session.save_state().to_json()
        resumed = AsyncChatSession.resume(SessionState.from_json(saved), chat_config=FAST)
        async with resumed:
            await resumed.send_message("two")

    run(scenario())
    assert len(chat.operations("CreateParticipantConnection")) == 1
    assert len(chat.operations("SendMessage")) == 2


def test_a_receipt_queued_on_a_resumed_session_is_sent_when_it_closes(chat: Chat) -> None:
    # A resumed session that made no call of its own before close() still sends what is
    # queued (its call threads are shut down after the flush, not before).
    message_id = chat.agent_says("read me")
    config = dataclasses.replace(FAST, receipt_delay=3600.0)

    async def scenario() -> None:
        async with session_for(chat, websocket=False, leave_on_exit=False) as session:
            saved = session.save_state()
        resumed = AsyncChatSession.resume(saved, chat_config=config)
        await resumed.connect()
        assert await resumed.send_read_receipt(message_id)
        await resumed.close()

    run(scenario())
    assert [request.status for request in chat.operations("SendEvent")] == [200]


def test_a_session_is_bound_to_one_event_loop(chat: Chat) -> None:
    session = session_for(chat, websocket=False, leave_on_exit=False)
    run(session.connect())
    with pytest.raises(ChatUsageError):
        run(session.send_message("from another loop"))
