"""Fault kinds and the registry that decides which request or frame a fault hits.

HTTP faults (``THROTTLE`` ... ``TRUNCATE_DOWNLOAD``) are matched against an
operation name: a participant operation (``"SendMessage"``), a Connect admin
operation (``"StartChatContact"``) or an attachment store operation
(``"PutObject"``, ``"GetObject"``). ``operation=None`` matches every
participant operation, or every download for ``TRUNCATE_DOWNLOAD``.

Websocket faults (``SILENT_HEARTBEAT``, ``PING_FAILURE``) are matched against
the frames of a participant's sockets (``participant_id=None``: any).
``DROP_WEBSOCKET`` and ``EXPIRE_TOKEN`` act at once; see ``Emulator.inject_fault``.

``CHAT_QUOTA`` stands for the instance's quota of concurrent active chats: while ``limit``
or more chats are active, StartChatContact answers 429 ``LimitExceededException``. That is
the code the Connect API model lists for StartChatContact ("the allowed limit for the
resource has been exceeded"); ``ServiceQuotaExceededException`` is not among its errors, so
the emulator does not answer it there. botocore retries ``LimitExceededException`` as a
throttle, as it would against the service.

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
import math
from typing import Any, Callable, Optional

from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError


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
    CHAT_QUOTA = "CHAT_QUOTA"
    """Refuse StartChatContact (429 LimitExceededException) while ``limit`` chats are active."""


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
QUOTA_OPERATION = "StartChatContact"

DOWNLOAD_OPERATION = "GetObject"
#: The longest ``seconds`` a fault may take (a day): longer would only look like a hang.
MAX_FAULT_SECONDS = 86400.0


def check_fault(
    kind: Any,
    *,
    operation: Any = None,
    participant_id: Any = None,
    count: Any = 1,
    seconds: Any = 0.0,
    limit: Any = None,
) -> Fault:
    """Return ``kind`` as a :class:`Fault`, or raise EmulatorConfigError for any bad argument.

    ``count`` is ``None`` or a whole number >= 1; ``seconds`` a finite number from 0 to
    :data:`MAX_FAULT_SECONDS` (more than 0 for ``LATENCY``): NaN would stall the server's loop.
    ``limit`` (active chats, a whole number >= 0) is for ``CHAT_QUOTA`` only, and needed there.

    Examples
    --------
    >>> check_fault("THROTTLE", operation="SendMessage")
    <Fault.THROTTLE: 'THROTTLE'>
    >>> try:
    ...     check_fault(Fault.LATENCY, seconds=float("nan"))
    ... except EmulatorConfigError as error:
    ...     print(error)
    seconds must be a finite number from 0 to 86400.0, got nan
    """
    try:
        fault = kind if isinstance(kind, Fault) else Fault(kind)
    except (ValueError, TypeError):
        raise EmulatorConfigError(
            f"unknown fault kind {_shown(kind)}; use one of {[each.value for each in Fault]}"
        ) from None
    for name, value in (("operation", operation), ("participant_id", participant_id)):
        if value is not None and (not isinstance(value, str) or not value):
            raise EmulatorConfigError(f"{name} must be a non-empty string or None")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise EmulatorConfigError(
            f"count must be a whole number of at least 1 or None, got {_shown(count)}"
        )
    if not _number_within(seconds, MAX_FAULT_SECONDS):
        raise EmulatorConfigError(
            f"seconds must be a finite number from 0 to {MAX_FAULT_SECONDS}, got {_shown(seconds)}"
        )
    if fault is Fault.LATENCY and seconds <= 0:
        raise EmulatorConfigError("Fault.LATENCY needs seconds > 0")
    if fault is Fault.CHAT_QUOTA:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise EmulatorConfigError(
                f"Fault.CHAT_QUOTA needs limit, a whole number of active chats >= 0, "
                f"got {_shown(limit)}"
            )
        if operation not in (None, QUOTA_OPERATION):
            raise EmulatorConfigError(f"Fault.CHAT_QUOTA applies to {QUOTA_OPERATION} only")
    elif limit is not None:
        raise EmulatorConfigError("limit is for Fault.CHAT_QUOTA only")
    return fault


def _number_within(value: Any, maximum: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value) and 0 <= value <= maximum
    except OverflowError:  # an int too large for a float
        return False


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclasses.dataclass
class FaultRule:
    """One injected fault; ``remaining`` is ``None`` for "until cleared"."""

    rule_id: int
    kind: Fault
    operation: Optional[str]
    participant_id: Optional[str]
    remaining: Optional[int]
    seconds: float
    limit: Optional[int] = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.rule_id,
            "kind": self.kind.value,
            "operation": self.operation,
            "participant_id": self.participant_id,
            "remaining": self.remaining,
            "seconds": self.seconds,
            "limit": self.limit,
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
        limit: Optional[int] = None,
    ) -> FaultRule:
        rule = FaultRule(next(self._ids), kind, operation, participant_id, count, seconds, limit)
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

    def take_quota(self, active_chats: Callable[[], int]) -> Optional[FaultRule]:
        """Consume and return a ``CHAT_QUOTA`` rule that ``active_chats()`` has reached."""
        for rule in self._rules:
            if rule.kind is Fault.CHAT_QUOTA and active_chats() >= (rule.limit or 0):
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
