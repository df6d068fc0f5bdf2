"""Errors raised by chat sessions.

Every class derives from :class:`ChatError` (defined in ``errors.py``), itself a
:class:`~boto3_connectparticipant_ext.errors.ConnectParticipantExtError`.
Messages never contain a token or a websocket URL. :class:`ChatEndedError` is the
package's one chat-ended class (also ``transfer.ChatEndedError``).

Examples
--------
>>> from boto3_connectparticipant_ext.chat.errors import ChatEndedError, ChatError
>>> issubclass(ChatEndedError, ChatError)
True
"""

from __future__ import annotations

from ..errors import ChatEndedError, ChatError

__all__ = [
    "ChatArgumentError",
    "ChatConfigError",
    "ChatConnectionError",
    "ChatEndedError",
    "ChatError",
    "ChatNotConnectedError",
    "ChatUsageError",
    "MessageRefusedError",
    "MissingDependencyError",
    "SessionStateError",
]


class ChatConfigError(ChatError, ValueError):
    """An argument or a :class:`~.config.ChatConfig` value is invalid (raised before any call)."""


class ChatArgumentError(ChatConfigError, TypeError):
    """An argument has the wrong type (for example ``websocket="no"`` or ``config=5``).

    Also a :class:`ChatConfigError` (and so a ``ValueError``) and a ``TypeError``;
    raised before any call. The message names the argument and the type given,
    never its value.
    """


class MessageRefusedError(ChatError, ValueError):
    """The service refused a message with a ValidationException (for example a content
    type the contact does not list in its ``SupportedMessagingContentTypes``, which only
    the service knows). ``code`` is the service's error code, ``service_message`` its
    (redacted) text; the botocore error is the ``__cause__``."""

    def __init__(self, message: str, *, code: str = "", service_message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.service_message = service_message


class ChatUsageError(ChatError, RuntimeError):
    """The session was used in a way its contract forbids (for example both
    ``events()`` and ``on()`` callbacks as consumers)."""


class ChatNotConnectedError(ChatError, RuntimeError):
    """The operation needs a connected session (call ``connect()`` or use ``with``)."""


class ChatConnectionError(ChatError, ConnectionError):
    """The websocket could not be opened, subscribed or kept (reconnects exhausted)."""


class SessionStateError(ChatError, ValueError):
    """A saved :class:`~.state.SessionState` is malformed or from an unknown version."""


class MissingDependencyError(ChatError, ImportError):
    """The ``chat`` extra (the ``websockets`` library) is not installed."""
