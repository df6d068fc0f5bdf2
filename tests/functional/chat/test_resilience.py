"""Connection management against the emulator's faults: drops, silence, expiry, age, end."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from botocore.config import Config

from boto3_connectparticipant_ext.chat import (
    ChatEndedError,
    ChatEndedEvent,
    ChatEvent,
    ChatSession,
    ConnectionLostEvent,
    ConnectionReestablishedEvent,
    MessageEvent,
)
from boto3_connectparticipant_ext.emulator import EmulatorConfig, Fault

from .conftest import FAST, Background, Chat, wait_for

BURST = 1000
DROPS = 100


def session_for(chat: Chat, **options: object) -> ChatSession:
    options.setdefault("chat_config", FAST)
    return ChatSession(chat.participant_token, endpoint_url=chat.emulator.endpoint_url, **options)  # type: ignore[arg-type]


def agent_message_ids(chat: Chat) -> list[str]:
    return [
        item["Id"]
        for item in chat.emulator.transcript(chat.contact_id)
        if item.get("Type") == "MESSAGE" and item.get("ParticipantId") == chat.agent_id
    ]


@pytest.mark.slow
def test_forced_drops_during_a_burst_lose_and_duplicate_nothing(chat: Chat) -> None:
    reconnected = threading.Semaphore(0)
    received: list[ChatEvent] = []

    with session_for(chat) as session:

        def burst() -> None:
            per_drop = BURST // DROPS
            for number in range(BURST):
                chat.agent_says(f"burst {number}")
                if number % per_drop == per_drop - 1:
                    chat.emulator.inject_fault(Fault.DROP_WEBSOCKET)
                    assert reconnected.acquire(timeout=30), "no reconnect after a drop"

        producer = Background(burst)
        producer.start()
        messages = reconnects = 0
        for event in session.events(timeout=30):
            received.append(event)
            if isinstance(event, ConnectionReestablishedEvent):
                reconnects += 1
                reconnected.release()
            elif isinstance(event, MessageEvent):
                messages += 1
            if (messages, reconnects) == (BURST, DROPS):
                break
        producer.finish()

    got = [event.id for event in received if isinstance(event, MessageEvent)]
    assert got == agent_message_ids(chat)  # every message, once, in order
    assert len(got) == BURST == len(set(got))
    losses = [event for event in received if isinstance(event, ConnectionLostEvent)]
    assert len(losses) == DROPS
    assert len(chat.operations("WebsocketConnect")) == DROPS + 1


def test_silent_heartbeat_leads_to_a_reconnect(chat: Chat) -> None:
    with session_for(chat) as session:
        chat.emulator.inject_fault(Fault.SILENT_HEARTBEAT, count=1)
        events = []
        for event in session.events(timeout=5):
            events.append(event)
            if isinstance(event, ConnectionReestablishedEvent):
                break
        chat.agent_says("after the reconnect")
        for event in session.events(timeout=5):
            if isinstance(event, MessageEvent):
                events.append(event)
                break
    lost = [event for event in events if isinstance(event, ConnectionLostEvent)]
    assert [event.reason for event in lost] == ["missed heartbeat"]
    assert isinstance(events[-1], MessageEvent)
    assert len(chat.operations("CreateParticipantConnection")) == 2


@pytest.fixture
def short_tokens(emulator_config: EmulatorConfig) -> EmulatorConfig:
    emulator_config.update(connection_token_ttl=1.5)
    return emulator_config


def test_an_expiring_connection_token_is_refreshed_before_it_expires(
    short_tokens: EmulatorConfig, chat: Chat
) -> None:
    with session_for(chat) as session:
        first = session.save_state()
        wait_for(lambda: len(chat.operations("CreateParticipantConnection")) >= 3, timeout=10)
        second = session.save_state()
        # Well past the first token's expiry: calls still work, with a newer token.
        session.send_message("still authorised")
        assert second.connection_token != first.connection_token
        assert second.connection_expiry != first.connection_expiry
    statuses = [request.status for request in chat.emulator.requests]
    assert all(status is not None and status < 400 for status in statuses), statuses
    assert not chat.operations("WebsocketConnect")[1:]  # the socket was never replaced


def test_a_chat_ended_while_offline_gives_a_chat_ended_event(chat: Chat) -> None:
    # The gap fill reads the transcript after the end: the service's token would refuse.
    chat.emulator.config.update(tokens_work_after_chat_end=True)
    no_retries = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    with session_for(chat, config=no_retries) as session:
        chat.agent_says("before")
        chat.emulator.inject_fault(
            Fault.INTERNAL_ERROR, operation="CreateParticipantConnection", count=None
        )
        chat.emulator.inject_fault(Fault.DROP_WEBSOCKET)
        events = []
        for event in session.events(timeout=10):
            events.append(event)
            if isinstance(event, ConnectionLostEvent):
                chat.agent_says("while offline")
                chat.emulator.end_contact(chat.contact_id)
                chat.emulator.clear_faults()
        assert isinstance(events[-1], ChatEndedEvent)
        assert session.chat_ended
        with pytest.raises(ChatEndedError):
            session.send_message("nobody is listening")
    contents = [event.content for event in events if isinstance(event, MessageEvent)]
    assert contents == ["before", "while offline"]
    # The refused reconnect is the last one: no retry loop after the 403.
    creates = chat.operations("CreateParticipantConnection")
    assert creates[-1].status == 403
    assert len([request for request in creates if request.status == 403]) == 1


@pytest.fixture
def aging_sockets(emulator_config: EmulatorConfig) -> EmulatorConfig:
    emulator_config.update(websocket_max_age=1.0)
    return emulator_config


def test_socket_age_limit_gives_make_before_break_refreshes_without_duplicates(
    aging_sockets: EmulatorConfig, chat: Chat
) -> None:
    config = dataclasses.replace(FAST, socket_max_age=0.4, socket_overlap=0.1)
    sent: list[str] = []
    with session_for(chat, chat_config=config) as session:

        def talk() -> None:
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline:
                sent.append(chat.agent_says(f"m{len(sent)}"))
                time.sleep(0.005)

        producer = Background(talk)
        producer.start()
        producer.finish()
        received = []
        for event in session.events(timeout=3):
            received.append(event)
            if sum(isinstance(e, MessageEvent) for e in received) == len(sent):
                break
    assert [e.id for e in received if isinstance(e, MessageEvent)] == sent
    assert not [e for e in received if isinstance(e, ConnectionLostEvent)]
    sockets = chat.operations("WebsocketConnect")
    assert len(sockets) >= 4
    # Every socket was opened on a fresh URL (a refresh never reuses one).
    assert len(chat.operations("CreateParticipantConnection")) >= len(sockets)


def test_a_slow_consumer_loses_nothing(chat: Chat) -> None:
    config = dataclasses.replace(FAST, max_buffered_events=5, heartbeat_interval=0.2)
    with session_for(chat, chat_config=config) as session:
        sent = [chat.agent_says(f"m{number}") for number in range(300)]
        time.sleep(1.0)  # many heartbeat intervals with a full buffer
        received = []
        for event in session.events(timeout=5):
            received.append(event)
            if isinstance(event, MessageEvent) and event.id == sent[-1]:
                break
    assert [e.id for e in received if isinstance(e, MessageEvent)] == sent
    assert not [e for e in received if isinstance(e, ConnectionLostEvent)]


def test_receipts_and_typing_throttles_hold_under_a_burst(chat: Chat) -> None:
    config = dataclasses.replace(FAST, receipt_delay=5.0)
    with session_for(chat, chat_config=config) as session:
        agent_ids = [chat.agent_says(f"m{number}") for number in range(3)]
        own_id = session.send_message("mine")
        baseline = len(chat.operations("SendEvent"))

        def hammer() -> None:
            for _ in range(20):
                session.send_typing()
                for message_id in agent_ids:
                    session.send_delivered_receipt(message_id)
                    session.send_read_receipt(message_id)
                    session.send_delivered_receipt(message_id)
                session.send_read_receipt(own_id)

        workers = [Background(hammer) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.finish()
        assert len(chat.operations("SendEvent")) == baseline + 1  # the one typing event
        session.flush_receipts()
        assert len(chat.operations("SendEvent")) == baseline + 1 + len(agent_ids)
        session.send_read_receipt(agent_ids[0])
        session.flush_receipts()
        assert len(chat.operations("SendEvent")) == baseline + 1 + len(agent_ids)
    transcript = {item["Id"]: item for item in chat.emulator.transcript(chat.contact_id)}
    for message_id in agent_ids:
        [receipt] = transcript[message_id]["MessageMetadata"]["Receipts"]
        assert receipt["RecipientParticipantId"] == chat.customer_id
        assert "ReadTimestamp" in receipt and "DeliveredTimestamp" not in receipt
    assert "MessageMetadata" not in transcript[own_id]


def test_queued_receipts_are_sent_on_close_and_not_after_the_end(chat: Chat) -> None:
    config = dataclasses.replace(FAST, receipt_delay=60.0)
    with session_for(chat, chat_config=config, leave_on_exit=False) as session:
        message_id = chat.agent_says("read me")
        assert session.send_read_receipt(message_id)
    assert len(chat.operations("SendEvent")) == 1
    with session_for(chat, chat_config=config) as session:
        other = chat.agent_says("never read")
        chat.emulator.end_contact(chat.contact_id)
        list(session.events(timeout=5))
        assert not session.send_read_receipt(other)
    assert len(chat.operations("SendEvent")) == 1


def test_resume_reuses_the_connection_and_fills_the_gap(chat: Chat) -> None:
    # Invocation 1: a websocket session that consumed one message, then stopped.
    with session_for(chat, leave_on_exit=False) as session:
        first = chat.agent_says("seen before the stop")
        for event in session.events(timeout=5):
            if isinstance(event, MessageEvent):
                assert event.id == first
                break
        saved = session.save_state().to_json()
    missed = [chat.agent_says(f"missed {number}") for number in range(3)]
    creates = len(chat.operations("CreateParticipantConnection"))

    # Invocation 2 (a Lambda handling one inbound message): no connection at all.
    from boto3_connectparticipant_ext.chat import SessionState

    state = SessionState.from_json(saved)
    with ChatSession.resume(state, chat_config=FAST) as lambda_session:
        lambda_session.send_message("from the lambda")
        saved = lambda_session.save_state().to_json()
    assert len(chat.operations("CreateParticipantConnection")) == creates

    # Invocation 3: the event stream again, starting right after the last consumed item.
    state = SessionState.from_json(saved)
    with ChatSession.resume(state, chat_config=FAST, websocket=True) as resumed:
        got = []
        for event in resumed.events(timeout=5):
            if isinstance(event, MessageEvent):
                got.append(event.content)
                if event.content == "from the lambda":
                    break
    assert got == ["missed 0", "missed 1", "missed 2", "from the lambda"]
    assert missed


def test_many_threads_send_and_consume(chat: Chat) -> None:
    sent: list[str] = []
    received: list[str] = []
    lock = threading.Lock()
    with session_for(chat) as session:

        def send() -> None:
            for number in range(25):
                message_id = session.send_message(f"{threading.get_ident()}-{number}")
                with lock:
                    sent.append(message_id)

        def consume() -> None:
            for event in session.events(timeout=3):
                if isinstance(event, MessageEvent):
                    with lock:
                        received.append(str(event.id))

        consumers = [Background(consume) for _ in range(2)]
        senders = [Background(send) for _ in range(4)]
        for worker in consumers + senders:
            worker.start()
        for worker in senders:
            worker.finish()
        wait_for(lambda: len(received) >= len(sent))
    for worker in consumers:
        worker.finish()
    assert sorted(received) == sorted(sent)
    assert len(set(sent)) == 100


def test_a_revoked_connection_token_is_replaced_once_and_the_call_retried(chat: Chat) -> None:
    with session_for(chat, websocket=False) as session:
        session.send_message("before")
        chat.emulator.inject_fault(Fault.EXPIRE_TOKEN)
        session.send_message("after the revocation")
    statuses = [(r.operation, r.status) for r in chat.emulator.requests]
    assert statuses == [
        ("CreateParticipantConnection", 200),
        ("SendMessage", 200),
        ("SendMessage", 403),
        ("CreateParticipantConnection", 200),
        ("SendMessage", 200),
        ("DisconnectParticipant", 200),
    ]


def test_a_403_with_an_ended_chat_is_chat_ended(chat: Chat) -> None:
    with session_for(chat, websocket=False) as session:
        chat.emulator.end_contact(chat.contact_id)
        with pytest.raises(ChatEndedError):
            session.send_message("too late")
        assert session.chat_ended
    assert not chat.operations("DisconnectParticipant")


@pytest.mark.parametrize("with_time", [True, False])
def test_gap_fill_from_an_anchor_the_service_does_not_know(chat: Chat, with_time: bool) -> None:
    from boto3_connectparticipant_ext.chat import SessionState

    # The fallback for a service that refuses the unknown anchor with a 400 (the emulator's
    # default is now an empty page, as the mobile SDKs expect).
    chat.emulator.config.update(unknown_start_id_is_error=True)
    with session_for(chat, websocket=False, leave_on_exit=False) as session:
        state = session.save_state()
    sent = [chat.agent_says(f"m{number}") for number in range(3)]
    times = {item["Id"]: item["AbsoluteTime"] for item in chat.emulator.transcript(chat.contact_id)}
    state = dataclasses.replace(
        state,
        last_item_id="an-id-the-service-never-issued",
        last_item_time=times[sent[1]] if with_time else None,
    )
    assert isinstance(state, SessionState)
    with ChatSession.resume(state, chat_config=FAST, websocket=True) as resumed:
        got = []
        for event in resumed.events(timeout=3):
            if isinstance(event, MessageEvent):
                got.append(event.id)
                if event.id == sent[-1]:
                    break
    # By time: from the anchor's time on (inclusive); without one: everything, once.
    assert got == (sent[1:] if with_time else sent)
