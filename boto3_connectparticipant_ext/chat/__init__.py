"""Chat sessions: a participant's live websocket event stream, sync and asyncio.

:class:`ChatSession` (blocking, thread-safe) and :class:`AsyncChatSession`
(asyncio) connect a participant, keep the websocket alive (heartbeats, deep
pings, reconnects with backoff, make-before-break refresh, ConnectionToken
refresh), fill gaps from the transcript so every item arrives once and in
order, throttle typing and receipts, and save their state for a later resume.
The websocket needs the ``chat`` extra (``websockets``); it is imported only
when a socket is opened.

Examples
--------
>>> from boto3_connectparticipant_ext.chat import ChatSession, MessageEvent
>>> def run(participant_token: str) -> None:
...     with ChatSession(participant_token, region_name="us-east-1") as chat:
...         chat.send_message("Hello")
...         for event in chat.events(timeout=60):
...             if isinstance(event, MessageEvent):
...                 chat.send_read_receipt(event.id)
"""

from __future__ import annotations

from ._typing_expiry import TypingLapsedEvent
from .async_session import AsyncChatSession
from .config import ChatConfig
from .errors import (
    ChatArgumentError,
    ChatConfigError,
    ChatConnectionError,
    ChatEndedError,
    ChatError,
    ChatNotConnectedError,
    ChatUsageError,
    MessageRefusedError,
    MissingDependencyError,
    SessionStateError,
)
from .events import (
    Attachment,
    AttachmentEvent,
    AuthenticationEvent,
    ChatEndedEvent,
    ChatEvent,
    ChatRehydratedEvent,
    ConnectionEstablishedEvent,
    ConnectionLostEvent,
    ConnectionReestablishedEvent,
    DeepHeartbeatFailedEvent,
    DeliveredReceiptEvent,
    ItemEvent,
    MessageEvent,
    OtherEvent,
    ParticipantActiveEvent,
    ParticipantAutoDisconnectedEvent,
    ParticipantDisplayNameUpdatedEvent,
    ParticipantEvent,
    ParticipantIdleEvent,
    ParticipantInactiveEvent,
    ParticipantInvitedEvent,
    ParticipantJoinedEvent,
    ParticipantLeftEvent,
    ParticipantReturnedEvent,
    ReadReceiptEvent,
    Receipt,
    ReceiptEvent,
    TransferFailedEvent,
    TransferSucceededEvent,
    TypingEvent,
    event_from_item,
)
from .sent import SentMessage
from .session import ChatSession
from .state import SessionState

__all__ = [
    "AsyncChatSession",
    "Attachment",
    "AttachmentEvent",
    "AuthenticationEvent",
    "ChatArgumentError",
    "ChatConfig",
    "ChatConfigError",
    "ChatConnectionError",
    "ChatEndedError",
    "ChatEndedEvent",
    "ChatError",
    "ChatEvent",
    "ChatNotConnectedError",
    "ChatRehydratedEvent",
    "ChatSession",
    "ChatUsageError",
    "ConnectionEstablishedEvent",
    "ConnectionLostEvent",
    "ConnectionReestablishedEvent",
    "DeepHeartbeatFailedEvent",
    "DeliveredReceiptEvent",
    "ItemEvent",
    "MessageEvent",
    "MessageRefusedError",
    "MissingDependencyError",
    "OtherEvent",
    "ParticipantActiveEvent",
    "ParticipantAutoDisconnectedEvent",
    "ParticipantDisplayNameUpdatedEvent",
    "ParticipantEvent",
    "ParticipantIdleEvent",
    "ParticipantInactiveEvent",
    "ParticipantInvitedEvent",
    "ParticipantJoinedEvent",
    "ParticipantLeftEvent",
    "ParticipantReturnedEvent",
    "ReadReceiptEvent",
    "Receipt",
    "ReceiptEvent",
    "SentMessage",
    "SessionState",
    "SessionStateError",
    "TransferFailedEvent",
    "TransferSucceededEvent",
    "TypingEvent",
    "TypingLapsedEvent",
    "event_from_item",
]
