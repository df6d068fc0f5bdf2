"""Errors raised by chat sessions.

Every class derives from :class:`ChatError`, itself a
:class:`~boto3_connectparticipant_ext.errors.ConnectParticipantExtError`.
Messages never contain a token or a websocket URL.

Examples
--------
>>> from boto3_connectparticipant_ext.chat.errors import ChatEndedError, ChatError
>>> issubclass(ChatEndedError, ChatError)
True
"""

from __future__ import annotations

from .. import errors
from ..errors import ConnectParticipantExtError


class ChatError(ConnectParticipantExtError):
    """Base class of every chat-session error."""


class ChatConfigError(ChatError, ValueError):
    """An argument or a :class:`~.config.ChatConfig` value is invalid (raised before any call)."""


class ChatArgumentError(ChatConfigError, TypeError):
    """An argument has the wrong type (for example ``websocket="no"`` or ``config=5``).

    Also a :class:`ChatConfigError` (and so a ``ValueError``) and a ``TypeError``;
    raised before any call. The message names the argument and the type given,
    never its value.
    """


class ChatUsageError(ChatError, RuntimeError):
    """The session was used in a way its contract forbids (for example both
    ``events()`` and ``on()`` callbacks as consumers)."""


class ChatNotConnectedError(ChatError, RuntimeError):
    """The operation needs a connected session (call ``connect()`` or use ``with``)."""


class ChatEndedError(ChatError, errors.ChatEndedError, RuntimeError):
    """The chat has ended: nothing more can be sent."""


class ChatConnectionError(ChatError, ConnectionError):
    """The websocket could not be opened, subscribed or kept (reconnects exhausted)."""


class SessionStateError(ChatError, ValueError):
    """A saved :class:`~.state.SessionState` is malformed or from an unknown version."""


class MissingDependencyError(ChatError, ImportError):
    """The ``chat`` extra (the ``websockets`` library) is not installed."""
