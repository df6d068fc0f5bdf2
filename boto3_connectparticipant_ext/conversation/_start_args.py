"""StartChatContact's request, checked before any call, and what its refusals mean.

The checks are those of the Connect API reference (lengths, ranges, enums, the content types
``SupportedMessagingContentTypes`` may list); nothing stricter. Anything the reference leaves
open (an attribute's value length, a flow id's format) is left to the service.

Examples
--------
>>> params = start_chat_params(instance_id="i-1", contact_flow_id="f-1", display_name="Ann")
>>> params["ParticipantDetails"], params["SupportedMessagingContentTypes"][:2]
({'DisplayName': 'Ann'}, ['text/plain', 'text/markdown'])
>>> try:
...     start_chat_params(instance_id="", contact_flow_id="f", display_name="Ann")
... except ConversationArgumentError as error:
...     print(error)
instance_id must be a string of 1 to 100 characters
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Optional

from ..redact import describe_error
from ..service_limits import (
    INTERACTIVE_CONTENT_TYPE,
    INTERACTIVE_RESPONSE_CONTENT_TYPE,
    REQUIRED_MESSAGING_CONTENT_TYPE,
    SUPPORTED_MESSAGING_CONTENT_TYPES,
    message_content_problem,
)
from .errors import (
    ChatAccessDeniedError,
    ChatQuotaExceededError,
    ChatResourceNotFoundError,
    ChatThrottledError,
    ConversationArgumentError,
    StartChatError,
)

#: What :func:`start_chat` asks for when the caller names nothing: without the interactive
#: types a flow's list pickers reach the customer as plain text.
DEFAULT_CONTENT_TYPES: tuple[str, ...] = (
    "text/plain",
    "text/markdown",
    INTERACTIVE_CONTENT_TYPE,
    INTERACTIVE_RESPONSE_CONTENT_TYPE,
)
REHYDRATION_TYPES = ("ENTIRE_PAST_SESSION", "FROM_SEGMENT")
CHAT_DURATION_MINUTES = (60, 10080)

_QUOTA_CODES = ("LimitExceededException", "ServiceQuotaExceededException")
_THROTTLE_CODES = ("ThrottlingException", "TooManyRequestsException", "Throttling")
_NOT_FOUND_CODES = ("ResourceNotFoundException", "ContactNotFoundException")
_DENIED_CODES = ("AccessDeniedException", "AccessDenied", "UnauthorizedException")


def _text(value: object, name: str, low: int, high: int) -> str:
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise ConversationArgumentError(f"{name} must be a string of {low} to {high} characters")
    return value


def _attributes(attributes: Optional[Mapping[str, str]]) -> Optional[dict[str, str]]:
    if attributes is None:
        return None
    if not isinstance(attributes, Mapping):
        raise ConversationArgumentError("attributes must be a mapping of strings to strings")
    for key, value in attributes.items():
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise ConversationArgumentError(
                f"attributes must map non-empty strings to strings (attribute {key!r} is not one)"
            )
    return dict(attributes)


def _content_types(types: Optional[Sequence[str]]) -> list[str]:
    if types is None:
        return list(DEFAULT_CONTENT_TYPES)
    if isinstance(types, str) or not isinstance(types, Sequence):
        raise ConversationArgumentError("content_types must be a list of content type strings")
    unknown = [t for t in types if t not in SUPPORTED_MESSAGING_CONTENT_TYPES]
    if unknown:
        allowed = ", ".join(sorted(SUPPORTED_MESSAGING_CONTENT_TYPES))
        raise ConversationArgumentError(
            f"content_types: {unknown[0]!r} is not one StartChatContact takes ({allowed})"
        )
    if REQUIRED_MESSAGING_CONTENT_TYPE not in types:
        raise ConversationArgumentError(
            f"content_types must include {REQUIRED_MESSAGING_CONTENT_TYPE} "
            "(the service requires it)"
        )
    return list(types)


def start_chat_params(
    *,
    instance_id: str,
    contact_flow_id: str,
    display_name: str,
    attributes: Optional[Mapping[str, str]] = None,
    initial_message: Optional[str] = None,
    content_types: Optional[Sequence[str]] = None,
    continue_from: Optional[str] = None,
    rehydration_type: str = "ENTIRE_PAST_SESSION",
    chat_duration_minutes: Optional[int] = None,
    related_contact_id: Optional[str] = None,
    client_token: Optional[str] = None,
) -> dict[str, Any]:
    """The StartChatContact parameters, every argument checked (no call is made)."""
    params: dict[str, Any] = {
        "InstanceId": _text(instance_id, "instance_id", 1, 100),
        "ContactFlowId": _text(contact_flow_id, "contact_flow_id", 1, 500),
        "ParticipantDetails": {"DisplayName": _text(display_name, "display_name", 1, 256)},
        "SupportedMessagingContentTypes": _content_types(content_types),
    }
    checked = _attributes(attributes)
    if checked is not None:
        params["Attributes"] = checked
    if initial_message is not None:
        if not isinstance(initial_message, str) or not initial_message:
            raise ConversationArgumentError("initial_message must be a non-empty string")
        problem = message_content_problem("text/plain", initial_message)
        if problem:
            raise ConversationArgumentError(f"initial_message: {problem}")
        params["InitialMessage"] = {"ContentType": "text/plain", "Content": initial_message}
    if continue_from is not None:
        if rehydration_type not in REHYDRATION_TYPES:
            raise ConversationArgumentError(
                f"rehydration_type must be one of {', '.join(REHYDRATION_TYPES)}"
            )
        params["PersistentChat"] = {
            "RehydrationType": rehydration_type,
            "SourceContactId": _text(continue_from, "continue_from", 1, 256),
        }
    if chat_duration_minutes is not None:
        low, high = CHAT_DURATION_MINUTES
        if (
            isinstance(chat_duration_minutes, bool)
            or not isinstance(chat_duration_minutes, int)
            or not low <= chat_duration_minutes <= high
        ):
            raise ConversationArgumentError(
                f"chat_duration_minutes must be a whole number from {low} to {high}"
            )
        params["ChatDurationInMinutes"] = chat_duration_minutes
    if related_contact_id is not None:
        params["RelatedContactId"] = _text(related_contact_id, "related_contact_id", 1, 256)
    if client_token is not None:
        params["ClientToken"] = _text(client_token, "client_token", 1, 500)
    return params


def error_code(error: BaseException) -> Optional[str]:
    """The service's error code of a botocore ``ClientError`` (``None`` otherwise)."""
    response = getattr(error, "response", None)
    if not isinstance(response, Mapping):
        return None
    code = (response.get("Error") or {}).get("Code")
    return None if code is None else str(code)


def start_error(error: BaseException, operation: str) -> StartChatError:
    """The typed error for a refused StartChatContact (message redacted).

    Examples
    --------
    >>> from botocore.exceptions import ClientError
    >>> refused = ClientError({"Error": {"Code": "LimitExceededException",
    ...                                  "Message": "too many chats"}}, "StartChatContact")
    >>> error = start_error(refused, "StartChatContact")
    >>> type(error).__name__, error.code
    ('ChatQuotaExceededError', 'LimitExceededException')
    """
    code = error_code(error)
    text = f"{operation} failed: {describe_error(error)}"
    if code in _QUOTA_CODES:
        return ChatQuotaExceededError(text, code=code)
    if code in _THROTTLE_CODES:
        return ChatThrottledError(text, code=code)
    if code in _NOT_FOUND_CODES:
        return ChatResourceNotFoundError(text, code=code)
    if code in _DENIED_CODES:
        return ChatAccessDeniedError(text, code=code)
    return StartChatError(text, code=code)


def is_denied(error: BaseException) -> bool:
    return error_code(error) in _DENIED_CODES


def is_not_found(error: BaseException) -> bool:
    return error_code(error) in _NOT_FOUND_CODES
