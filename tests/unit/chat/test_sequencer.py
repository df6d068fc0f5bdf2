"""Exactly-once, in-order items and the gap-fill anchor."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from boto3_connectparticipant_ext.chat._sequencer import Sequencer, anchors
from boto3_connectparticipant_ext.chat.events import EVENT_PREFIX, MessageEvent


def message(item_id: str, **extra: Any) -> dict[str, Any]:
    return {"Id": item_id, "Type": "MESSAGE", "Content": item_id, **extra}


def chunk(item_id: str, number: int, text: str, *, done: bool) -> dict[str, Any]:
    return {
        "Id": item_id,
        "Type": "MESSAGE",
        "ParticipantRole": "SYSTEM",
        "Content": text,
        "MessageMetadata": {"ChunkNumber": number, "MessageCompleted": done},
    }


def test_duplicates_from_any_source_are_dropped() -> None:
    sequencer = Sequencer()
    assert len(sequencer.accept(message("a"), from_transcript=False)) == 1
    assert sequencer.accept(message("a"), from_transcript=False) == []
    assert sequencer.accept(message("a"), from_transcript=True) == []


def test_items_without_an_id_always_pass() -> None:
    sequencer = Sequencer()
    item = {"Type": "EVENT", "ContentType": EVENT_PREFIX + "typing"}
    assert len(sequencer.accept(item, from_transcript=False)) == 1
    assert len(sequencer.accept(item, from_transcript=False)) == 1


def test_anchor_follows_items_the_transcript_keeps() -> None:
    sequencer = Sequencer()
    sequencer.accept(message("a", AbsoluteTime="t1"), from_transcript=False)
    typing = {"Id": "t", "Type": "EVENT", "ContentType": EVENT_PREFIX + "typing"}
    receipt = {"Id": "r", "Type": "MESSAGEMETADATA", "MessageMetadata": {"MessageId": "a"}}
    sequencer.accept(typing, from_transcript=False)
    sequencer.accept(receipt, from_transcript=False)
    assert (sequencer.anchor_id, sequencer.anchor_time) == ("a", "t1")
    joined = {"Id": "j", "Type": "EVENT", "ContentType": EVENT_PREFIX + "participant.joined"}
    sequencer.accept(joined, from_transcript=False)
    assert sequencer.anchor_id == "j"


def test_any_transcript_item_is_an_anchor() -> None:
    sequencer = Sequencer()
    typing = {"Id": "t", "Type": "EVENT", "ContentType": EVENT_PREFIX + "typing"}
    sequencer.accept(typing, from_transcript=True)
    assert sequencer.anchor_id == "t"


def test_first_anchor_from_the_transcript_does_not_override_a_live_one() -> None:
    sequencer = Sequencer()
    sequencer.set_anchor_if_unset({"Id": "old", "AbsoluteTime": "t0"})
    assert sequencer.anchor_id == "old"
    sequencer.accept(message("new"), from_transcript=False)
    sequencer.set_anchor_if_unset({"Id": "older"})
    assert sequencer.anchor_id == "new"
    # The first anchor is not marked seen: it may still arrive live.
    fresh = Sequencer()
    fresh.set_anchor_if_unset(message("x"))
    assert len(fresh.accept(message("x"), from_transcript=False)) == 1


def test_saved_anchor_counts_as_seen() -> None:
    sequencer = Sequencer(anchor_id="a", anchor_time="t")
    assert sequencer.accept(message("a"), from_transcript=True) == []


def test_chunks_are_stitched_once_complete_and_repeats_ignored() -> None:
    sequencer = Sequencer()
    assert sequencer.accept(chunk("b", 1, "Hel", done=False), from_transcript=False) == []
    assert sequencer.accept(chunk("b", 1, "Hel", done=False), from_transcript=False) == []
    assert sequencer.accept(chunk("b", 2, "lo", done=False), from_transcript=False) == []
    assert sequencer.anchor_id is None
    [event] = sequencer.accept(chunk("b", 3, "!", done=True), from_transcript=False)
    assert isinstance(event, MessageEvent)
    assert event.content == "Hello!"
    assert len(event.chunks) == 3
    assert sequencer.anchor_id == "b"
    assert sequencer.accept(chunk("b", 3, "!", done=True), from_transcript=False) == []
    assert sequencer.accept(message("b"), from_transcript=True) == []


def test_a_whole_message_from_the_transcript_replaces_partial_chunks() -> None:
    sequencer = Sequencer()
    sequencer.accept(chunk("b", 1, "Hel", done=False), from_transcript=False)
    [event] = sequencer.accept(message("b", Content="Hello!"), from_transcript=True)
    assert isinstance(event, MessageEvent) and event.content == "Hello!"
    assert sequencer.accept(chunk("b", 2, "lo!", done=True), from_transcript=False) == []


def test_seen_ids_are_bounded() -> None:
    sequencer = Sequencer(capacity=10)
    for number in range(100):
        sequencer.accept(message(str(number)), from_transcript=False)
    assert sequencer.seen("99") and not sequencer.seen("0")


def test_anchors_rules() -> None:
    assert anchors({"Id": "a", "Type": "ATTACHMENT"})
    assert not anchors({"Type": "MESSAGE"})
    assert not anchors({"Id": "a", "Type": "MESSAGEMETADATA"})
    assert not anchors(chunk("a", 1, "x", done=False))
    assert anchors(chunk("a", 2, "y", done=True))


@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=80),
    st.lists(st.booleans(), min_size=80, max_size=80),
)
def test_any_replay_pattern_delivers_each_item_once_in_first_seen_order(
    sequence: list[int], sources: list[bool]
) -> None:
    sequencer = Sequencer()
    delivered: list[str] = []
    for position, number in enumerate(sequence):
        for event in sequencer.accept(message(str(number)), from_transcript=sources[position]):
            assert event.id is not None
            delivered.append(event.id)
    first_seen = list(dict.fromkeys(str(number) for number in sequence))
    assert delivered == first_seen


def test_an_attachment_is_new_again_when_its_scan_status_changes() -> None:
    def attachment(status: str) -> dict[str, Any]:
        return {
            "Id": "att",
            "Type": "ATTACHMENT",
            "Attachments": [{"AttachmentId": "a-1", "Status": status}],
        }

    sequencer = Sequencer()
    assert len(sequencer.accept(attachment("IN_PROGRESS"), from_transcript=False)) == 1
    assert sequencer.accept(attachment("IN_PROGRESS"), from_transcript=True) == []
    [approved] = sequencer.accept(attachment("APPROVED"), from_transcript=True)
    assert approved.kind == "attachment"
    assert sequencer.accept(attachment("APPROVED"), from_transcript=False) == []
