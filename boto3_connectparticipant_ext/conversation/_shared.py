"""Argument checks and small helpers shared by the sync and async conversation drivers."""

from __future__ import annotations

import os
from typing import Any, Optional, Union

from botocore.exceptions import ClientError

from .._validation import require_finite_seconds, require_text
from ..chat.events import AttachmentEvent, ChatEvent, event_kinds
from ._engine import Engine
from .errors import ConversationArgumentError
from .latency import LatencyStats

#: Seconds an ``expect`` waits when neither the call nor the conversation says otherwise.
DEFAULT_TIMEOUT = 10.0


def check_timeout(timeout: Optional[float], default: float, name: str = "timeout") -> float:
    """``timeout`` (or ``default`` for ``None``) as positive seconds."""
    value = default if timeout is None else timeout
    return require_finite_seconds(value, name, error=ConversationArgumentError, inclusive=False)


def history_refused(error: BaseException) -> bool:
    """Whether GetTranscript refused the history because the chat already ended.

    The service stops the ConnectionToken when the chat ends (AccessDenied); the
    conversation then starts with no history and the stream reports the end.
    """
    if not isinstance(error, ClientError):
        return False
    return bool(error.response.get("Error", {}).get("Code") == "AccessDeniedException")


def check_text(text: object) -> str:
    return require_text(text, "text", error=ConversationArgumentError)


def resolve_kind(kind: Union[str, type[ChatEvent]]) -> type[ChatEvent]:
    """An event class from its ``kind`` name (``"transfer.succeeded"``) or the class itself."""
    if isinstance(kind, type) and issubclass(kind, ChatEvent):
        return kind
    kinds = event_kinds()
    if isinstance(kind, str) and kind in kinds:
        return kinds[kind]
    raise ConversationArgumentError(
        f"unknown event kind {kind!r}; one of: {', '.join(sorted(kinds))}"
    )


def download_target(event: AttachmentEvent, path: Any) -> tuple[str, str]:
    """The attachment id of ``event`` and the file to write (into ``path`` when a directory)."""
    if not isinstance(event, AttachmentEvent) or not event.attachments:
        raise ConversationArgumentError("download needs an AttachmentEvent with an attachment")
    attachment = event.attachments[0]
    if not attachment.attachment_id:
        raise ConversationArgumentError("the attachment has no AttachmentId")
    target = os.fspath(path)
    if os.path.isdir(target):
        name = os.path.basename(attachment.name or attachment.attachment_id)
        target = os.path.join(target, name or attachment.attachment_id)
    return attachment.attachment_id, target


class ConversationDriver:
    """What both drivers hold: the session, the default wait, the engine and its latencies."""

    def __init__(
        self,
        session: Any,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        latencies: Optional[LatencyStats] = None,
        history: bool = True,
    ) -> None:
        self._timeout = check_timeout(timeout, DEFAULT_TIMEOUT)
        self.session = session
        self.engine = Engine(latencies=latencies)
        self.engine.history_loaded = not history

    @property
    def latencies(self) -> LatencyStats:
        """Each matched expectation's latency since the customer's last message."""
        return self.engine.latencies
