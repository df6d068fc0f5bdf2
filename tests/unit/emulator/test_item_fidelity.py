"""Items as the service sends them (issue 10), driven on the state directly: the retired
connection acknowledgement, the scan result push, streamed chunks in UTF-8 bytes, an unknown
StartPosition Id, the switches that bring back the old answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._state import (
    CONNECTION_ACKNOWLEDGED,
    DELIVERED,
    READ,
    TYPING,
    Attachment,
    ChatState,
    Contact,
)
from boto3_connectparticipant_ext.emulator._transcript import transcript_page
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError

from . import test_service_events as _events_tests
from . import test_state as _state_tests

# Shared fixtures and helpers: the recording scheduler, the pushed items, a fresh contact.
Scheduler = _state_tests.Scheduler
scheduler = _state_tests.scheduler
pushed = _events_tests.pushed
contact = _events_tests.contact
customer_of = _events_tests.customer_of


@pytest.fixture
def state(scheduler: Scheduler) -> ChatState:
    clock = iter(1_700_000_000.0 + n * 0.0001 for n in range(10_000))
    return ChatState(EmulatorConfig(), clock=lambda: next(clock), schedule=scheduler)


# -- SendEvent -------------------------------------------------------------------------


def test_the_retired_connection_acknowledgement_is_a_validation_error(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]]
) -> None:
    customer = customer_of(contact)
    before = (len(contact.items), len(pushed))
    with pytest.raises(ServiceError) as refused:
        state.post_event(customer, CONNECTION_ACKNOWLEDGED, None)
    assert refused.value.code == "ValidationException"
    assert "ConnectParticipant" in refused.value.message
    assert not customer.connected
    assert (len(contact.items), len(pushed)) == before


def test_the_old_acknowledgement_comes_back_with_the_switch(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]]
) -> None:
    state.config.update(accept_connection_acknowledged=True)
    customer = customer_of(contact)
    answer = state.post_event(customer, CONNECTION_ACKNOWLEDGED, None)
    assert answer["Id"] and answer["AbsoluteTime"]
    assert customer.connected


@pytest.mark.parametrize(
    "content_type",
    [
        "application/vnd.amazonaws.connect.event.participant.idle",
        "application/vnd.amazonaws.connect.event.chat.ended",
        "application/vnd.amazonaws.connect.event.message.metadata",
        "text/plain",
    ],
)
def test_send_event_takes_only_typing_and_receipts(
    state: ChatState, contact: Contact, content_type: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        state.post_event(customer_of(contact), content_type, None)
    assert refused.value.code == "ValidationException"


def test_typing_and_both_receipts_still_work(state: ChatState, contact: Contact) -> None:
    customer = customer_of(contact)
    agent = state.add_participant(contact, role="AGENT", display_name="Ann")
    message = state.post_message(agent, "text/plain", "hi")
    receipt = json.dumps({"messageId": message["Id"]})
    for content_type, content in ((TYPING, None), (DELIVERED, receipt), (READ, receipt)):
        assert state.post_event(customer, content_type, content)["Id"]


def test_switches_must_be_booleans_and_statuses_known() -> None:
    with pytest.raises(EmulatorConfigError, match="accept_connection_acknowledged"):
        EmulatorConfig(accept_connection_acknowledged="yes")  # type: ignore[arg-type]
    with pytest.raises(EmulatorConfigError, match="unknown_start_id_is_error"):
        EmulatorConfig(unknown_start_id_is_error=1)  # type: ignore[arg-type]
    with pytest.raises(EmulatorConfigError, match="PROCESSING, FAILED, REJECTED"):
        EmulatorConfig(message_processing_status="DONE")
    assert EmulatorConfig(message_processing_status="PROCESSING").message_processing_status


# -- the scan result -------------------------------------------------------------------


def _attachment(contact: Contact, *, size: int = 3) -> Attachment:
    customer = customer_of(contact)
    return Attachment(
        attachment_id="a1",
        contact=contact,
        participant=customer,
        name="x.txt",
        content_type="text/plain",
        size=size,
        key="k",
        headers={},
        upload_expiry=0,
    )


@pytest.mark.parametrize(("size", "verdict"), [(1, "APPROVED"), (3, "REJECTED")])
def test_the_scan_result_is_pushed_as_the_same_item_with_its_status(
    state: ChatState,
    contact: Contact,
    scheduler: Scheduler,
    pushed: list[dict[str, Any]],
    size: int,
    verdict: str,
) -> None:
    state.config.update(
        scan_delay=5, scan_rule=lambda name, size: "REJECTED" if size > 2 else "APPROVED"
    )
    state.add_attachment_item(_attachment(contact, size=size))
    [first] = [item for item in pushed if item["Type"] == "ATTACHMENT"]
    first_status = first["Attachments"][0]["Status"]  # read now: the kept item changes later
    assert first_status == "IN_PROGRESS"
    kept = len(contact.items)
    scheduler.run_all()
    second = pushed[-1]
    assert second is not first and second["Type"] == "ATTACHMENT"
    assert (second["Id"], second["AbsoluteTime"]) == (first["Id"], first["AbsoluteTime"])
    assert second["Attachments"][0]["AttachmentId"] == "a1"
    assert second["Attachments"][0]["Status"] == verdict
    assert len(contact.items) == kept  # one item in the transcript, now with the verdict
    assert contact.items[-1].data["Attachments"][0]["Status"] == verdict


def test_no_scan_push_without_a_delay_or_after_the_chat_ended(
    state: ChatState, contact: Contact, scheduler: Scheduler, pushed: list[dict[str, Any]]
) -> None:
    state.add_attachment_item(_attachment(contact))
    attachments = [item for item in pushed if item["Type"] == "ATTACHMENT"]
    assert [item["Attachments"][0]["Status"] for item in attachments] == ["APPROVED"]
    state.config.update(scan_delay=5)
    state.add_attachment_item(_attachment(contact))
    state.end_contact(contact)
    before = len(pushed)
    scheduler.run_all()
    assert len(pushed) == before
    assert contact.items[-2].data["Attachments"][0]["Status"] == "APPROVED"


# -- streamed chunks ---------------------------------------------------------------------


def test_the_completed_chunk_carries_the_whole_message_in_bytes(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]]
) -> None:
    whole = "😀" * 4096  # 4,096 characters, 16,384 bytes: exactly the limit
    before = len(pushed)
    item = state.stream_bot_message(contact, ["😀" * 4000, "😀" * 96])
    chunks = pushed[before:]
    assert [chunk["Content"] for chunk in chunks] == ["😀" * 4000, whole]
    assert item["Content"] == whole
    with pytest.raises(EmulatorConfigError, match="16388 bytes"):
        state.stream_bot_message(contact, [whole, "😀"])


def test_a_single_chunk_is_the_whole_message(
    state: ChatState, contact: Contact, pushed: list[dict[str, Any]]
) -> None:
    state.stream_bot_message(contact, ["all at once"])
    assert pushed[-1]["Content"] == "all at once"
    assert pushed[-1]["MessageMetadata"] == {"ChunkNumber": 1, "MessageCompleted": True}


# -- GetTranscript with an unknown StartPosition Id ------------------------------------


def test_an_unknown_start_id_is_an_empty_page_unless_the_switch_is_on(contact: Contact) -> None:
    def page(**switch: bool) -> Any:
        return transcript_page(
            contact.items,
            index_of=contact.item_index.get,
            contact_id=contact.contact_id,
            secret=b"k",
            params={"StartPosition": {"Id": "no-such-item"}},
            **switch,
        )

    empty = page()
    assert (empty.items, empty.next_token) == ([], None)
    with pytest.raises(ServiceError) as refused:
        page(unknown_id_is_error=True)
    assert refused.value.code == "ValidationException"
