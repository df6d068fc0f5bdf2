"""What reached the emulator: HTTP requests and websocket frames, for assertions.

Records keep real header values (tests about auth look at what reached the
wire) but their ``repr`` masks every secret.

Examples
--------
>>> request = RecordedRequest(method="POST", path="/participant/message",
...     operation="SendMessage", headers={"X-Amz-Bearer": "secret"}, body_size=10, status=200)
>>> "secret" in repr(request)
False
"""

from __future__ import annotations

import collections
import dataclasses
import time
from typing import Optional

_SECRET_HEADERS = frozenset(
    {"x-amz-bearer", "authorization", "x-amz-security-token", "cookie", "x-amz-signature"}
)


def _masked(value: str) -> str:
    return f"<redacted:len={len(value)}>"


def masked_headers(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` with the value of every secret-carrying header masked."""
    return {
        name: _masked(value) if name.lower() in _SECRET_HEADERS else value
        for name, value in headers.items()
    }


@dataclasses.dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the emulator answered (or reset)."""

    method: str
    path: str
    operation: Optional[str]
    headers: dict[str, str]
    body_size: int
    status: Optional[int]
    """HTTP status sent; ``None`` when a fault reset the connection first."""
    query_keys: tuple[str, ...] = ()
    """Names of the query parameters (their values may be signatures)."""
    time: float = dataclasses.field(default_factory=time.time)

    def __repr__(self) -> str:
        return (
            f"RecordedRequest(method={self.method!r}, path={self.path!r}, "
            f"operation={self.operation!r}, status={self.status!r}, body_size={self.body_size}, "
            f"headers={masked_headers(self.headers)!r})"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "path": self.path,
            "operation": self.operation,
            "headers": masked_headers(self.headers),
            "body_size": self.body_size,
            "status": self.status,
            "query_keys": list(self.query_keys),
            "time": self.time,
        }


@dataclasses.dataclass(frozen=True)
class RecordedFrame:
    """One websocket frame: ``direction`` is ``"in"`` (from the client) or ``"out"``."""

    direction: str
    participant_id: str
    connection_id: str
    text: str
    time: float = dataclasses.field(default_factory=time.time)

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)


class Recorder:
    """Bounded logs of requests and frames (oldest dropped first)."""

    def __init__(self, *, max_requests: int, max_frames: int) -> None:
        self.requests: collections.deque[RecordedRequest] = collections.deque(maxlen=max_requests)
        self.frames: collections.deque[RecordedFrame] = collections.deque(maxlen=max_frames)

    def clear(self) -> None:
        self.requests.clear()
        self.frames.clear()
