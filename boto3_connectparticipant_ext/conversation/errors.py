"""Errors of conversation testing: starting a chat and failed expectations.

Every class derives from :class:`ConversationError`, itself a
:class:`~boto3_connectparticipant_ext.errors.ConnectParticipantExtError`.
Messages never contain a token or a presigned URL.

Examples
--------
>>> issubclass(ExpectationFailed, AssertionError)
True
>>> issubclass(ChatQuotaExceededError, StartChatError)
True
"""

from __future__ import annotations

from typing import Optional

from ..errors import ConnectParticipantExtError


class ConversationError(ConnectParticipantExtError):
    """Base class of every error of the conversation package."""


class ConversationArgumentError(ConversationError, ValueError):
    """An argument is invalid (raised before any network call)."""


class StartChatError(ConversationError):
    """StartChatContact (or the participant's first connection) was refused.

    ``code`` is the service's error code (``None`` when the failure was local).
    """

    def __init__(self, message: str, *, code: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code


class ChatQuotaExceededError(StartChatError):
    """A quota was reached (LimitExceededException / ServiceQuotaExceededException):
    too many concurrent chats for the instance, for example."""


class ChatThrottledError(StartChatError):
    """The call was throttled (ThrottlingException / TooManyRequestsException) after
    botocore's own retries."""


class ChatResourceNotFoundError(StartChatError, LookupError):
    """The instance, the contact flow or the contact to continue from does not exist."""


class ChatAccessDeniedError(StartChatError, PermissionError):
    """The AWS credentials may not start a chat on this instance."""


class ExpectationFailed(ConversationError, AssertionError):
    """An expectation of a conversation test was not met.

    The message shows what was expected and the last items of the conversation
    (roles, times, contents; tokens and presigned URLs redacted).
    ``expected`` is the short description of the expectation.
    """

    def __init__(self, message: str, *, expected: str = "") -> None:
        super().__init__(message)
        self.expected = expected


__all__ = [
    "ChatAccessDeniedError",
    "ChatQuotaExceededError",
    "ChatResourceNotFoundError",
    "ChatThrottledError",
    "ConversationArgumentError",
    "ConversationError",
    "ExpectationFailed",
    "StartChatError",
]
