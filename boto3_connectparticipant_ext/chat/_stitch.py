"""How the chunks of a streamed bot message become one message.

A bot's streamed message arrives as MESSAGE items sharing one ``Id``, each with
``MessageMetadata{ChunkNumber, MessageCompleted}``. The service documents the
chunks on the socket; AWS's browser client (amazon-connect-chatjs
``PartialMessageUtil``) replaces every partial chunk with the content of the item
that carries ``MessageCompleted: true``: that item holds the WHOLE message
("whole mode"). A service (or a proxy) that sends only deltas, the completed item
holding just the last piece, must still give the right text ("delta mode").

The rule (``decide``), chunks always taken in ``ChunkNumber`` order, never by
arrival:

* whole mode when the completed content is consistent with holding every earlier
  chunk received: each received earlier chunk occurs in it in ``ChunkNumber``
  order, chunk 1 at the start, and two consecutive numbers back to back, with room
  left for at least one character per chunk still missing. Without gaps this is
  exactly "the completed content starts with the concatenation of the earlier
  chunks". The message is the completed content; a chunk of that message
  arriving later is a duplicate and dropped. A completed item numbered above 1 with
  no earlier chunk received yet is no evidence either way: it WAITs like a gap
  (in whole mode the first earlier chunk to arrive settles it at once).
* otherwise delta mode: the message is every chunk joined in ``ChunkNumber`` order,
  the completed one last. It is complete only when every number below the
  completed one arrived; until then ``decide`` answers WAIT and the sequencer holds
  the message (see ``_sequencer``: it is released when the gap fills, replaced by
  the transcript's whole item, or released flagged ``complete=False`` after a
  bounded wait; never dropped).

Why this is safe: in whole mode the check always holds, so a whole message is never
doubled. A delta stream passes it only if its last piece happens to repeat all the
earlier pieces, in order, from its first character; then the documented behaviour
(whole) wins. Chunk numbers start at 1 (the service and chatjs number them so); a
chunk without a number counts as 0.

Examples
--------
>>> def chunk(n, text, done=False):
...     return {"Id": "b", "Type": "MESSAGE", "Content": text,
...             "MessageMetadata": {"ChunkNumber": n, "MessageCompleted": done}}
>>> decide({1: chunk(1, "Hel"), 2: chunk(2, "lo ")}, chunk(3, "Hello world", True))
('whole', 'Hello world')
>>> decide({1: chunk(1, "Hel"), 2: chunk(2, "lo ")}, chunk(3, "world", True))
('delta', 'Hello world')
>>> decide({1: chunk(1, "Hel")}, chunk(3, "world", True))
('wait', 'Helworld')
>>> decide({1: chunk(1, "Hel")}, chunk(3, "Hello world", True))
('whole', 'Hello world')
>>> decide({}, chunk(3, "Hello world", True))
('wait', 'Hello world')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WHOLE = "whole"
DELTA = "delta"
WAIT = "wait"


def chunk_number(item: Mapping[str, Any]) -> int:
    """The item's ``MessageMetadata.ChunkNumber`` (0 when absent or not an integer)."""
    metadata = item.get("MessageMetadata")
    number = metadata.get("ChunkNumber") if isinstance(metadata, Mapping) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else 0


def is_completed(item: Mapping[str, Any]) -> bool:
    """Whether the item carries ``MessageMetadata.MessageCompleted: true``."""
    metadata = item.get("MessageMetadata")
    return isinstance(metadata, Mapping) and metadata.get("MessageCompleted") is True


def _text(item: Mapping[str, Any]) -> str:
    return str(item.get("Content") or "")


def _holds_all(completed: str, earlier: list[tuple[int, str]]) -> bool:
    position, previous = 0, 0
    for number, text in earlier:
        if number == previous + 1:
            if not completed.startswith(text, position):
                return False
            found = position
        else:
            found = completed.find(text, position)
            if found < 0:
                return False
        position, previous = found + len(text), number
    return True


def decide(
    earlier: Mapping[int, Mapping[str, Any]], completed: Mapping[str, Any]
) -> tuple[str, str]:
    """``(mode, content)`` for a completed item and the earlier chunks received (by number).

    ``mode`` is :data:`WHOLE`, :data:`DELTA` (all chunks there) or :data:`WAIT` (delta
    with a gap: ``content`` is what is known so far, joined in order).
    """
    last = chunk_number(completed)
    before = sorted(
        (number, _text(item)) for number, item in earlier.items() if number < last or last == 0
    )
    content = _text(completed)
    have = {number for number, _ in before}
    missing = sum(1 for number in range(1, last) if number not in have)
    evidence = bool(before) or last <= 1
    # Whole: room for every received chunk plus at least a character per missing one.
    room = len(content) >= sum(len(text) for _, text in before) + missing
    if evidence and room and _holds_all(content, before):
        return WHOLE, content
    joined = "".join(text for _, text in before) + content
    complete = missing == 0
    return (DELTA if complete else WAIT), joined


__all__ = ["DELTA", "WAIT", "WHOLE", "chunk_number", "decide", "is_completed"]
