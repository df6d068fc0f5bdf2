"""The service state machine, driven directly (no server, no sockets)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest

from boto3_connectparticipant_ext.emulator._ids import (
    iso_timestamp,
    new_connection_id,
    parse_iso_timestamp,
)
from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._state import (
    READ,
    TYPING,
    Attachment,
    ChatState,
    Participant,
)
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig


class Scheduler:
    def __init__(self) -> None:
        self.pending: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, delay: float, action: Callable[[], None]) -> None:
        self.pending.append((delay, action))

    def run_all(self) -> None:
        pending, self.pending = self.pending, []
        for _, action in pending:
            action()


@pytest.fixture
def scheduler() -> Scheduler:
    return Scheduler()


@pytest.fixture
def state(scheduler: Scheduler) -> ChatState:
    clock = iter(1_700_000_000.0 + n * 0.0001 for n in range(10_000))
    return ChatState(EmulatorConfig(), clock=lambda: next(clock), schedule=scheduler)


@pytest.fixture
def pushed(state: ChatState) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    state.item_listeners.append(lambda contact, item: seen.append(item))
    return seen


def customer_of(state: ChatState, chat: dict[str, Any]) -> Participant:
    return state.participant(chat["ContactId"], chat["ParticipantId"])


def test_times_are_strictly_increasing_milliseconds(state: ChatState) -> None:
    chat = state.start_chat(display_name="C")
    customer = customer_of(state, chat)
    stamps = [state.post_message(customer, "text/plain", str(n))["AbsoluteTime"] for n in range(20)]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", s) for s in stamps)
    assert stamps == sorted(stamps) and len(set(stamps)) == 20


@pytest.mark.parametrize("frozen", [1763690481.2369995, 1763690481.9369996, 1763690481.0])
def test_times_stay_distinct_when_the_clock_stands_still(frozen: float) -> None:
    # Items posted within one millisecond are spread 1 ms apart. These clock values once
    # made "last + 0.001" format to the same millisecond through float rounding.
    state = ChatState(EmulatorConfig(), clock=lambda: frozen)
    chat = state.start_chat(display_name="C")
    customer = customer_of(state, chat)
    stamps = [state.post_message(customer, "text/plain", str(n))["AbsoluteTime"] for n in range(50)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 50
    gaps = {
        round((parse_iso_timestamp(b) - parse_iso_timestamp(a)) * 1000)
        for a, b in zip(stamps, stamps[1:])
    }
    assert gaps == {1}


def test_typing_is_pushed_not_kept_and_receipts_update_the_message(
    state: ChatState, pushed: list[dict[str, Any]]
) -> None:
    chat = state.start_chat(display_name="C")
    customer = customer_of(state, chat)
    contact = state.contact(chat["ContactId"])
    agent = state.add_participant(contact, role="AGENT", display_name="A")
    message = state.post_message(agent, "text/plain", "hi")
    kept = len(contact.items)
    state.post_event(customer, TYPING, None)
    assert len(contact.items) == kept and pushed[-1]["ContentType"] == TYPING
    state.post_event(customer, READ, json.dumps({"messageId": message["Id"]}))
    assert len(contact.items) == kept
    assert pushed[-1]["Type"] == "MESSAGEMETADATA"
    receipts = contact.items[-1].data["MessageMetadata"]["Receipts"]
    assert receipts == [
        {
            "RecipientParticipantId": customer.participant_id,
            "ReadTimestamp": pushed[-1]["AbsoluteTime"],
        }
    ]


def test_idempotency_returns_the_first_answer(state: ChatState) -> None:
    calls: list[int] = []

    def action() -> int:
        calls.append(1)
        return len(calls)

    assert state.idempotent("p", "Op", "t", action) == 1
    assert state.idempotent("p", "Op", "t", action) == 1
    assert state.idempotent("p", "Op", "u", action) == 2
    assert state.idempotent("p", "Op", None, action) == 3


def test_failed_action_is_not_remembered(state: ChatState) -> None:
    def failing() -> None:
        raise ServiceError("ValidationException", "no")

    with pytest.raises(ServiceError):
        state.idempotent("p", "Op", "t", failing)
    assert state.idempotent("p", "Op", "t", lambda: "ok") == "ok"


def test_scan_is_scheduled_and_applies_the_rule(state: ChatState, scheduler: Scheduler) -> None:
    state.config.update(
        scan_delay=5,
        scan_rule=lambda name, size: "REJECTED" if size > 2 else "APPROVED",
        chat_duration_minutes=None,  # no contact-expiry timer among the scheduled ones
    )
    chat = state.start_chat(display_name="C")
    customer = customer_of(state, chat)
    attachment = Attachment(
        attachment_id="a1",
        contact=customer.contact,
        participant=customer,
        name="x.txt",
        content_type="text/plain",
        size=3,
        key="k",
        headers={},
        upload_expiry=0,
    )
    state.add_attachment_item(attachment)
    item = customer.contact.items[-1].data
    assert attachment.status == "IN_PROGRESS" and item["Attachments"][0]["Status"] == "IN_PROGRESS"
    assert [delay for delay, _ in scheduler.pending] == [5]
    scheduler.run_all()
    assert attachment.status == "REJECTED" and item["Attachments"][0]["Status"] == "REJECTED"


def test_tokens_and_their_kinds(state: ChatState) -> None:
    chat = state.start_chat(display_name="C")
    participant = state.by_participant_token(chat["ParticipantToken"])
    answer = state.create_connection(
        participant,
        types=["CONNECTION_CREDENTIALS", "WEBSOCKET"],
        connect_participant=False,
        websocket_base_url="ws://h/connect/websocket",
    )
    token = answer["ConnectionCredentials"]["ConnectionToken"]
    assert state.by_connection_token(token).participant is participant
    with pytest.raises(ServiceError):
        state.by_connection_token(chat["ParticipantToken"])
    with pytest.raises(ServiceError):
        state.by_participant_token(token)
    secret = unquote(answer["Websocket"]["Url"].split("AuthToken=")[1])
    grant = state.by_websocket_secret(secret)
    assert grant is not None and grant.participant is participant
    assert state.by_websocket_secret(secret + "x") is None
    assert state.expire_connection_tokens() == 1
    with pytest.raises(ServiceError):
        state.by_connection_token(token)


def test_end_contact_twice_is_contact_not_found(state: ChatState) -> None:
    chat = state.start_chat(display_name="C")
    contact = state.contact(chat["ContactId"])
    state.end_contact(contact)
    with pytest.raises(ServiceError) as caught:
        state.end_contact(contact)
    assert (caught.value.code, caught.value.status) == ("ContactNotFoundException", 410)


def test_ids_and_timestamps() -> None:
    assert iso_timestamp(1.0015) == "1970-01-01T00:00:01.001Z"
    assert parse_iso_timestamp("1970-01-01T00:00:01.5Z") == 1.5
    assert parse_iso_timestamp("1970-01-01T01:00:00+01:00") == 0.0
    with pytest.raises(ValueError):
        parse_iso_timestamp("yesterday")
    connection_id = new_connection_id()
    assert len(connection_id) == 12 and connection_id.endswith("=")
