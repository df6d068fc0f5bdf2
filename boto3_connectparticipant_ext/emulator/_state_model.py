"""The emulated service's records: contacts, participants, grants, attachments, items.

Plain dataclasses and the event content types the state writes; no behaviour
beyond a contact's ARN. :mod:`._state` re-exports every name.

Examples
--------
>>> TYPING
'application/vnd.amazonaws.connect.event.typing'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Optional

from boto3_connectparticipant_ext.emulator._chat_options import EVERY_CONTENT_TYPE
from boto3_connectparticipant_ext.emulator._service_events import EVENT_PREFIX

TYPING = EVENT_PREFIX + "typing"
DELIVERED = EVENT_PREFIX + "message.delivered"
READ = EVENT_PREFIX + "message.read"
JOINED = EVENT_PREFIX + "participant.joined"
LEFT = EVENT_PREFIX + "participant.left"
CHAT_ENDED = EVENT_PREFIX + "chat.ended"
CHAT_REHYDRATED = EVENT_PREFIX + "chat.rehydrated"
CONNECTION_ACKNOWLEDGED = EVENT_PREFIX + "connection.acknowledged"
SENDABLE_EVENTS = frozenset({TYPING, DELIVERED, READ})
"""What SendEvent accepts; ``connection.acknowledged`` only with the config's opt-in."""

ItemListener = Callable[["Contact", dict[str, Any]], None]
ContactListener = Callable[["Contact", Optional["Participant"]], None]
Scheduler = Callable[[float, Callable[[], None]], None]


@dataclasses.dataclass
class Participant:
    participant_id: str
    contact: Contact
    role: str
    display_name: str
    participant_token: str = dataclasses.field(repr=False)  # a secret
    active: bool = True
    connected: bool = False


@dataclasses.dataclass
class ConnectionGrant:
    """A ConnectionToken and whom it speaks for."""

    token: str = dataclasses.field(repr=False)  # a secret
    participant: Participant
    expiry: float


@dataclasses.dataclass
class WebsocketGrant:
    """The secret of one websocket URL; it must be used before ``expiry``."""

    secret: str = dataclasses.field(repr=False)
    participant: Participant
    expiry: float


@dataclasses.dataclass
class TranscriptItem:
    seq: int
    time: float
    data: dict[str, Any]


@dataclasses.dataclass
class Attachment:
    attachment_id: str
    contact: Contact
    participant: Participant
    name: str
    content_type: str
    size: int
    key: str
    headers: dict[str, str]
    upload_expiry: float
    status: str = "PENDING_UPLOAD"
    """PENDING_UPLOAD, then IN_PROGRESS, then APPROVED or REJECTED."""
    item_id: Optional[str] = None
    completed_with: Optional[str] = None


@dataclasses.dataclass
class Contact:
    contact_id: str
    initial_contact_id: str
    instance_id: str
    contact_flow_id: str
    created: float
    channel: str = "CHAT"
    initiation_method: str = "API"
    ended: Optional[float] = None
    related_contact_id: Optional[str] = None
    attributes: dict[str, str] = dataclasses.field(default_factory=dict)
    participants: dict[str, Participant] = dataclasses.field(default_factory=dict)
    items: list[TranscriptItem] = dataclasses.field(default_factory=list)
    item_index: dict[str, int] = dataclasses.field(default_factory=dict)
    attachments_started: int = 0
    streaming: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    streaming_endpoint_arn: Optional[str] = None
    """The last StartContactStreaming ``StreamingEndpointArn`` (delivery uses ``streaming``)."""
    last_time: float = 0.0
    supported_content_types: tuple[str, ...] = EVERY_CONTENT_TYPE
    expires_at: Optional[float] = None
    """When the contact ends by itself (``ChatDurationInMinutes``); ``None``: never."""
    disconnect_on_customer_exit: tuple[str, ...] = ()
    rehydration_type: Optional[str] = None

    @property
    def active(self) -> bool:
        return self.ended is None

    def arn(self, region: str, account_id: str) -> str:
        return (
            f"arn:aws:connect:{region}:{account_id}:instance/{self.instance_id}"
            f"/contact/{self.contact_id}"
        )
