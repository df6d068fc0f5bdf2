"""The root of every error this package raises."""

from __future__ import annotations


class ConnectParticipantExtError(Exception):
    """Base class of every error raised by boto3-connectparticipant-ext.

    Messages never contain a bearer token, a ConnectionToken or a presigned URL.

    Examples
    --------
    >>> try:
    ...     raise ConnectParticipantExtError("something went wrong")
    ... except ConnectParticipantExtError as error:
    ...     print(error)
    something went wrong
    """


class WrongClientError(ConnectParticipantExtError, TypeError):
    """A function that needs a ``connectparticipant`` client was given something else."""


class InvalidTokenError(ConnectParticipantExtError, ValueError):
    """A token argument is not a non-empty string (the message never shows its value)."""


class IncompleteResponseError(ConnectParticipantExtError):
    """The service's answer ended before its declared ``Content-Length``.

    botocore reads response bodies without enforcing their length, so a
    connection cut mid-body would otherwise parse as an empty, successful
    answer. Retrying the call is safe: mutating operations carry an
    idempotency token.
    """

    def __init__(self, *, operation: str, received: int, expected: int) -> None:
        super().__init__(
            f"{operation}: the response body ended after {received} of {expected} bytes"
        )
        self.operation = operation
        self.received = received
        self.expected = expected


class ChatError(ConnectParticipantExtError):
    """Base class of every chat-session error (re-exported by ``chat.errors``)."""


class TransferError(ConnectParticipantExtError):
    """Base class of every attachment-transfer error (re-exported by ``transfer.errors``)."""


class ChatEndedError(ChatError, TransferError, RuntimeError):
    """The chat has ended (or its ConnectionToken is no longer accepted).

    One class, defined here only: ``chat.ChatEndedError``,
    ``transfer.ChatEndedError`` and ``boto3_connectparticipant_ext.ChatEndedError``
    are this same object, so any of the three ``except`` clauses catches it
    wherever it was raised (a chat session or an attachment helper). It is a
    :class:`ChatError` and a :class:`TransferError` (both families stop for the
    same reason), and a ``RuntimeError`` as chat sessions always documented.

    Examples
    --------
    >>> from boto3_connectparticipant_ext import chat, transfer
    >>> chat.ChatEndedError is transfer.ChatEndedError is ChatEndedError
    True
    """


class MessageContentError(ConnectParticipantExtError, ValueError):
    """SendMessage content the service refuses: a ``ContentType`` SendMessage does not take, or
    ``Content`` over 16,384 UTF-8 bytes (``service_limits.message_content_problem``). Raised by
    every connectparticipant client while installed, before any request. Chat sessions raise
    their documented ``ChatConfigError`` for the same rule."""


class RetiredEventError(ConnectParticipantExtError, ValueError):
    """SendEvent was asked for ``application/vnd.amazonaws.connect.event.connection.acknowledged``,
    which the service retired (December 31, 2024): pass ``ConnectParticipant=True`` to
    CreateParticipantConnection instead. Raised before any request."""
