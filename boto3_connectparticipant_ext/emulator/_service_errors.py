"""Errors as the services send them: a code, a message and the modeled HTTP status.

Handlers raise :class:`ServiceError`; the server turns it into the
``x-amzn-ErrorType`` header and a ``{"Message": ...}`` body.

Examples
--------
>>> error = access_denied()
>>> (error.code, error.status)
('AccessDeniedException', 403)
"""

from __future__ import annotations

from typing import Any, Optional

#: HTTP status of every error code the participant and Connect models declare.
STATUS_BY_CODE: dict[str, int] = {
    "AccessDeniedException": 403,
    "ValidationException": 400,
    "ThrottlingException": 429,
    "ServiceQuotaExceededException": 402,
    "ConflictException": 409,
    "ResourceNotFoundException": 404,
    "InternalServerException": 500,
    "InvalidRequestException": 400,
    "InvalidParameterException": 400,
    "InternalServiceException": 500,
    "LimitExceededException": 429,
    "ContactNotFoundException": 410,
    "MissingAuthenticationTokenException": 403,
    "RequestEntityTooLargeException": 413,
    "SerializationException": 400,
    "UnsupportedOperationException": 400,
}

ACCESS_DENIED_MESSAGE = "You do not have sufficient access to perform this action."


class ServiceError(Exception):
    """An error answer of the emulated service."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: Optional[int] = None,
        extra: Optional[dict[str, Any]] = None,
        message_key: str = "Message",
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status if status is not None else STATUS_BY_CODE.get(code, 400)
        self.extra = dict(extra or {})
        self.message_key = message_key

    def body(self) -> dict[str, Any]:
        return {self.message_key: self.message, **self.extra}


def access_denied(message: str = ACCESS_DENIED_MESSAGE) -> ServiceError:
    return ServiceError("AccessDeniedException", message)


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def conflict(message: str) -> ServiceError:
    return ServiceError("ConflictException", message)


def quota_exceeded(message: str) -> ServiceError:
    return ServiceError("ServiceQuotaExceededException", message)


def missing_authentication_token() -> ServiceError:
    # API Gateway's answer for a route it does not know (lower-case "message").
    return ServiceError(
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
        message_key="message",
    )
