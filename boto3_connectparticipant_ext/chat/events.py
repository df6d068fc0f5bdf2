"""Typed chat events, built from websocket or transcript items.

Every item the service pushes (``Type`` MESSAGE, EVENT, ATTACHMENT or
MESSAGEMETADATA) becomes one event class; the session adds connection events
of its own. Every event keeps the item it came from in ``raw`` (``None`` for
the session's own connection events).

Examples
--------
>>> event = event_from_item({
...     "Id": "m-1", "Type": "MESSAGE", "ContentType": "text/plain", "Content": "hi",
...     "ParticipantId": "p-1", "ParticipantRole": "AGENT", "DisplayName": "Ann",
... })
>>> type(event).__name__, event.kind, event.content, event.participant_role
('MessageEvent', 'message', 'hi', 'AGENT')
>>> event_from_item({"Id": "e-1", "Type": "EVENT",
...     "ContentType": "application/vnd.amazonaws.connect.event.chat.ended"}).kind
'chat.ended'
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Optional, TypeVar

from ._frozen import blank, check
from ._stitch import WAIT, chunk_number, decide, is_completed

EVENT_PREFIX = "application/vnd.amazonaws.connect.event."

_E = TypeVar("_E", bound="ItemEvent")

__all__ = [
    "Attachment",
    "AttachmentEvent",
    "AuthenticationEvent",
    "ChatEndedEvent",
    "ChatEvent",
    "ChatRehydratedEvent",
    "ConnectionEstablishedEvent",
    "ConnectionLostEvent",
    "ConnectionReestablishedEvent",
    "DeepHeartbeatFailedEvent",
    "DeliveredReceiptEvent",
    "ItemEvent",
    "MessageEvent",
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
    "TransferFailedEvent",
    "TransferSucceededEvent",
    "TypingEvent",
    "event_from_item",
    "is_stream_chunk",
]


@dataclasses.dataclass(frozen=True)
class ChatEvent:
    """Base class of every event a session yields.

    ``kind`` is a short, stable name (``"message"``, ``"typing"``,
    ``"participant.joined"``, ``"connection.lost"`` ...) usable with
    ``session.on(kind, callback)``.
    """

    kind: ClassVar[str] = "event"
    raw: Optional[Mapping[str, Any]] = dataclasses.field(default=None, repr=False, compare=False)


@dataclasses.dataclass(frozen=True)
class ItemEvent(ChatEvent):
    """An event made from a chat item (websocket frame or transcript entry)."""

    id: Optional[str] = None
    type: Optional[str] = None
    content_type: Optional[str] = None
    absolute_time: Optional[str] = None
    participant_id: Optional[str] = None
    participant_role: Optional[str] = None
    display_name: Optional[str] = None
    contact_id: Optional[str] = None
    #: The contact a rehydrated (persistent chat) item came from; ``None`` for this chat's own.
    related_contact_id: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class MessageEvent(ItemEvent):
    """A chat message. A bot's streamed chunks arrive as ONE message (see ``_stitch``):
    ``content`` is the whole text, ``chunks`` holds their raw items in ``ChunkNumber``
    order, and ``complete`` is ``False`` only for a delta-streamed message released
    with a chunk still missing after a bounded wait."""

    kind: ClassVar[str] = "message"
    content: str = ""
    chunks: tuple[Mapping[str, Any], ...] = dataclasses.field(default=(), repr=False)
    complete: bool = True


@dataclasses.dataclass(frozen=True)
class Attachment:
    """One attachment of an :class:`AttachmentEvent`; ``status`` is the scan status."""

    attachment_id: Optional[str]
    name: Optional[str]
    content_type: Optional[str]
    status: Optional[str]


@dataclasses.dataclass(frozen=True)
class AttachmentEvent(ItemEvent):
    """Attachments were sent; ``status`` is the first attachment's scan status
    (IN_PROGRESS, APPROVED or REJECTED)."""

    kind: ClassVar[str] = "attachment"
    attachments: tuple[Attachment, ...] = ()

    @property
    def status(self) -> Optional[str]:
        return self.attachments[0].status if self.attachments else None


@dataclasses.dataclass(frozen=True)
class TypingEvent(ItemEvent):
    """A participant is typing. ``expires_at`` (epoch seconds, set by a live session for
    the other side's typing) is when the indicator lapses unless they type again."""

    kind: ClassVar[str] = "typing"
    expires_at: Optional[float] = None


@dataclasses.dataclass(frozen=True)
class Receipt:
    """One recipient's receipt of a message."""

    recipient_participant_id: Optional[str]
    delivered_timestamp: Optional[str]
    read_timestamp: Optional[str]


@dataclasses.dataclass(frozen=True)
class ReceiptEvent(ItemEvent):
    """A receipt for ``message_id`` (base of read and delivered receipts)."""

    kind: ClassVar[str] = "receipt"
    message_id: Optional[str] = None
    receipts: tuple[Receipt, ...] = ()


@dataclasses.dataclass(frozen=True)
class ReadReceiptEvent(ReceiptEvent):
    """``message_id`` was read."""

    kind: ClassVar[str] = "receipt.read"


@dataclasses.dataclass(frozen=True)
class DeliveredReceiptEvent(ReceiptEvent):
    """``message_id`` was delivered."""

    kind: ClassVar[str] = "receipt.delivered"


@dataclasses.dataclass(frozen=True)
class ParticipantEvent(ItemEvent):
    """Base of the participant lifecycle events."""

    kind: ClassVar[str] = "participant"


@dataclasses.dataclass(frozen=True)
class ParticipantJoinedEvent(ParticipantEvent):
    kind: ClassVar[str] = "participant.joined"


@dataclasses.dataclass(frozen=True)
class ParticipantLeftEvent(ParticipantEvent):
    kind: ClassVar[str] = "participant.left"


@dataclasses.dataclass(frozen=True)
class ParticipantIdleEvent(ParticipantEvent):
    kind: ClassVar[str] = "participant.idle"


@dataclasses.dataclass(frozen=True)
class ParticipantReturnedEvent(ParticipantEvent):
    kind: ClassVar[str] = "participant.returned"


@dataclasses.dataclass(frozen=True)
class ParticipantActiveEvent(ParticipantEvent):
    """The participant is active again in a persistent (asynchronous) chat."""

    kind: ClassVar[str] = "participant.active"


@dataclasses.dataclass(frozen=True)
class ParticipantInactiveEvent(ParticipantEvent):
    """The participant went inactive (for example left a persistent chat's page)."""

    kind: ClassVar[str] = "participant.inactive"


@dataclasses.dataclass(frozen=True)
class ParticipantInvitedEvent(ParticipantEvent):
    kind: ClassVar[str] = "participant.invited"


@dataclasses.dataclass(frozen=True)
class ParticipantAutoDisconnectedEvent(ParticipantEvent):
    kind: ClassVar[str] = "participant.autodisconnection"


@dataclasses.dataclass(frozen=True)
class ParticipantDisplayNameUpdatedEvent(ParticipantEvent):
    kind: ClassVar[str] = "participant.displayname.updated"


@dataclasses.dataclass(frozen=True)
class TransferSucceededEvent(ItemEvent):
    kind: ClassVar[str] = "transfer.succeeded"


@dataclasses.dataclass(frozen=True)
class TransferFailedEvent(ItemEvent):
    kind: ClassVar[str] = "transfer.failed"


@dataclasses.dataclass(frozen=True)
class ChatEndedEvent(ItemEvent):
    """The chat ended. ``while_offline`` is true when the session learnt it on a
    reconnect (the service refused the participant token) rather than from an item."""

    kind: ClassVar[str] = "chat.ended"
    while_offline: bool = False


@dataclasses.dataclass(frozen=True)
class ChatRehydratedEvent(ItemEvent):
    kind: ClassVar[str] = "chat.rehydrated"


@dataclasses.dataclass(frozen=True)
class AuthenticationEvent(ItemEvent):
    """An authentication step; ``status`` is initiated, succeeded, failed, timeout,
    expired or cancelled."""

    kind: ClassVar[str] = "authentication"
    status: str = ""


@dataclasses.dataclass(frozen=True)
class OtherEvent(ItemEvent):
    """An item whose content type this version does not know (kept, never dropped)."""

    kind: ClassVar[str] = "other"


@dataclasses.dataclass(frozen=True)
class ConnectionEstablishedEvent(ChatEvent):
    """The websocket is open and subscribed (first connect of this session)."""

    kind: ClassVar[str] = "connection.established"


@dataclasses.dataclass(frozen=True)
class ConnectionLostEvent(ChatEvent):
    """The websocket was lost; the session is reconnecting. ``reason`` is redacted text."""

    kind: ClassVar[str] = "connection.lost"
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class ConnectionReestablishedEvent(ChatEvent):
    """A new websocket replaced a lost one; ``gap_filled`` items came from the transcript."""

    kind: ClassVar[str] = "connection.reestablished"
    attempts: int = 1
    gap_filled: int = 0


@dataclasses.dataclass(frozen=True)
class DeepHeartbeatFailedEvent(ChatEvent):
    """A deep ping (``aws/ping``) failed or went unanswered."""

    kind: ClassVar[str] = "deep_heartbeat.failed"
    reason: str = ""


_EVENT_CLASSES: dict[str, type[ItemEvent]] = {
    "typing": TypingEvent,
    "participant.joined": ParticipantJoinedEvent,
    "participant.left": ParticipantLeftEvent,
    "participant.idle": ParticipantIdleEvent,
    "participant.returned": ParticipantReturnedEvent,
    "participant.active": ParticipantActiveEvent,
    "participant.inactive": ParticipantInactiveEvent,
    "participant.invited": ParticipantInvitedEvent,
    "participant.autodisconnection": ParticipantAutoDisconnectedEvent,
    "participant.displayname.updated": ParticipantDisplayNameUpdatedEvent,
    "transfer.succeeded": TransferSucceededEvent,
    "transfer.failed": TransferFailedEvent,
    "chat.ended": ChatEndedEvent,
    "chat.rehydrated": ChatRehydratedEvent,
}
_RECEIPT_CONTENT_TYPES = {
    "message.read": ReadReceiptEvent,
    "message.delivered": DeliveredReceiptEvent,
}


def is_stream_chunk(item: Mapping[str, Any]) -> bool:
    """Tell whether ``item`` is one chunk of a streamed bot message.

    Examples
    --------
    >>> is_stream_chunk({"Type": "MESSAGE", "ParticipantRole": "SYSTEM",
    ...                  "MessageMetadata": {"ChunkNumber": 1, "MessageCompleted": False}})
    True
    >>> is_stream_chunk({"Type": "MESSAGE", "ParticipantRole": "AGENT"})
    False
    """
    metadata = item.get("MessageMetadata")
    return (
        metadata is not None  # the common case, answered without an ABC check
        and item.get("Type") == "MESSAGE"
        and isinstance(metadata, Mapping)
        and ("ChunkNumber" in metadata or "MessageCompleted" in metadata)
    )


def event_from_item(item: Mapping[str, Any]) -> ItemEvent:
    """Build the typed event for one chat item (never raises on unknown content).

    Examples
    --------
    >>> event_from_item({"Type": "EVENT", "ContentType":
    ...     "application/vnd.amazonaws.connect.event.message.read",
    ...     "Content": '{"messageId": "m-9"}'}).message_id
    'm-9'
    """
    item_type = item.get("Type")
    if item_type == "MESSAGE":
        content = item.get("Content")
        text = content if type(content) is str else str(content or "")
        return _item_event(MessageEvent, item, content=text)
    if item_type == "ATTACHMENT":
        return _item_event(AttachmentEvent, item, attachments=_attachments(item))
    if item_type == "MESSAGEMETADATA":
        return _receipt_from_metadata(item)
    content_type = str(item.get("ContentType") or "")
    if content_type.startswith(EVENT_PREFIX):
        name = content_type[len(EVENT_PREFIX) :]
        if name in _RECEIPT_CONTENT_TYPES:
            cls = _RECEIPT_CONTENT_TYPES[name]
            return _item_event(cls, item, message_id=_content_message_id(item))
        if name.startswith("authentication."):
            return _item_event(AuthenticationEvent, item, status=name[len("authentication.") :])
        if name in _EVENT_CLASSES:
            return _item_event(_EVENT_CLASSES[name], item)
    return _item_event(OtherEvent, item)


def stitch_chunks(chunks: Iterable[Mapping[str, Any]]) -> MessageEvent:
    """One message from the chunks of a streamed message (the rule: ``_stitch.decide``).

    The item with ``MessageCompleted: true`` carries the whole message (as the
    service sends it); where it holds only the last piece, the chunks are joined in
    ``ChunkNumber`` order. Without a completed item, or with a gap in a delta stream,
    the chunks are joined and the message is ``complete=False``.

    Examples
    --------
    >>> def chunk(n, text, done=False):
    ...     return {"Id": "b", "Type": "MESSAGE", "Content": text,
    ...             "MessageMetadata": {"ChunkNumber": n, "MessageCompleted": done}}
    >>> stitch_chunks([chunk(2, "lo "), chunk(1, "Hel"), chunk(3, "Hello you", True)]).content
    'Hello you'
    >>> stitch_chunks([chunk(2, "lo "), chunk(1, "Hel"), chunk(3, "you", True)]).content
    'Hello you'
    """
    ordered = sorted(chunks, key=chunk_number)
    completed = [chunk for chunk in ordered if is_completed(chunk)]
    if completed:
        last = completed[0]
        earlier = {chunk_number(chunk): chunk for chunk in ordered if chunk is not last}
        mode, content = decide(earlier, last)
        complete = mode != WAIT
    else:
        last = ordered[-1]
        content = "".join(str(chunk.get("Content") or "") for chunk in ordered)
        complete = False
    return _item_event(
        MessageEvent, last, content=content, chunks=tuple(ordered), complete=complete
    )


# Item keys copied (as text) into every ItemEvent, by field name.
_COMMON_KEYS = (
    ("id", "Id"),
    ("type", "Type"),
    ("content_type", "ContentType"),
    ("absolute_time", "AbsoluteTime"),
    ("participant_id", "ParticipantId"),
    ("participant_role", "ParticipantRole"),
    ("display_name", "DisplayName"),
    ("related_contact_id", "RelatedContactId"),
)


def _item_event(cls: type[_E], item: Mapping[str, Any], **fields: Any) -> _E:
    """``cls(raw=item, **fields)`` plus the item's common fields as text (``_frozen``)."""
    event = blank(cls)
    values = vars(event)
    get = item.get
    for name, key in _COMMON_KEYS:
        value = get(key)
        values[name] = value if value is None or type(value) is str else str(value)
    contact = get("ContactId") or get("InitialContactId")
    values["contact_id"] = contact if contact is None or type(contact) is str else str(contact)
    values["raw"] = item
    if fields:
        values.update(fields)
        check(event)
    return event


def _attachments(item: Mapping[str, Any]) -> tuple[Attachment, ...]:
    found = item.get("Attachments")
    if not isinstance(found, list):
        return ()
    return tuple(
        Attachment(
            attachment_id=entry.get("AttachmentId"),
            name=entry.get("AttachmentName"),
            content_type=entry.get("ContentType"),
            status=entry.get("Status"),
        )
        for entry in found
        if isinstance(entry, Mapping)
    )


def _receipt_from_metadata(item: Mapping[str, Any]) -> ItemEvent:
    metadata = item.get("MessageMetadata")
    if not isinstance(metadata, Mapping):
        return _item_event(OtherEvent, item)
    receipts = tuple(
        Receipt(
            recipient_participant_id=entry.get("RecipientParticipantId"),
            delivered_timestamp=entry.get("DeliveredTimestamp"),
            read_timestamp=entry.get("ReadTimestamp"),
        )
        for entry in metadata.get("Receipts") or ()
        if isinstance(entry, Mapping)
    )
    message_id = metadata.get("MessageId")
    if any(receipt.read_timestamp for receipt in receipts):
        return _item_event(ReadReceiptEvent, item, message_id=message_id, receipts=receipts)
    if any(receipt.delivered_timestamp for receipt in receipts):
        return _item_event(DeliveredReceiptEvent, item, message_id=message_id, receipts=receipts)
    return _item_event(OtherEvent, item)


def _content_message_id(item: Mapping[str, Any]) -> Optional[str]:
    try:
        content = json.loads(str(item.get("Content") or ""))
    except ValueError:
        return None
    if isinstance(content, Mapping):
        value = content.get("messageId") or content.get("MessageId")
        return None if value is None else str(value)
    return None


def event_kinds() -> dict[str, type[ChatEvent]]:
    """Map every ``kind`` name to its event class (for ``session.on(kind, ...)``)."""
    found: dict[str, type[ChatEvent]] = {}
    pending: list[type[ChatEvent]] = [ChatEvent]
    while pending:
        cls = pending.pop()
        found[cls.kind] = cls
        pending.extend(cls.__subclasses__())
    return found
