"""What SendEvent and SendMessage would be refused for, refused before any request.

SendMessage: the content rules of :mod:`~.service_limits` (SendMessage's content types,
16,384 UTF-8 bytes for every type) raise :class:`~.errors.MessageContentError` from a
``before-parameter-build.connectparticipant.SendMessage`` handler. Only what the service
documents for every contact is checked here; a content type the contact did not declare in
``SupportedMessagingContentTypes`` is left to the service (the client does not know the list).

SendEvent: its retired content type.

The model says ``application/vnd.amazonaws.connect.event.connection.acknowledged`` "is no
longer maintained since December 31, 2024"; CreateParticipantConnection's
``ConnectParticipant=true`` does its job. This package never sends it; a caller who asks
for it gets :class:`~.errors.RetiredEventError` naming the replacement, raised from a
``before-parameter-build.connectparticipant.SendEvent`` handler (so before botocore
serialises or sends anything).

Examples
--------
>>> refuse_retired_event({"ContentType": "application/vnd.amazonaws.connect.event.typing"})
>>> refuse_retired_event({"ContentType": CONNECTION_ACKNOWLEDGED})
Traceback (most recent call last):
...
boto3_connectparticipant_ext.errors.RetiredEventError: SendEvent no longer takes \
application/vnd.amazonaws.connect.event.connection.acknowledged (retired by the service); \
call CreateParticipantConnection with ConnectParticipant=True instead
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import MessageContentError, RetiredEventError
from .service_limits import message_content_problem

CONNECTION_ACKNOWLEDGED = "application/vnd.amazonaws.connect.event.connection.acknowledged"
#: The botocore event the handler is registered on.
SEND_EVENT_HOOK = "before-parameter-build.connectparticipant.SendEvent"
HANDLER_ID = "boto3_connectparticipant_ext.refuse_retired_event"
SEND_MESSAGE_HOOK = "before-parameter-build.connectparticipant.SendMessage"
MESSAGE_HANDLER_ID = "boto3_connectparticipant_ext.check_message_content"


def refuse_retired_event(params: Mapping[str, Any], **_: Any) -> None:
    """A botocore handler: raise :class:`RetiredEventError` for ``connection.acknowledged``."""
    if isinstance(params, Mapping) and params.get("ContentType") == CONNECTION_ACKNOWLEDGED:
        raise RetiredEventError(
            f"SendEvent no longer takes {CONNECTION_ACKNOWLEDGED} (retired by the service); "
            "call CreateParticipantConnection with ConnectParticipant=True instead"
        )


def check_message_content(params: Mapping[str, Any], **_: Any) -> None:
    """A botocore handler: raise :class:`MessageContentError` for content SendMessage refuses.

    Examples
    --------
    >>> check_message_content({"ContentType": "text/plain", "Content": "x" * 2000})
    >>> check_message_content({"ContentType": "text/plain", "Content": "x" * 16385})
    Traceback (most recent call last):
    ...
    boto3_connectparticipant_ext.errors.MessageContentError: Content is 16385 bytes in UTF-8; \
SendMessage takes at most 16384 bytes
    """
    if not isinstance(params, Mapping):
        return
    content_type, content = params.get("ContentType"), params.get("Content")
    # Wrong types and missing members are botocore's to report (ParamValidationError).
    if isinstance(content_type, str) and isinstance(content, str):
        problem = message_content_problem(content_type, content)
        if problem is not None:
            raise MessageContentError(problem)


def register(events: Any) -> None:
    """Register the handlers on a client's (``client.meta.events``) or a session's emitter."""
    events.register(SEND_EVENT_HOOK, refuse_retired_event, unique_id=HANDLER_ID)
    events.register(SEND_MESSAGE_HOOK, check_message_content, unique_id=MESSAGE_HANDLER_ID)


def unregister(events: Any) -> None:
    """Remove what :func:`register` added."""
    events.unregister(SEND_EVENT_HOOK, unique_id=HANDLER_ID)
    events.unregister(SEND_MESSAGE_HOOK, unique_id=MESSAGE_HANDLER_ID)


__all__ = [
    "CONNECTION_ACKNOWLEDGED",
    "check_message_content",
    "refuse_retired_event",
    "register",
    "unregister",
]
