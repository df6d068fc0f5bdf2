"""Exactly-once, in-order items: deduplication, bot-chunk stitching, the gap-fill anchor.

Items reach a session from up to two sockets (during a make-before-break
refresh) and from the transcript (gap fill). The sequencer sees every one of
them, lets each item through once (an attachment once per scan status, so an
IN_PROGRESS -> APPROVED change is an event), stitches streamed bot chunks
into one message and remembers the last item the transcript can be resumed
after.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping
from typing import Any, Optional

from .events import EVENT_PREFIX, ItemEvent, event_from_item, is_stream_chunk, stitch_chunks

# Items the service does not keep in the transcript: they cannot anchor a gap fill.
_UNANCHORED_EVENTS = frozenset(
    EVENT_PREFIX + name
    for name in ("typing", "message.read", "message.delivered", "message.metadata")
)


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
    item_type = item.get("Type")
    if item_type in ("MESSAGE", "ATTACHMENT"):
        return not is_stream_chunk(item) or _completed(item)
    if item_type == "EVENT":
        return item.get("ContentType") not in _UNANCHORED_EVENTS
    return False


def _completed(item: Mapping[str, Any]) -> bool:
    metadata = item.get("MessageMetadata")
    return isinstance(metadata, Mapping) and bool(metadata.get("MessageCompleted"))


def _chunk_key(item: Mapping[str, Any]) -> tuple[str, Any]:
    metadata = item.get("MessageMetadata")
    number = metadata.get("ChunkNumber") if isinstance(metadata, Mapping) else None
    return (str(item.get("Id")), number)


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
    ) -> None:
        self._capacity = capacity
        self._seen: collections.OrderedDict[Any, None] = collections.OrderedDict()
        self._chunks: dict[str, dict[Any, Mapping[str, Any]]] = {}
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
        item_id = item.get("Id")
        if not item_id:
            return [event_from_item(item)]
        item_id = str(item_id)
        if is_stream_chunk(item):
            return self._accept_chunk(item_id, item, from_transcript=from_transcript)
        key = _attachment_key(item_id, item) if item.get("Type") == "ATTACHMENT" else item_id
        if key in self._seen:
            return []
        self._remember(key)
        # A whole message (for example from the transcript) replaces its partial chunks.
        self._chunks.pop(item_id, None)
        self._advance(item, from_transcript=from_transcript)
        return [event_from_item(item)]

    def _accept_chunk(
        self, item_id: str, item: Mapping[str, Any], *, from_transcript: bool
    ) -> list[ItemEvent]:
        if item_id in self._seen:
            return []
        key = _chunk_key(item)
        parts = self._chunks.setdefault(item_id, {})
        if key in parts:
            return []
        parts[key] = item
        if not _completed(item):
            return []
        del self._chunks[item_id]
        self._remember(item_id)
        self._advance(item, from_transcript=from_transcript)
        return [stitch_chunks(list(parts.values()))]

    def _advance(self, item: Mapping[str, Any], *, from_transcript: bool) -> None:
        if from_transcript or anchors(item):
            self.anchor_id = str(item["Id"])
            self.anchor_time = _text(item.get("AbsoluteTime")) or self.anchor_time

    def _remember(self, key: Any) -> None:
        self._seen[key] = None
        while len(self._seen) > self._capacity:
            self._seen.popitem(last=False)


def _attachment_key(item_id: str, item: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """An attachment item is new again when its scan status changed (IN_PROGRESS -> APPROVED)."""
    attachments = item.get("Attachments")
    statuses = tuple(
        entry.get("Status") for entry in attachments or () if isinstance(entry, Mapping)
    )
    return (item_id, statuses)


def _text(value: Any) -> Optional[str]:
    return None if value is None else str(value)
