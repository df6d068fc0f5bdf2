"""Checks of a session's constructor arguments, made before anything else happens.

Every check raises :class:`~.errors.ChatArgumentError` (wrong type) or
:class:`~.errors.ChatConfigError` (right type, unusable value). Messages name
the argument and the type given, never the value: it may be a token.
"""

from __future__ import annotations

from typing import Any, Optional

from ..auth import require_connectparticipant
from .config import ChatConfig
from .errors import ChatArgumentError, ChatConfigError


def _got(value: object) -> str:
    return type(value).__name__


def require_text(value: Any, name: str, *, limit: Optional[int] = None) -> None:
    """``value`` must be a non-empty ``str`` (of at most ``limit`` characters)."""
    if not isinstance(value, str):
        raise ChatArgumentError(f"{name} must be a non-empty string, got {_got(value)}")
    if not value:
        raise ChatConfigError(f"{name} must be a non-empty string")
    if limit is not None and len(value) > limit:
        raise ChatConfigError(f"{name} is longer than {limit} characters")


def require_optional_text(value: Any, name: str, *, limit: Optional[int] = None) -> None:
    """``value`` must be ``None`` or a non-empty ``str``."""
    if value is not None:
        require_text(value, name, limit=limit)


def require_bool(value: Any, name: str) -> None:
    """``value`` must be ``True`` or ``False`` (a truthy string is not)."""
    if not isinstance(value, bool):
        raise ChatArgumentError(f"{name} must be True or False, got {_got(value)}")


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
        require_connectparticipant(value, role="client", error=ChatArgumentError)


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
) -> None:
    """Check every argument of ``AsyncChatSession(...)`` / ``.resume(...)``."""
    if token_required or participant_token is not None:
        require_text(participant_token, "participant_token")
    require_optional_text(region_name, "region_name")
    require_optional_text(endpoint_url, "endpoint_url")
    require_client(client)
    require_session(session)
    require_botocore_config(config)
    require_chat_config(chat_config)
    require_bool(websocket, "websocket")
    require_bool(leave_on_exit, "leave_on_exit")
    require_optional_text(participant_id, "participant_id", limit=id_limit)


__all__ = [
    "check_session_arguments",
    "require_bool",
    "require_optional_text",
    "require_text",
]
