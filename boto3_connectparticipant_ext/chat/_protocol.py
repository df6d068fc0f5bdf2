"""The websocket protocol of the participant service: frames we send, frames we read.

Every frame of a busy chat is parsed here (its JSON, then the item's JSON in
``content``), so the common case takes the shortest path: a str decoded by the
decoder's ``raw_decode`` (what ``json.loads`` runs, without its whitespace
regexes), anything unusual (bytes, surrounding whitespace, bad JSON) by
``json.loads`` itself, so what is accepted and refused is exactly
``json.loads``'s.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple, Optional

CHAT_TOPIC = "aws/chat"
SUBSCRIBE_FRAME = json.dumps({"topic": "aws/subscribe", "content": {"topics": [CHAT_TOPIC]}})
HEARTBEAT_FRAME = json.dumps({"topic": "aws/heartbeat"})
PING_FRAME = json.dumps({"topic": "aws/ping"})

ITEM = "item"
HEARTBEAT = "heartbeat"
PING = "ping"
SUBSCRIBE = "subscribe"
ERROR = "error"
UNKNOWN = "unknown"


class Frame(NamedTuple):
    """A frame read from the socket, classified.

    ``kind`` is one of ``item``, ``heartbeat``, ``ping``, ``subscribe``, ``error``,
    ``unknown``; ``ok`` tells success for ping and subscribe answers; ``item``
    holds the decoded chat item for ``item`` frames.
    """

    kind: str
    ok: bool = True
    item: Optional[Mapping[str, Any]] = None
    detail: str = ""


def parse_frame(text: str | bytes) -> Frame:
    """Classify one server frame; never raises.

    Examples
    --------
    >>> parse_frame('{"topic":"aws/heartbeat"}').kind
    'heartbeat'
    >>> parse_frame('{"topic":"aws/ping","statusCode":500}').ok
    False
    >>> frame = parse_frame('{"topic":"aws/chat","content":"{\\\\"Id\\\\":\\\\"1\\\\"}"}')
    >>> frame.kind, dict(frame.item)
    ('item', {'Id': '1'})
    """
    try:
        decoded = _loads(text)
    except ValueError:
        return Frame(UNKNOWN, ok=False, detail="not JSON")
    if not isinstance(decoded, dict):
        return Frame(UNKNOWN, ok=False, detail="not an object")
    topic = decoded.get("topic")
    if topic == CHAT_TOPIC:
        return _item_frame(decoded.get("content"))
    if topic == "aws/heartbeat":
        return Frame(HEARTBEAT)
    if topic == "aws/ping":
        status = decoded.get("statusCode")
        return Frame(PING, ok=status == 200, detail=f"statusCode {status!r}")
    if topic == "aws/subscribe":
        content = decoded.get("content")
        status = content.get("status") if isinstance(content, dict) else None
        return Frame(SUBSCRIBE, ok=status == "success", detail=f"status {status!r}")
    if topic is None and "message" in decoded:
        return Frame(ERROR, ok=False, detail=str(decoded.get("message"))[:200])
    return Frame(UNKNOWN, ok=False, detail=f"topic {str(topic)[:50]!r}")


def _item_frame(content: Any) -> Frame:
    if isinstance(content, (str, bytes)):
        try:
            content = _loads(content)
        except ValueError:
            return Frame(UNKNOWN, ok=False, detail="chat content is not JSON")
    if not isinstance(content, dict):
        return Frame(UNKNOWN, ok=False, detail="chat content is not an object")
    return Frame(ITEM, True, content)  # positional: one per item frame


_raw_decode = json.JSONDecoder().raw_decode


def _loads(text: str | bytes) -> Any:
    """``json.loads(text)``, faster for a str that is one JSON value and nothing else."""
    if type(text) is str:
        try:
            value, end = _raw_decode(text)
        except ValueError:
            pass
        else:
            if end == len(text):
                return value
    return json.loads(text)
