"""Streamed bot messages: whole completed items, delta streams, and ChunkNumber order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boto3_connectparticipant_ext.chat._sequencer import Sequencer
from boto3_connectparticipant_ext.chat._stitch import DELTA, WAIT, WHOLE, decide
from boto3_connectparticipant_ext.chat.events import (
    EVENT_PREFIX,
    ChatEndedEvent,
    ItemEvent,
    MessageEvent,
    stitch_chunks,
)


def chunk(number: int, text: str, *, done: bool = False, item_id: str = "b") -> dict[str, Any]:
    return {
        "Id": item_id,
        "Type": "MESSAGE",
        "ParticipantRole": "SYSTEM",
        "Content": text,
        "MessageMetadata": {"ChunkNumber": number, "MessageCompleted": done},
    }


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def feed(sequencer: Sequencer, *items: dict[str, Any]) -> list[ItemEvent]:
    events: list[ItemEvent] = []
    for item in items:
        events.extend(sequencer.accept(item, from_transcript=False))
    return events


def messages(events: list[ItemEvent]) -> list[tuple[str, bool]]:
    return [(e.content, e.complete) for e in events if isinstance(e, MessageEvent)]


WHOLE_STREAM = [chunk(1, "Hel"), chunk(2, "lo "), chunk(3, "Hello world", done=True)]
DELTA_STREAM = [chunk(1, "Hel"), chunk(2, "lo "), chunk(3, "world", done=True)]


@pytest.mark.parametrize(
    ("earlier", "completed", "expected"),
    [
        ({}, chunk(1, "all", done=True), (WHOLE, "all")),
        ({}, chunk(4, "all of it", done=True), (WAIT, "all of it")),
        ({1: chunk(1, "a"), 2: chunk(2, "b")}, chunk(3, "abc", done=True), (WHOLE, "abc")),
        ({1: chunk(1, "a"), 2: chunk(2, "b")}, chunk(3, "c", done=True), (DELTA, "abc")),
        # a gap: whole if every received chunk sits in order, chunk 1 first
        ({1: chunk(1, "a"), 3: chunk(3, "c")}, chunk(4, "abcd", done=True), (WHOLE, "abcd")),
        ({1: chunk(1, "a"), 3: chunk(3, "c")}, chunk(4, "d", done=True), (WAIT, "acd")),
        ({2: chunk(2, "b")}, chunk(3, "xbc", done=True), (WHOLE, "xbc")),
        ({1: chunk(1, "a")}, chunk(3, "bac", done=True), (WAIT, "abac")),
        # no room for the missing chunk 2: a delta that happens to start like chunk 1
        ({1: chunk(1, "0")}, chunk(3, "0", done=True), (WAIT, "00")),
        # the documented tie: all chunks there and the delta repeats them -> whole
        ({1: chunk(1, "0"), 2: chunk(2, "0")}, chunk(3, "00", done=True), (WHOLE, "00")),
        # back to back when consecutive: "ab" then "x" is not a prefix chain of "axb"
        ({1: chunk(1, "a"), 2: chunk(2, "b")}, chunk(3, "axb", done=True), (DELTA, "abaxb")),
    ],
)
def test_decide(earlier: dict[int, Any], completed: dict[str, Any], expected: Any) -> None:
    assert decide(earlier, completed) == expected


def test_stitch_chunks_whole_and_delta_in_any_arrival_order() -> None:
    for stream, text in ((WHOLE_STREAM, "Hello world"), (DELTA_STREAM, "Hello world")):
        for order in (stream, stream[::-1], [stream[2], stream[0], stream[1]]):
            event = stitch_chunks(order)
            assert (event.content, event.complete, event.id) == (text, True, "b")
            assert [c["MessageMetadata"]["ChunkNumber"] for c in event.chunks] == [1, 2, 3]


def test_stitch_chunks_without_a_completed_item_is_incomplete() -> None:
    event = stitch_chunks([chunk(2, "lo"), chunk(1, "Hel")])
    assert (event.content, event.complete) == ("Hello", False)


def test_a_whole_stream_gives_one_message_with_the_completed_text() -> None:
    sequencer = Sequencer()
    assert messages(feed(sequencer, *WHOLE_STREAM)) == [("Hello world", True)]


def test_whole_mode_completed_first_then_late_chunks_are_duplicates() -> None:
    sequencer = Sequencer()
    first = feed(sequencer, chunk(1, "Hel"), chunk(3, "Hello world", done=True))
    assert messages(first) == [("Hello world", True)]
    assert feed(sequencer, chunk(2, "lo ")) == []
    assert sequencer.anchor_id == "b"


def test_delta_mode_chunk_1_completed_3_then_2_loses_nothing() -> None:
    sequencer = Sequencer()
    assert feed(sequencer, chunk(1, "Hel"), chunk(3, "world", done=True)) == []
    assert sequencer.holding
    assert messages(feed(sequencer, chunk(2, "lo "))) == [("Hello world", True)]
    assert not sequencer.holding
    assert feed(sequencer, chunk(2, "lo ")) == []


def test_delta_mode_every_arrival_order_gives_the_same_text() -> None:
    import itertools

    for order in itertools.permutations(DELTA_STREAM):
        assert messages(feed(Sequencer(), *order)) == [("Hello world", True)]
    for order in itertools.permutations(WHOLE_STREAM):
        assert messages(feed(Sequencer(), *order)) == [("Hello world", True)]


def test_a_chunk_that_never_comes_releases_the_message_flagged_after_the_wait() -> None:
    clock = Clock()
    sequencer = Sequencer(chunk_wait=5.0, clock=clock)
    assert feed(sequencer, chunk(1, "Hel"), chunk(3, "world", done=True)) == []
    clock.now += 4.9
    assert sequencer.release_overdue() == []
    clock.now += 0.2
    released = feed(sequencer, {"Id": "m", "Type": "MESSAGE", "Content": "next"})
    assert messages(released) == [("Helworld", False), ("next", True)]  # before the next item
    assert not sequencer.holding
    assert feed(sequencer, chunk(2, "lo ")) == []  # released: a late chunk is a duplicate


def test_release_overdue_alone_releases_a_held_message() -> None:
    clock = Clock()
    sequencer = Sequencer(chunk_wait=1.0, clock=clock)
    feed(sequencer, chunk(1, "a"), chunk(3, "c", done=True))
    clock.now += 1.0
    assert messages(sequencer.release_overdue()) == [("ac", False)]


def test_the_transcript_whole_item_replaces_a_held_message() -> None:
    sequencer = Sequencer()
    feed(sequencer, chunk(1, "Hel"), chunk(3, "world", done=True))
    whole = {"Id": "b", "Type": "MESSAGE", "Content": "Hello world"}
    [event] = sequencer.accept(whole, from_transcript=True)
    assert isinstance(event, MessageEvent) and event.content == "Hello world"
    assert not sequencer.holding


def test_the_chat_end_releases_held_and_partial_messages_first() -> None:
    sequencer = Sequencer()
    feed(sequencer, chunk(1, "Hel"), chunk(3, "world", done=True))
    feed(sequencer, chunk(1, "unfinished", item_id="u"))
    ended = {"Id": "e", "Type": "EVENT", "ContentType": EVENT_PREFIX + "chat.ended"}
    events = feed(sequencer, ended)
    assert sorted(messages(events)) == [("Helworld", False), ("unfinished", False)]
    assert isinstance(events[-1], ChatEndedEvent)


def test_a_held_message_does_not_move_the_anchor() -> None:
    sequencer = Sequencer()
    feed(sequencer, {"Id": "m", "Type": "MESSAGE", "Content": "x"})
    feed(sequencer, chunk(1, "Hel"), chunk(3, "world", done=True))
    assert sequencer.anchor_id == "m"


@given(
    st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=6),
    st.randoms(use_true_random=False),
    st.booleans(),
)
def test_any_arrival_order_gives_the_whole_text_once(
    pieces: list[str], shuffler: Any, whole: bool
) -> None:
    # Each piece starts with its own marker: no delta can repeat earlier pieces (the
    # documented tie, where the whole reading wins, is tested above).
    pieces = [f"<{number}>{text}" for number, text in enumerate(pieces, start=1)]
    count = len(pieces)
    last = "".join(pieces) if whole else pieces[-1]
    stream = [chunk(n, text) for n, text in enumerate(pieces[:-1], start=1)]
    stream.append(chunk(count, last, done=True))
    shuffler.shuffle(stream)
    events = feed(Sequencer(), *stream)
    assert messages(events) == [("".join(pieces), True)]
