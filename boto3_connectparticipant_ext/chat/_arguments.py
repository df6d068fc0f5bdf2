"""Checks of a session's arguments, made before anything else happens (no call, no socket).

Every check raises :class:`~.errors.ChatArgumentError` (wrong type) or
:class:`~.errors.ChatConfigError` (right type, unusable value). Messages name
the argument and the type given, never the value: it may be a token.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Union

from .. import _validation
from .._validation import token_argument
from ..service_limits import message_content_problem
from .config import ChatConfig, require_seconds
from .errors import ChatArgumentError, ChatConfigError
from .events import ChatEvent, event_kinds

#: What ``on()`` accepts as a kind: a kind name, a :class:`ChatEvent` class, or ``None`` for all.
EventKind = Union[str, type[ChatEvent], None]
#: An ``on()`` callback: a function (or coroutine function) of one event.
Callback = Callable[[ChatEvent], Any]


def _got(value: object) -> str:
    return type(value).__name__


def require_text(value: Any, name: str, *, limit: Optional[int] = None) -> None:
    """``value`` must be a non-empty ``str`` (of at most ``limit`` characters)."""
    _validation.require_text(
        value, name, error=ChatConfigError, type_error=ChatArgumentError, limit=limit
    )


def require_token(value: Any, name: str) -> str:
    """``value`` normalised like every token of the package (``_validation.token_argument``):
    surrounding whitespace (a newline read from a file) is stripped; a non-``str`` raises
    :class:`~.errors.ChatArgumentError`, an empty value or a control character
    :class:`~.errors.ChatConfigError`."""
    if not isinstance(value, str):
        raise ChatArgumentError(f"{name} must be a non-empty string, got {_got(value)}")
    return token_argument(value, name=name, error=ChatConfigError)


def require_optional_text(value: Any, name: str, *, limit: Optional[int] = None) -> None:
    """``value`` must be ``None`` or a non-empty ``str``."""
    if value is not None:
        require_text(value, name, limit=limit)


def require_bool(value: Any, name: str) -> None:
    """``value`` must be ``True`` or ``False`` (a truthy string is not)."""
    _validation.require_bool(value, name, error=ChatArgumentError)


def require_chat_config(value: Any) -> None:
    if value is not None and not isinstance(value, ChatConfig):
        raise ChatArgumentError(f"chat_config must be a ChatConfig, got {_got(value)}")


def require_botocore_config(value: Any) -> None:
    from botocore.config import Config

    if value is not None and not isinstance(value, Config):
        raise ChatArgumentError(f"config must be a botocore.config.Config, got {_got(value)}")


def require_session(value: Any) -> None:
    """``value`` must be ``None``, a ``boto3.session.Session`` or a ``botocore.session.Session``."""
    if value is None:
        return
    import boto3.session
    import botocore.session

    if not isinstance(value, (boto3.session.Session, botocore.session.Session)):
        raise ChatArgumentError(f"session must be a boto3 or botocore Session, got {_got(value)}")


def require_client(value: Any) -> None:
    """``value`` must be ``None`` or a botocore ``connectparticipant`` client."""
    if value is not None:
        _validation.require_client(value, role="client", error=ChatArgumentError)


def check_session_arguments(
    *,
    participant_token: Any,
    token_required: bool,
    region_name: Any,
    endpoint_url: Any,
    client: Any,
    session: Any,
    config: Any,
    chat_config: Any,
    websocket: Any,
    leave_on_exit: Any,
    participant_id: Any,
    id_limit: int,
) -> Optional[str]:
    """Check every argument of ``AsyncChatSession(...)`` / ``.resume(...)``; return the
    participant token normalised (``None`` when none is given)."""
    token: Optional[str] = None
    if token_required or participant_token is not None:
        token = require_token(participant_token, "participant_token")
    require_optional_text(region_name, "region_name")
    require_optional_text(endpoint_url, "endpoint_url")
    require_client(client)
    require_session(session)
    require_botocore_config(config)
    require_chat_config(chat_config)
    require_bool(websocket, "websocket")
    require_bool(leave_on_exit, "leave_on_exit")
    require_optional_text(participant_id, "participant_id", limit=id_limit)
    return token


def check_message(content: Any, content_type: Any) -> None:
    """``content`` must be one SendMessage takes: ``service_limits.message_content_problem``
    (16,384 UTF-8 bytes, SendMessage's content types). Whether the contact supports the
    type is the service's to say (:class:`~.errors.MessageRefusedError`)."""
    if not isinstance(content_type, str):
        raise ChatArgumentError(f"content_type must be a string, got {_got(content_type)}")
    if not isinstance(content, str):
        raise ChatArgumentError(f"content must be a string, got {_got(content)}")
    if not content:
        raise ChatConfigError("content must not be empty")
    problem = message_content_problem(content_type, content)
    if problem is not None:
        raise ChatConfigError(problem)


def check_timeout(timeout: Any) -> None:
    """``timeout`` must be ``None`` or a finite number of seconds in ``[0, MAX_SECONDS]``."""
    if timeout is not None:
        require_seconds("timeout", timeout)


def check_wait_for_end(wait_for_end: Any) -> None:
    """``disconnect(wait_for_end=...)`` takes ``None`` or finite seconds >= 0."""
    if wait_for_end is not None and (
        isinstance(wait_for_end, bool)
        or not isinstance(wait_for_end, (int, float))
        or not math.isfinite(wait_for_end)
        or wait_for_end < 0
    ):
        raise ChatConfigError(
            f"wait_for_end must be None or a finite number of seconds >= 0, got {wait_for_end!r}"
        )


def resolve_kind(kind: EventKind) -> type[ChatEvent]:
    """The event class ``on(kind, ...)`` selects."""
    if kind is None or kind == "*":
        return ChatEvent
    if isinstance(kind, str):
        kinds = event_kinds()
        if kind not in kinds:
            known = ", ".join(sorted(name for name in kinds if name != "event"))
            raise ChatConfigError(f"unknown event kind {kind!r}; known kinds: {known}")
        return kinds[kind]
    if isinstance(kind, type) and issubclass(kind, ChatEvent):
        return kind
    raise ChatConfigError(f"kind must be a kind name, a ChatEvent class or None, got {kind!r}")


def check_callback(callback: Any) -> Callback:
    """``callback`` must be callable."""
    if not callable(callback):
        raise ChatConfigError(f"callback must be callable, got {_got(callback)}")
    result: Callback = callback
    return result


__all__ = [
    "Callback",
    "EventKind",
    "check_callback",
    "check_message",
    "check_session_arguments",
    "check_timeout",
    "check_wait_for_end",
    "require_bool",
    "require_optional_text",
    "require_text",
    "resolve_kind",
]
