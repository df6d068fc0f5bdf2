"""What the service's answers mean to a session: refusals, unknown items, websocket URLs.

Examples
--------
>>> from botocore.exceptions import ClientError
>>> refused = ClientError({"Error": {"Code": "AccessDeniedException"}}, "SendMessage")
>>> is_access_denied(refused), is_validation_error(refused)
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..redact import redact_text
from .errors import ChatConnectionError, MessageRefusedError

_ACCESS_DENIED_CODES = ("AccessDeniedException", "AccessDenied", "Forbidden")
_UNKNOWN_INPUT_CODES = ("ValidationException", "ResourceNotFoundException")


def _error_response(error: BaseException) -> Mapping[str, Any]:
    response = getattr(error, "response", None)
    return response if isinstance(response, Mapping) else {}


def is_access_denied(error: BaseException) -> bool:
    """A 403: the token is expired or revoked, or the chat has ended."""
    response = _error_response(error)
    code = (response.get("Error") or {}).get("Code")
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    return code in _ACCESS_DENIED_CODES or status == 403


def is_validation_error(error: BaseException) -> bool:
    """The service refused the input (for a gap fill: it does not know the anchor item)."""
    code = (_error_response(error).get("Error") or {}).get("Code")
    return code in _UNKNOWN_INPUT_CODES


def message_refused(error: BaseException) -> Optional[MessageRefusedError]:
    """The typed error for a SendMessage the service refused as invalid, else ``None``.

    Only the service knows some rules (the contact's ``SupportedMessagingContentTypes``,
    a channel's own limits); its ValidationException becomes a
    :class:`~.errors.MessageRefusedError` so callers catch one documented type.
    """
    details = _error_response(error).get("Error") or {}
    if details.get("Code") != "ValidationException":
        return None
    text = redact_text(str(details.get("Message") or ""))
    return MessageRefusedError(
        f"the service refused the message: {text or 'ValidationException'}",
        code="ValidationException",
        service_message=text,
    )


def websocket_url(response: Mapping[str, Any]) -> str:
    """The websocket URL of a CreateParticipantConnection answer."""
    websocket = response.get("Websocket")
    url = websocket.get("Url") if isinstance(websocket, Mapping) else None
    if not url:
        raise ChatConnectionError("CreateParticipantConnection returned no websocket URL")
    return str(url)


__all__ = ["is_access_denied", "is_validation_error", "message_refused", "websocket_url"]
