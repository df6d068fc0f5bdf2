"""Exactly-once, in-order items: deduplication, bot-chunk stitching, the gap-fill anchor.

Items reach a session from up to two sockets (during a make-before-break
refresh) and from the transcript (gap fill). The sequencer sees every one of
them, lets each item through once (an attachment once per scan status, so an
IN_PROGRESS -> APPROVED change is an event), stitches streamed bot chunks
into one message and remembers the last item the transcript can be resumed
after.

The anchor (where a gap fill resumes) is only ever an item the transcript is
KNOWN to hold: a message (a streamed one once completed), an attachment, or an
event of a kind the service keeps (participant and transfer events, chat end and
rehydration), or any item that came from the transcript itself. Typing, receipts,
``participant.active``/``inactive``, authentication steps and every kind this
version does not know never anchor: a gap fill resumed after an item the
transcript does not hold starts nowhere (an unknown ``StartPosition.Id``) or, by
time, after messages written meanwhile, and loses them. An anchor older than
needed costs only a re-read of items already seen, which are deduplicated here.

Bot chunks are stitched by ``ChunkNumber`` (the rule: ``_stitch``). A message
whose completed item arrived while an earlier chunk of a delta stream is missing
is HELD: it is released whole when the missing chunk arrives, replaced by the
transcript's whole item (a gap fill brings it), and otherwise released with
``complete=False`` once it waited ``chunk_wait`` seconds (checked on every item and
by the stream's timer, :meth:`Sequencer.release_overdue`) or when the chat ends.
It is never dropped. In whole mode a chunk arriving after its message was
released is a duplicate and dropped.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Mapping
from typing import Any, Callable, Optional

from ._stitch import WAIT, chunk_number, decide, is_completed
from .events import (
    EVENT_PREFIX,
    ChatEndedEvent,
    ItemEvent,
    event_from_item,
    is_stream_chunk,
    stitch_chunks,
)

# Events the transcript is known to keep (the service keeps participant and transfer
# events, the chat's end and its rehydration): only these anchor a gap fill.
_KEPT_EVENTS = frozenset(
    EVENT_PREFIX + name
    for name in (
        "participant.joined",
        "participant.left",
        "participant.idle",
        "participant.returned",
        "participant.invited",
        "participant.autodisconnection",
        "participant.displayname.updated",
        "transfer.succeeded",
        "transfer.failed",
        "chat.ended",
        "chat.rehydrated",
    )
)

#: How long (seconds) a delta-streamed message waits for a missing chunk.
CHUNK_WAIT = 5.0


def anchors(item: Mapping[str, Any]) -> bool:
    """Tell whether the transcript can be resumed after ``item`` (it is kept in the transcript).

    Examples
    --------
    >>> anchors({"Id": "1", "Type": "MESSAGE"})
    True
    >>> anchors({"Id": "2", "Type": "EVENT",
    ...          "ContentType": "application/vnd.amazonaws.connect.event.typing"})
    False
    """
    if not item.get("Id"):
        return False
    if is_stream_chunk(item):
        return is_completed(item)
    return _kept(item.get("Type"), item)


def _kept(item_type: Any, item: Mapping[str, Any]) -> bool:
    """Whether the transcript keeps an item of ``item_type`` (not a bot chunk)."""
    if item_type == "MESSAGE" or item_type == "ATTACHMENT":
        return True
    return item_type == "EVENT" and item.get("ContentType") in _KEPT_EVENTS


class Sequencer:
    """Decide which items become events. Not thread-safe: the engine calls it from its loop.

    Examples
    --------
    >>> sequencer = Sequencer()
    >>> [e.id for e in sequencer.accept({"Id": "a", "Type": "MESSAGE"}, from_transcript=False)]
    ['a']
    >>> sequencer.accept({"Id": "a", "Type": "MESSAGE"}, from_transcript=True)
    []
    >>> sequencer.anchor_id
    'a'
    """

    def __init__(
        self,
        *,
        capacity: int = 100_000,
        anchor_id: Optional[str] = None,
        anchor_time: Optional[str] = None,
        chunk_wait: float = CHUNK_WAIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._capacity = capacity
        self._seen: collections.OrderedDict[Any, None] = collections.OrderedDict()
        self._chunks: dict[str, dict[int, Mapping[str, Any]]] = {}
        self._held_since: dict[str, float] = {}
        self._chunk_wait = chunk_wait
        self._clock = clock
        self.anchor_id = anchor_id
        self.anchor_time = anchor_time
        if anchor_id is not None:
            self._remember(anchor_id)

    def seen(self, item_id: str) -> bool:
        return item_id in self._seen

    def set_anchor_if_unset(self, item: Mapping[str, Any]) -> None:
        """Use ``item`` (the newest transcript item at connect time) as the first anchor."""
        if self.anchor_id is None and item.get("Id"):
            self.anchor_id = str(item["Id"])
            self.anchor_time = _text(item.get("AbsoluteTime"))

    def accept(self, item: Mapping[str, Any], *, from_transcript: bool) -> list[ItemEvent]:
        """Return the events ``item`` produces: none for a duplicate, one otherwise
        (none for a bot chunk until the chunk that completes its message)."""
        released = self.release_overdue() if self._held_since else []
        item_id = item.get("Id")
        if not item_id:
            released.append(event_from_item(item))
            return released
        if type(item_id) is not str:
            item_id = str(item_id)
        if is_stream_chunk(item):
            released += self._accept_chunk(item_id, item)
            return released
        item_type = item.get("Type")
        key = _attachment_key(item_id, item) if item_type == "ATTACHMENT" else item_id
        if key in self._seen:
            return released
        self._remember(key)
        if self._chunks:
            # A whole message (for example from the transcript) replaces its partial chunks.
            self._chunks.pop(item_id, None)
            self._held_since.pop(item_id, None)
        if from_transcript or _kept(item_type, item):
            self._advance(item_id, item)
        event = event_from_item(item)
        if isinstance(event, ChatEndedEvent):
            # Nothing more will come: what is still held goes out, flagged, before the end.
            released += self._release(list(self._chunks), force=True)
        released.append(event)
        return released

    @property
    def holding(self) -> bool:
        """Whether a completed message waits for a missing chunk."""
        return bool(self._held_since)

    @property
    def chunk_wait(self) -> float:
        return self._chunk_wait

    def release_overdue(self) -> list[ItemEvent]:
        """Release held messages that waited ``chunk_wait`` seconds (``complete=False``)."""
        if not self._held_since:
            return []
        deadline = self._clock() - self._chunk_wait
        overdue = [key for key, since in self._held_since.items() if since <= deadline]
        return self._release(overdue, force=True)

    def _accept_chunk(self, item_id: str, item: Mapping[str, Any]) -> list[ItemEvent]:
        if item_id in self._seen:
            return []  # a late chunk of a message already released
        parts = self._chunks.setdefault(item_id, {})
        number = chunk_number(item)
        if number in parts:
            return []
        parts[number] = item
        done = _completed_part(parts)
        if done is None:
            return []
        mode, _ = decide({n: p for n, p in parts.items() if p is not done}, done)
        if mode == WAIT:
            self._held_since.setdefault(item_id, self._clock())
            return []
        if item_id not in self._held_since:
            self._advance(item_id, done)  # a completed chunk: the transcript keeps its message
        return self._release([item_id], force=False)

    def _release(self, item_ids: list[str], *, force: bool) -> list[ItemEvent]:
        events: list[ItemEvent] = []
        for item_id in item_ids:
            parts = self._chunks.pop(item_id, None)
            self._held_since.pop(item_id, None)
            if not parts or (not force and _completed_part(parts) is None):
                continue
            self._remember(item_id)
            events.append(stitch_chunks(list(parts.values())))
        return events

    def _advance(self, item_id: str, item: Mapping[str, Any]) -> None:
        """``item`` (id ``item_id``) is in the transcript: a gap fill may resume after it."""
        self.anchor_id = item_id
        self.anchor_time = _text(item.get("AbsoluteTime")) or self.anchor_time

    def _remember(self, key: Any) -> None:
        self._seen[key] = None
        while len(self._seen) > self._capacity:
            self._seen.popitem(last=False)


def _completed_part(parts: Mapping[int, Mapping[str, Any]]) -> Optional[Mapping[str, Any]]:
    return next((part for part in parts.values() if is_completed(part)), None)


def _attachment_key(item_id: str, item: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """An attachment item is new again when its scan status changed (IN_PROGRESS -> APPROVED)."""
    attachments = item.get("Attachments")
    statuses = tuple(
        entry.get("Status") for entry in attachments or () if isinstance(entry, Mapping)
    )
    return (item_id, statuses)


def _text(value: Any) -> Optional[str]:
    return None if value is None else str(value)
