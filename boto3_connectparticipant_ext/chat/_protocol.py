"""The websocket protocol of the participant service: frames we send, frames we read."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any, Optional

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


@dataclasses.dataclass(frozen=True)
class Frame:
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
        decoded = json.loads(text)
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
            content = json.loads(content)
        except ValueError:
            return Frame(UNKNOWN, ok=False, detail="chat content is not JSON")
    if not isinstance(content, dict):
        return Frame(UNKNOWN, ok=False, detail="chat content is not an object")
    return Frame(ITEM, item=content)
