"""Fault kinds and the registry that decides which request or frame a fault hits.

HTTP faults (``THROTTLE`` ... ``TRUNCATE_DOWNLOAD``) are matched against an
operation name: a participant operation (``"SendMessage"``), a Connect admin
operation (``"StartChatContact"``) or an attachment store operation
(``"PutObject"``, ``"GetObject"``). ``operation=None`` matches every
participant operation, or every download for ``TRUNCATE_DOWNLOAD``.

Websocket faults (``SILENT_HEARTBEAT``, ``PING_FAILURE``) are matched against
the frames of a participant's sockets (``participant_id=None``: any).
``DROP_WEBSOCKET`` and ``EXPIRE_TOKEN`` act at once; see ``Emulator.inject_fault``.

Examples
--------
>>> registry = FaultRegistry()
>>> _ = registry.add(Fault.THROTTLE, operation="SendMessage", count=1)
>>> registry.take_http("SendMessage", participant_operation=True).kind
<Fault.THROTTLE: 'THROTTLE'>
>>> registry.take_http("SendMessage", participant_operation=True) is None
True
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
from typing import Optional


class Fault(str, enum.Enum):
    """What can go wrong, on purpose."""

    THROTTLE = "THROTTLE"
    """Answer 429 ThrottlingException (S3: 503 SlowDown)."""
    INTERNAL_ERROR = "INTERNAL_ERROR"
    """Answer 500 InternalServerException (S3: 500 InternalError)."""
    LATENCY = "LATENCY"
    """Wait ``seconds`` before handling the request."""
    RESET_BEFORE_RESPONSE = "RESET_BEFORE_RESPONSE"
    """Do the work, then reset the connection before any response byte."""
    RESET_MID_BODY = "RESET_MID_BODY"
    """Do the work, send the headers and half the body, then reset."""
    TRUNCATE_DOWNLOAD = "TRUNCATE_DOWNLOAD"
    """Send half of an attachment download (full Content-Length), then reset."""
    DROP_WEBSOCKET = "DROP_WEBSOCKET"
    """Abort open sockets without a close frame."""
    SILENT_HEARTBEAT = "SILENT_HEARTBEAT"
    """Do not echo the next heartbeat frame(s)."""
    PING_FAILURE = "PING_FAILURE"
    """Answer the next ping frame(s) with ``statusCode`` 500."""
    EXPIRE_TOKEN = "EXPIRE_TOKEN"
    """Expire ConnectionTokens now: later calls with them are AccessDenied."""


HTTP_FAULTS = frozenset(
    {
        Fault.THROTTLE,
        Fault.INTERNAL_ERROR,
        Fault.LATENCY,
        Fault.RESET_BEFORE_RESPONSE,
        Fault.RESET_MID_BODY,
        Fault.TRUNCATE_DOWNLOAD,
    }
)
FRAME_FAULTS = frozenset({Fault.SILENT_HEARTBEAT, Fault.PING_FAILURE})
IMMEDIATE_FAULTS = frozenset({Fault.DROP_WEBSOCKET, Fault.EXPIRE_TOKEN})

DOWNLOAD_OPERATION = "GetObject"


@dataclasses.dataclass
class FaultRule:
    """One injected fault; ``remaining`` is ``None`` for "until cleared"."""

    rule_id: int
    kind: Fault
    operation: Optional[str]
    participant_id: Optional[str]
    remaining: Optional[int]
    seconds: float

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.rule_id,
            "kind": self.kind.value,
            "operation": self.operation,
            "participant_id": self.participant_id,
            "remaining": self.remaining,
            "seconds": self.seconds,
        }


class FaultRegistry:
    """The pending faults. Used from the server's event loop thread only."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)

    def add(
        self,
        kind: Fault,
        *,
        operation: Optional[str] = None,
        participant_id: Optional[str] = None,
        count: Optional[int] = 1,
        seconds: float = 0.0,
    ) -> FaultRule:
        rule = FaultRule(next(self._ids), kind, operation, participant_id, count, seconds)
        self._rules.append(rule)
        return rule

    def clear(self) -> None:
        self._rules.clear()

    def pending(self) -> list[FaultRule]:
        return list(self._rules)

    def take_http(
        self, operation: str, *, participant_operation: bool, participant_id: Optional[str] = None
    ) -> Optional[FaultRule]:
        """Consume and return the first HTTP fault that applies to this request."""
        for rule in self._rules:
            if rule.kind not in HTTP_FAULTS:
                continue
            if rule.participant_id is not None and rule.participant_id != participant_id:
                continue
            if rule.operation is None:
                applies = (
                    operation == DOWNLOAD_OPERATION
                    if rule.kind is Fault.TRUNCATE_DOWNLOAD
                    else participant_operation
                )
            else:
                applies = rule.operation == operation
            if applies:
                self._consume(rule)
                return rule
        return None

    def take_frame(self, kind: Fault, participant_id: str) -> bool:
        """Consume one ``kind`` frame fault for ``participant_id``; tell whether one applied."""
        for rule in self._rules:
            if rule.kind is kind and rule.participant_id in (None, participant_id):
                self._consume(rule)
                return True
        return False

    def take_pending_drop(self, participant_id: str) -> bool:
        """Consume a DROP_WEBSOCKET left over for sockets not yet open."""
        return self.take_frame(Fault.DROP_WEBSOCKET, participant_id)

    def _consume(self, rule: FaultRule) -> None:
        if rule.remaining is None:
            return
        rule.remaining -= 1
        if rule.remaining <= 0:
            self._rules.remove(rule)
