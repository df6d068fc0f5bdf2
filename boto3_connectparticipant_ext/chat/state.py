"""Saved session state: resume a chat in another process without a new connection.

A Lambda function handling one inbound message per invocation saves the state
after each invocation and resumes from it in the next, so it reuses the
ConnectionToken instead of calling CreateParticipantConnection every time.

The JSON form holds the tokens (that is its purpose): store it like a
password. ``repr()`` and ``str()`` of a :class:`SessionState` never show them.

Whatever the input (JSON that is not text, nested too deeply, wrong field
types, missing or unknown keys, numbers too large for a float, NaN or
infinity), building a state either succeeds with a state that round-trips
exactly or raises :class:`~.errors.SessionStateError`. The lists of ids are
accepted as lists or tuples and kept as tuples (the state stays hashable).

Examples
--------
>>> state = SessionState(connection_token="secret-connection-token",
...                      connection_expiry="2030-01-01T00:00:00.000Z",
...                      participant_token="secret-participant-token",
...                      region_name="us-east-1", last_item_id="item-7")
>>> "secret" in repr(state)
False
>>> SessionState.from_json(state.to_json()) == state
True
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
from collections.abc import Mapping
from typing import Any, Optional

from ..redact import mask
from .errors import SessionStateError

STATE_VERSION = 1
# Enough to keep receipts and "own message" checks right across invocations
# without letting the saved state grow with the chat.
MAX_SAVED_IDS = 200


@dataclasses.dataclass(frozen=True)
class SessionState:
    """Everything needed to resume a chat session. Immutable; JSON-serialisable.

    Attributes
    ----------
    connection_token:
        The ConnectionToken (a secret).
    connection_expiry:
        Its expiry as the service gave it (ISO 8601), or ``None`` if unknown.
    participant_token:
        The ParticipantToken (a secret); needed to refresh the ConnectionToken
        or to open a websocket. ``None`` makes the state send-only.
    region_name, endpoint_url:
        Where the service is.
    participant_id:
        This participant's id, when known (used to skip receipts for own messages).
    last_item_id, last_item_time:
        The last chat item delivered; a resumed websocket session fills the gap
        from the transcript after it.
    own_message_ids:
        Ids of the latest messages this participant sent.
    receipts_sent:
        ``(message_id, "read" | "delivered")`` of the latest receipts sent.
    typing_sent_at:
        Epoch seconds of the last typing event sent (keeps the typing throttle).
    chat_ended:
        The chat is known to have ended.
    """

    connection_token: str
    connection_expiry: Optional[str] = None
    participant_token: Optional[str] = None
    region_name: Optional[str] = None
    endpoint_url: Optional[str] = None
    participant_id: Optional[str] = None
    last_item_id: Optional[str] = None
    last_item_time: Optional[str] = None
    own_message_ids: tuple[str, ...] = ()
    receipts_sent: tuple[tuple[str, str], ...] = ()
    typing_sent_at: Optional[float] = None
    chat_ended: bool = False
    version: int = STATE_VERSION

    def __post_init__(self) -> None:
        if not isinstance(self.connection_token, str) or not self.connection_token:
            raise SessionStateError("connection_token must be a non-empty string")
        for name in (
            "connection_expiry",
            "participant_token",
            "region_name",
            "endpoint_url",
            "participant_id",
            "last_item_id",
            "last_item_time",
        ):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise SessionStateError(
                    f"{name} must be a string or None, got {type(value).__name__}"
                )
        if not isinstance(self.chat_ended, bool):
            raise SessionStateError("chat_ended must be true or false")
        if self.participant_token == "":
            raise SessionStateError("participant_token must be None or a non-empty string")
        if isinstance(self.version, bool) or self.version != STATE_VERSION:
            raise SessionStateError(
                f"unsupported session state version {_shown(self.version)} "
                f"(expected {STATE_VERSION})"
            )
        if self.connection_expiry is not None and parse_timestamp(self.connection_expiry) is None:
            raise SessionStateError("connection_expiry is not an ISO 8601 timestamp")
        if self.typing_sent_at is not None and not _finite_number(self.typing_sent_at):
            raise SessionStateError("typing_sent_at must be a finite number or None")
        # Frozen: normalise the two lists through object.__setattr__ (lists become tuples).
        object.__setattr__(self, "own_message_ids", _own_ids(self.own_message_ids))
        object.__setattr__(self, "receipts_sent", _receipts(self.receipts_sent))

    def __repr__(self) -> str:
        return (
            f"SessionState(connection_token={mask(self.connection_token)}, "
            f"connection_expiry={self.connection_expiry!r}, "
            f"participant_token={mask(self.participant_token)}, "
            f"region_name={self.region_name!r}, endpoint_url={self.endpoint_url!r}, "
            f"participant_id={self.participant_id!r}, last_item_id={self.last_item_id!r}, "
            f"chat_ended={self.chat_ended!r})"
        )

    __str__ = __repr__

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (tokens included)."""
        data = dataclasses.asdict(self)
        data["own_message_ids"] = list(self.own_message_ids)
        data["receipts_sent"] = [list(entry) for entry in self.receipts_sent]
        return data

    def to_json(self) -> str:
        """Return the state as a JSON string (tokens included)."""
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionState:
        """Rebuild a state from :meth:`to_dict` output; unknown keys are an error."""
        if not isinstance(data, Mapping):
            raise SessionStateError(f"session state must be a mapping, got {type(data).__name__}")
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(_shown(key) for key in data if key not in known)
        if unknown:
            raise SessionStateError(f"unknown session state keys: {', '.join(unknown)}")
        if "connection_token" not in data:
            raise SessionStateError("session state has no connection_token")
        values = dict(data)
        for name in ("own_message_ids", "receipts_sent"):
            if values.get(name) is None:
                values[name] = ()
        return cls(**values)

    @classmethod
    def from_json(cls, text: str | bytes) -> SessionState:
        """Rebuild a state from :meth:`to_json` output."""
        if not isinstance(text, (str, bytes, bytearray)):
            raise SessionStateError(
                f"session state JSON must be str or bytes, got {type(text).__name__}"
            )
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply
            raise SessionStateError("session state is not valid JSON") from None
        return cls.from_dict(data)


def _shown(value: Any) -> str:
    """A short, safe rendering of a key or value for an error message."""
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


def _finite_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)  # an int too large for a float overflows
    except OverflowError:
        return False


def _own_ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise SessionStateError("own_message_ids must be a list of strings")
    return tuple(value)


def _receipts(value: Any) -> tuple[tuple[str, str], ...]:
    message = "receipts_sent must hold (message_id, 'read'|'delivered') pairs"
    if not isinstance(value, (list, tuple)):
        raise SessionStateError(message)
    pairs = []
    for entry in value:
        if (
            not isinstance(entry, (list, tuple))
            or len(entry) != 2
            or not isinstance(entry[0], str)
            or entry[1] not in ("read", "delivered")
        ):
            raise SessionStateError(message)
        pairs.append((entry[0], entry[1]))
    return tuple(pairs)


def parse_timestamp(text: str) -> Optional[float]:
    """Epoch seconds of an ISO 8601 timestamp such as ``2019-11-08T02:41:28.172Z``.

    Examples
    --------
    >>> parse_timestamp("1970-01-01T00:01:00.000Z")
    60.0
    >>> parse_timestamp("tomorrow") is None
    True
    """
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(cleaned)
    except ValueError:
        # Python < 3.11 accepts only 0, 3 or 6 fractional digits.
        try:
            head, _, rest = cleaned.partition(".")
            digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
            zone = rest[len(digits) :]
            moment = datetime.datetime.fromisoformat(f"{head}.{(digits + '000000')[:6]}{zone}")
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def format_timestamp(epoch: float) -> str:
    """ISO 8601 (UTC, milliseconds, ``Z``) for epoch seconds.

    Examples
    --------
    >>> format_timestamp(60.0)
    '1970-01-01T00:01:00.000Z'
    """
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
