"""Service-side events and streamed bot messages, driven on the state directly."""

from __future__ import annotations

from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._service_events import (
    CONTACT_EVENTS,
    EVENT_PREFIX,
    PARTICIPANT_EVENTS,
    resolve_event,
)
from boto3_connectparticipant_ext.emulator._state import ChatState, Contact, Participant
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError


@pytest.fixture
def state() -> ChatState:
    clock = iter(1_700_000_000.0 + n * 0.0001 for n in range(10_000))
    return ChatState(EmulatorConfig(), clock=lambda: next(clock))


@pytest.fixture
def pushed(state: ChatState) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    state.item_listeners.append(lambda contact, item: seen.append(item))
    return seen


@pytest.fixture
def contact(state: ChatState) -> Contact:
    return state.contact(state.start_chat(display_name="Customer")["ContactId"])


def customer_of(contact: Contact) -> Participant:
    [customer] = [p for p in contact.participants.values() if p.role == "CUSTOMER"]
    return customer


# Every event content type of shared/design/service-facts.md (plus the retired acknowledgement),
# with participant.active and participant.inactive of chatjs' constants.
DOCUMENTED_EVENTS = {
    "typing",
    "message.delivered",
    "message.read",
    "message.metadata",
    "participant.joined",
    "participant.left",
    "participant.idle",
    "participant.returned",
    "participant.active",
    "participant.inactive",
    "participant.invited",
    "participant.autodisconnection",
    "participant.displayname.updated",
    "transfer.succeeded",
    "transfer.failed",
    "chat.ended",
    "chat.rehydrated",
    "authentication.initiated",
    "authentication.succeeded",
    "authentication.failed",
    "authentication.timeout",
    "authentication.expired",
    "authentication.cancelled",
    "workflow.cancelled",
    "connection.acknowledged",
}


def test_the_catalogue_is_the_service_side_events() -> None:
    expected_participant_events = {
        "participant.idle",
        "participant.returned",
        "participant.active",
        "participant.inactive",
        "participant.invited",
        "participant.autodisconnection",
        "participant.displayname.updated",
    }
    assert expected_participant_events == PARTICIPANT_EVENTS
    assert {"transfer.succeeded", "transfer.failed", "chat.rehydrated"} <= CONTACT_EVENTS
    assert not PARTICIPANT_EVENTS & CONTACT_EVENTS
    assert PARTICIPANT_EVENTS | CONTACT_EVENTS <= DOCUMENTED_EVENTS


@pytest.mark.parametrize("name", sorted(DOCUMENTED_EVENTS))
def test_every_documented_event_is_either_emittable_or_refused_with_a_pointer(name: str) -> None:
    if name in PARTICIPANT_EVENTS | CONTACT_EVENTS:
        assert resolve_event(name) == (EVENT_PREFIX + name, name in PARTICIPANT_EVENTS)
    else:
        with pytest.raises(EmulatorConfigError, match="cannot be emitted: use"):
            resolve_event(EVENT_PREFIX + name)


@pytest.mark.parametrize("name", sorted(PARTICIPANT_EVENTS))
def test_participant_events_carry_the_participant_and_are_pushed_and_kept(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]], name: str
) -> None:
    agent = state.add_participant(contact, role="AGENT", display_name="Ann")
    kept = len(contact.items)
    item = state.emit_event(contact, name, participant=agent, content='{"x": 1}')
    assert pushed[-1] is item
    assert contact.items[-1].data is item and len(contact.items) == kept + 1
    assert item["Type"] == "EVENT"
    assert item["ContentType"] == EVENT_PREFIX + name
    assert (item["ParticipantId"], item["DisplayName"], item["ParticipantRole"]) == (
        agent.participant_id,
        "Ann",
        "AGENT",
    )
    assert item["ContactId"] == item["InitialContactId"] == contact.contact_id
    assert item["Content"] == '{"x": 1}'
    assert agent.active  # nothing but the event: autodisconnection does not remove anyone


@pytest.mark.parametrize("name", sorted(CONTACT_EVENTS))
def test_contact_events_name_no_participant(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]], name: str
) -> None:
    item = state.emit_event(contact, EVENT_PREFIX + name)  # the full content type works too
    assert pushed[-1] is item and contact.items[-1].data is item
    assert item["ContentType"] == EVENT_PREFIX + name
    assert "ParticipantId" not in item and "ParticipantRole" not in item
    assert "Content" not in item


def test_emitted_events_keep_transcript_times_increasing(
    state: ChatState, contact: Contact
) -> None:
    customer = customer_of(contact)
    state.emit_event(contact, "participant.idle", participant=customer)
    state.emit_event(contact, "transfer.succeeded")
    times = [item.time for item in contact.items]
    assert times == sorted(times) and len(set(times)) == len(times)


@pytest.mark.parametrize(
    ("event", "needle"),
    [
        ("participant.nonsense", "unknown service event"),
        ("", "non-empty string"),
        ("typing", "send_event"),
        (EVENT_PREFIX + "message.read", "send_event"),
        ("message.delivered", "send_event"),
        ("message.metadata", "send_event"),
        ("connection.acknowledged", "ConnectParticipant=true on CreateParticipantConnection"),
        ("participant.joined", "add_participant"),
        ("participant.left", "disconnect_participant"),
        ("chat.ended", "end_contact"),
        ("authentication.initiated", "start_authentication"),
        ("authentication.cancelled", "CancelParticipantAuthentication"),
    ],
)
def test_names_that_cannot_be_emitted_are_refused(
    state: ChatState, contact: Contact, event: str, needle: str
) -> None:
    kept = len(contact.items)
    with pytest.raises(EmulatorConfigError, match=needle):
        state.emit_event(contact, event, participant=customer_of(contact))
    assert len(contact.items) == kept


def test_a_non_string_event_is_refused() -> None:
    with pytest.raises(EmulatorConfigError):
        resolve_event(None)


def test_participant_event_without_a_participant_is_refused(
    state: ChatState, contact: Contact
) -> None:
    with pytest.raises(EmulatorConfigError, match="participant_id"):
        state.emit_event(contact, "participant.idle")


def test_contact_event_with_a_participant_is_refused(state: ChatState, contact: Contact) -> None:
    with pytest.raises(EmulatorConfigError, match="takes no participant_id"):
        state.emit_event(contact, "transfer.failed", participant=customer_of(contact))


def test_a_participant_of_another_contact_is_refused(state: ChatState, contact: Contact) -> None:
    other = state.contact(state.start_chat(display_name="Other")["ContactId"])
    with pytest.raises(EmulatorConfigError, match="not one of this contact"):
        state.emit_event(contact, "participant.idle", participant=customer_of(other))


def test_non_string_content_is_refused(state: ChatState, contact: Contact) -> None:
    with pytest.raises(EmulatorConfigError, match="content"):
        state.emit_event(contact, "transfer.succeeded", content=42)  # type: ignore[arg-type]


def test_events_of_an_ended_contact_or_a_departed_participant_are_access_denied(
    state: ChatState, contact: Contact
) -> None:
    agent = state.add_participant(contact, role="AGENT", display_name="Ann")
    state.disconnect(agent)
    with pytest.raises(ServiceError) as left:
        state.emit_event(contact, "participant.returned", participant=agent)
    assert left.value.code == "AccessDeniedException"
    state.end_contact(contact)
    with pytest.raises(ServiceError) as ended:
        state.emit_event(contact, "chat.rehydrated")
    assert ended.value.code == "AccessDeniedException"


# -- streamed bot messages -------------------------------------------------------------


def test_chunks_are_pushed_with_one_id_and_the_transcript_keeps_one_whole_message(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]]
) -> None:
    kept = len(contact.items)
    before = len(pushed)
    item = state.stream_bot_message(contact, ["Hel", "lo, ", "world"])
    chunks = pushed[before:]
    # Partial chunks carry their piece; the completed one carries the whole message (chatjs
    # replaces the partial pieces with it).
    assert [chunk["Content"] for chunk in chunks] == ["Hel", "lo, ", "Hello, world"]
    assert {chunk["Id"] for chunk in chunks} == {item["Id"]}
    assert [chunk["MessageMetadata"] for chunk in chunks] == [
        {"ChunkNumber": 1, "MessageCompleted": False},
        {"ChunkNumber": 2, "MessageCompleted": False},
        {"ChunkNumber": 3, "MessageCompleted": True},
    ]
    for chunk in chunks:
        assert (chunk["Type"], chunk["ContentType"]) == ("MESSAGE", "text/plain")
        assert (chunk["ParticipantRole"], chunk["DisplayName"]) == ("SYSTEM", "BOT")
        assert "ParticipantId" not in chunk
        assert chunk["ContactId"] == contact.contact_id
    assert len(contact.items) == kept + 1
    whole = contact.items[-1].data
    assert whole is item and whole["Content"] == "Hello, world"
    assert "MessageMetadata" not in whole
    assert whole["AbsoluteTime"] == chunks[-1]["AbsoluteTime"]
    assert contact.item_index[whole["Id"]] == len(contact.items) - 1


def test_a_single_chunk_is_complete(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]]
) -> None:
    state.stream_bot_message(contact, ["all at once"], display_name="Lex")
    assert pushed[-1]["MessageMetadata"] == {"ChunkNumber": 1, "MessageCompleted": True}
    assert pushed[-1]["DisplayName"] == "Lex"


def test_a_custom_bot_participant_streams_as_itself(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]]
) -> None:
    bot = state.add_participant(contact, role="CUSTOM_BOT", display_name="Helper")
    state.stream_bot_message(contact, ["a", "b"], participant=bot)
    for chunk in pushed[-2:]:
        assert (chunk["ParticipantId"], chunk["ParticipantRole"], chunk["DisplayName"]) == (
            bot.participant_id,
            "CUSTOM_BOT",
            "Helper",
        )
    assert contact.items[-1].data["ParticipantId"] == bot.participant_id


@pytest.mark.parametrize(
    ("chunks", "needle"),
    [
        ([], "non-empty list"),
        ("hello", "non-empty list"),
        (("a", "b"), "non-empty list"),
        (["a", ""], "non-empty string"),
        (["a", 7], "non-empty string"),
        (["x" * 16000, "y" * 385], "at most 16384"),
        # 8,193 characters but 16,386 bytes: the limit counts UTF-8 bytes.
        (["é" * 8000, "é" * 193], "16386 bytes in UTF-8; a message holds at most 16384"),
    ],
)
def test_bad_chunks_are_refused(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]], chunks: Any, needle: str
) -> None:
    kept, sent = len(contact.items), len(pushed)
    with pytest.raises(EmulatorConfigError, match=needle):
        state.stream_bot_message(contact, chunks)
    assert (len(contact.items), len(pushed)) == (kept, sent)


def test_the_limit_is_the_text_plain_limit_of_the_config(
    state: ChatState, contact: Contact
) -> None:
    assert state.stream_bot_message(contact, ["x" * 1000, "y" * 24])["Content"].endswith("y")
    state.config.update(message_content_limits={"text/plain": 4})
    with pytest.raises(EmulatorConfigError, match="at most 4"):
        state.stream_bot_message(contact, ["abc", "de"])


def test_an_empty_display_name_is_refused(state: ChatState, contact: Contact) -> None:
    with pytest.raises(EmulatorConfigError, match="display_name"):
        state.stream_bot_message(contact, ["a"], display_name="")


def test_only_a_custom_bot_of_this_contact_streams(state: ChatState, contact: Contact) -> None:
    with pytest.raises(EmulatorConfigError, match="CUSTOM_BOT"):
        state.stream_bot_message(contact, ["a"], participant=customer_of(contact))
    other = state.contact(state.start_chat(display_name="Other")["ContactId"])
    bot = state.add_participant(other, role="CUSTOM_BOT", display_name="Bot")
    with pytest.raises(EmulatorConfigError, match="not one of this contact"):
        state.stream_bot_message(contact, ["a"], participant=bot)


def test_streaming_into_an_ended_contact_or_as_a_departed_bot_is_access_denied(
    state: ChatState, contact: Contact
) -> None:
    bot = state.add_participant(contact, role="CUSTOM_BOT", display_name="Bot")
    state.disconnect(bot)
    with pytest.raises(ServiceError) as left:
        state.stream_bot_message(contact, ["a"], participant=bot)
    assert left.value.code == "AccessDeniedException"
    state.end_contact(contact)
    with pytest.raises(ServiceError) as ended:
        state.stream_bot_message(contact, ["a"])
    assert ended.value.code == "AccessDeniedException"
