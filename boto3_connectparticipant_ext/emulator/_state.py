"""Contacts, participants, tokens and transcripts: the emulated service's memory.

Everything here runs on the server's event-loop thread, so there are no locks.
New transcript items (and the ephemeral ones: typing, receipts) are handed to
every registered listener; the websocket hub is one.

Behaviour chosen where the service documentation is silent:

* a participant's ``participant.joined`` event is written when the participant
  is created (StartChatContact, CreateParticipant), so a fresh chat's transcript
  starts with the customer joining;
* when the customer disconnects the contact ends (``participant.left`` then
  ``chat.ended``); when an agent or bot disconnects only ``participant.left``;
* StopContact writes ``chat.ended`` and closes every socket of the contact;
* AbsoluteTime values of one contact are strictly increasing (at least 1 ms
  apart), so a time-based StartPosition names one item;
* typing events are pushed but not kept; receipts are pushed as
  ``MESSAGEMETADATA`` items and kept as ``MessageMetadata.Receipts`` on the
  message they acknowledge;
* service events written through the control API (idle, transfer...) are
  pushed and kept; a streamed bot message is pushed as chunks and kept as one
  whole message (see :meth:`ChatState.stream_bot_message`).

Examples
--------
>>> from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
>>> state = ChatState(EmulatorConfig())
>>> chat = state.start_chat(display_name="Customer")
>>> [item.data["ContentType"] for item in state.contact(chat["ContactId"]).items]
['application/vnd.amazonaws.connect.event.participant.joined']
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import time
from collections.abc import Callable
from typing import Any, Optional

from boto3_connectparticipant_ext.emulator._ids import (
    iso_timestamp,
    new_id,
    new_secret,
    parse_iso_timestamp,
)
from boto3_connectparticipant_ext.emulator._service_errors import (
    ServiceError,
    access_denied,
    conflict,
    validation,
)
from boto3_connectparticipant_ext.emulator._service_events import EVENT_PREFIX, resolve_event
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError
from boto3_connectparticipant_ext.service_limits import MAX_MESSAGE_CONTENT_BYTES

TYPING = EVENT_PREFIX + "typing"
DELIVERED = EVENT_PREFIX + "message.delivered"
READ = EVENT_PREFIX + "message.read"
JOINED = EVENT_PREFIX + "participant.joined"
LEFT = EVENT_PREFIX + "participant.left"
CHAT_ENDED = EVENT_PREFIX + "chat.ended"
CONNECTION_ACKNOWLEDGED = EVENT_PREFIX + "connection.acknowledged"
SENDABLE_EVENTS = frozenset({TYPING, DELIVERED, READ, CONNECTION_ACKNOWLEDGED})

_LOG = logging.getLogger("boto3_connectparticipant_ext.emulator")

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
    continued_from: Optional[str] = None
    related_contact_id: Optional[str] = None
    attributes: dict[str, str] = dataclasses.field(default_factory=dict)
    participants: dict[str, Participant] = dataclasses.field(default_factory=dict)
    items: list[TranscriptItem] = dataclasses.field(default_factory=list)
    item_index: dict[str, int] = dataclasses.field(default_factory=dict)
    attachments_started: int = 0
    streaming: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    last_time: float = 0.0

    @property
    def active(self) -> bool:
        return self.ended is None

    def arn(self, region: str, account_id: str) -> str:
        return (
            f"arn:aws:connect:{region}:{account_id}:instance/{self.instance_id}"
            f"/contact/{self.contact_id}"
        )


class ChatState:
    """The whole emulated service state."""

    def __init__(
        self,
        config: EmulatorConfig,
        *,
        clock: Callable[[], float] = time.time,
        schedule: Optional[Scheduler] = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self._schedule = schedule
        self.contacts: dict[str, Contact] = {}
        self.attachments: dict[str, Attachment] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.auth_sessions: dict[str, dict[str, Any]] = {}
        self._participant_tokens: dict[str, Participant] = {}
        self._connection_tokens: dict[str, ConnectionGrant] = {}
        self._websocket_grants: dict[str, WebsocketGrant] = {}
        self._idempotent: dict[tuple[str, str, str], Any] = {}
        self.item_listeners: list[ItemListener] = []
        # Flows StartChatContact accepts besides config.contact_flow_id (emulator bots add theirs).
        self.flow_ids: set[str] = set()
        self.end_listeners: list[ContactListener] = []

    # -- lookups -------------------------------------------------------------

    def contact(self, contact_id: str) -> Contact:
        try:
            return self.contacts[contact_id]
        except KeyError:
            raise ServiceError(
                "ResourceNotFoundException", f"Contact {contact_id} not found"
            ) from None

    def participant(self, contact_id: str, participant_id: str) -> Participant:
        contact = self.contact(contact_id)
        try:
            return contact.participants[participant_id]
        except KeyError:
            raise ServiceError(
                "ResourceNotFoundException", f"Participant {participant_id} not found"
            ) from None

    def by_participant_token(self, token: Optional[str]) -> Participant:
        participant = self._participant_tokens.get(token or "")
        if participant is None:
            raise access_denied()
        return participant

    def by_connection_token(self, token: Optional[str]) -> ConnectionGrant:
        grant = self._connection_tokens.get(token or "")
        if grant is None or grant.expiry <= self.clock():
            raise access_denied()
        return grant

    def by_websocket_secret(self, secret: str) -> Optional[WebsocketGrant]:
        grant = self._websocket_grants.get(secret)
        if grant is None or grant.expiry <= self.clock():
            return None
        return grant

    def idempotent(
        self,
        participant_id: str,
        operation: str,
        client_token: Optional[str],
        action: Callable[[], Any],
    ) -> Any:
        """Run ``action`` once per ClientToken; a repeat gets the first answer."""
        if not client_token:
            return action()
        key = (participant_id, operation, client_token)
        if key in self._idempotent:
            return self._idempotent[key]
        result = action()
        self._idempotent[key] = result
        return result

    # -- contacts and participants --------------------------------------------

    def start_chat(
        self,
        *,
        display_name: str,
        instance_id: Optional[str] = None,
        contact_flow_id: Optional[str] = None,
        initial_message: Optional[dict[str, str]] = None,
        attributes: Optional[dict[str, str]] = None,
        related_contact_id: Optional[str] = None,
        source_contact_id: Optional[str] = None,
        initiation_method: str = "API",
        customer_role: str = "CUSTOMER",
    ) -> dict[str, Any]:
        """Create a chat contact with its customer, like StartChatContact."""
        instance_id = instance_id or self.config.instance_id
        contact_flow_id = contact_flow_id or self.config.contact_flow_id
        if instance_id != self.config.instance_id:
            raise ServiceError("ResourceNotFoundException", f"Instance {instance_id} not found")
        if contact_flow_id != self.config.contact_flow_id and contact_flow_id not in self.flow_ids:
            raise ServiceError(
                "ResourceNotFoundException", f"Contact flow {contact_flow_id} not found"
            )
        if source_contact_id is not None:
            source = self.contacts.get(source_contact_id)
            if source is None:
                raise ServiceError(
                    "ResourceNotFoundException", f"Contact {source_contact_id} not found"
                )
            if source.active:
                raise ServiceError(
                    "InvalidRequestException",
                    "The source contact of a persistent chat must have ended",
                )
        if related_contact_id is not None and related_contact_id not in self.contacts:
            raise ServiceError(
                "ResourceNotFoundException", f"Contact {related_contact_id} not found"
            )
        contact_id = new_id()
        contact = Contact(
            contact_id=contact_id,
            initial_contact_id=contact_id,
            instance_id=instance_id,
            contact_flow_id=contact_flow_id,
            created=self.clock(),
            initiation_method=initiation_method,
            continued_from=source_contact_id,
            related_contact_id=related_contact_id,
            attributes=dict(attributes or {}),
        )
        self.contacts[contact_id] = contact
        result: dict[str, Any] = {"ContactId": contact_id}
        if customer_role:
            customer = self.add_participant(contact, role=customer_role, display_name=display_name)
            result["ParticipantId"] = customer.participant_id
            result["ParticipantToken"] = customer.participant_token
            if initial_message is not None:
                self.post_message(
                    customer, initial_message["ContentType"], initial_message["Content"]
                )
        if source_contact_id is not None:
            result["ContinuedFromContactId"] = source_contact_id
        return result

    def add_participant(self, contact: Contact, *, role: str, display_name: str) -> Participant:
        if not contact.active:
            raise access_denied("The contact has ended")
        participant = Participant(
            participant_id=new_id(),
            contact=contact,
            role=role,
            display_name=display_name,
            participant_token=new_secret(),
        )
        contact.participants[participant.participant_id] = participant
        self._participant_tokens[participant.participant_token] = participant
        if role != "SYSTEM":
            self._append(contact, self._participant_item(participant, "EVENT", JOINED))
        return participant

    def create_connection(
        self,
        participant: Participant,
        *,
        types: list[str],
        connect_participant: bool,
        websocket_base_url: str,
    ) -> dict[str, Any]:
        """CreateParticipantConnection's answer for ``participant``."""
        if not participant.active or not participant.contact.active:
            raise access_denied()
        now = self.clock()
        result: dict[str, Any] = {}
        if connect_participant:
            participant.connected = True
        if "WEBSOCKET" in types:
            secret = new_secret(48)
            expiry = now + self.config.websocket_connection_expiry
            self._websocket_grants[secret] = WebsocketGrant(secret, participant, expiry)
            result["Websocket"] = {
                "Url": f"{websocket_base_url}?AuthToken={_quote(secret)}",
                "ConnectionExpiry": iso_timestamp(expiry),
            }
        if "CONNECTION_CREDENTIALS" in types:
            token = new_secret()
            expiry = now + self.config.connection_token_ttl
            self._connection_tokens[token] = ConnectionGrant(token, participant, expiry)
            result["ConnectionCredentials"] = {
                "ConnectionToken": token,
                "Expiry": iso_timestamp(expiry),
            }
        if "WEBRTC_CONNECTION" in types:
            result["WebRTCConnection"] = _webrtc_connection(self.config.region)
        return result

    def expire_connection_tokens(self, participant_id: Optional[str] = None) -> int:
        """Make ConnectionTokens (of one participant, or all) expire now; return how many."""
        now = self.clock()
        expired = 0
        for grant in self._connection_tokens.values():
            mine = participant_id is None or grant.participant.participant_id == participant_id
            if mine and grant.expiry > now:
                grant.expiry = now
                expired += 1
        return expired

    def require_can_write(self, participant: Participant) -> None:
        if not participant.active or not participant.contact.active:
            raise access_denied()

    def disconnect(self, participant: Participant) -> None:
        """DisconnectParticipant: the participant leaves; a leaving customer ends the chat."""
        self.require_can_write(participant)
        participant.active = False
        contact = participant.contact
        self._append(contact, self._participant_item(participant, "EVENT", LEFT))
        for listener in list(self.end_listeners):
            listener(contact, participant)
        if participant.role == "CUSTOMER":
            self.end_contact(contact)

    def end_contact(self, contact: Contact) -> None:
        """StopContact: ``chat.ended``, then every socket of the contact is closed."""
        if not contact.active:
            raise ServiceError("ContactNotFoundException", "Contact not found or already ended")
        self._append(contact, self._contact_item(CHAT_ENDED))
        contact.ended = self.clock()
        for participant in contact.participants.values():
            participant.active = False
        for listener in list(self.end_listeners):
            listener(contact, None)

    # -- messages and events ---------------------------------------------------

    def post_message(
        self, participant: Participant, content_type: str, content: str
    ) -> dict[str, Any]:
        self.require_can_write(participant)
        limits = self.config.message_content_limits
        if content_type not in limits:
            raise validation(f"Unsupported content type: {content_type}")
        size = len(content.encode("utf-8", "surrogatepass"))
        if not 1 <= size <= limits[content_type]:
            raise validation(
                f"Content for {content_type} must be 1 to {limits[content_type]} bytes "
                f"in UTF-8, got {size}"
            )
        item = self._participant_item(participant, "MESSAGE", content_type)
        item["Content"] = content
        self._append(participant.contact, item)
        return {"Id": item["Id"], "AbsoluteTime": item["AbsoluteTime"]}

    def post_event(
        self, participant: Participant, content_type: str, content: Optional[str]
    ) -> dict[str, Any]:
        self.require_can_write(participant)
        if content_type not in SENDABLE_EVENTS:
            raise validation(f"Unsupported event content type: {content_type}")
        contact = participant.contact
        if content_type == CONNECTION_ACKNOWLEDGED:
            participant.connected = True
            item = self._participant_item(participant, "EVENT", content_type)
            return {"Id": item["Id"], "AbsoluteTime": item["AbsoluteTime"]}
        if content_type == TYPING:
            item = self._participant_item(participant, "EVENT", content_type)
            self._notify(contact, item)
            return {"Id": item["Id"], "AbsoluteTime": item["AbsoluteTime"]}
        return self._post_receipt(participant, content_type, content)

    def _post_receipt(
        self, participant: Participant, content_type: str, content: Optional[str]
    ) -> dict[str, Any]:
        contact = participant.contact
        message_id = _receipt_message_id(content)
        position = contact.item_index.get(message_id)
        if position is None or contact.items[position].data.get("Type") != "MESSAGE":
            raise validation(f"Message {message_id} not found")
        active = [p for p in contact.participants.values() if p.active and p.role != "SYSTEM"]
        if len(active) > 2:
            raise conflict("Message receipts are not supported with more than two participants")
        now = self._next_time(contact)
        stamp = iso_timestamp(now)
        message = contact.items[position].data
        metadata = message.setdefault("MessageMetadata", {"MessageId": message_id})
        receipts: list[dict[str, str]] = metadata.setdefault("Receipts", [])
        receipt = next(
            (r for r in receipts if r.get("RecipientParticipantId") == participant.participant_id),
            None,
        )
        if receipt is None:
            receipt = {"RecipientParticipantId": participant.participant_id}
            receipts.append(receipt)
        receipt["ReadTimestamp" if content_type == READ else "DeliveredTimestamp"] = stamp
        pushed = {
            "AbsoluteTime": stamp,
            "Id": new_id(),
            "Type": "MESSAGEMETADATA",
            "MessageMetadata": {"MessageId": message_id, "Receipts": [dict(receipt)]},
            "ContactId": contact.contact_id,
            "InitialContactId": contact.initial_contact_id,
        }
        self._notify(contact, pushed)
        return {"Id": pushed["Id"], "AbsoluteTime": stamp}

    def post_system_event(
        self, contact: Contact, content_type: str, content: Optional[str] = None
    ) -> dict[str, Any]:
        """Write an event of the contact itself (no participant), e.g. authentication events."""
        if not contact.active:
            raise access_denied("The contact has ended")
        item = self._contact_item(content_type)(contact)
        if content is not None:
            item["Content"] = content
        return self._append(contact, item)

    def emit_event(
        self,
        contact: Contact,
        event: str,
        *,
        participant: Optional[Participant] = None,
        content: Optional[str] = None,
    ) -> dict[str, Any]:
        """Write an event the service itself produces (idle, transfer, rehydrated...).

        ``event`` is a short name (``"participant.idle"``) or the full content type;
        see ``_service_events`` for the accepted names and the refused ones. A
        participant event needs ``participant`` and carries its ParticipantId,
        DisplayName and ParticipantRole; a contact event takes none. Every accepted
        event is pushed and kept in the transcript (the service keeps participant and
        transfer events; only typing and receipts are never kept), which is also what
        the chat session assumes when it resumes a transcript after one. Nothing
        else changes: ``participant.autodisconnection`` does not make the
        participant leave (``disconnect`` does).
        """
        content_type, participant_scoped = resolve_event(event)
        if content is not None and not isinstance(content, str):
            raise EmulatorConfigError("content must be a string or None")
        if not contact.active:
            raise access_denied("The contact has ended")
        if participant_scoped:
            if participant is None:
                raise EmulatorConfigError(f"{event} is a participant event: give participant_id")
            if participant.contact is not contact:
                raise EmulatorConfigError("the participant is not one of this contact's")
            self.require_can_write(participant)
            item = self._participant_item(participant, "EVENT", content_type)
        else:
            if participant is not None:
                raise EmulatorConfigError(
                    f"{event} is an event of the contact: it takes no participant_id"
                )
            item = self._contact_item(content_type)(contact)
        if content is not None:
            item["Content"] = content
        return self._append(contact, item)

    def stream_bot_message(
        self,
        contact: Contact,
        chunks: list[str],
        *,
        participant: Optional[Participant] = None,
        display_name: str = "BOT",
    ) -> dict[str, Any]:
        """Push a bot message in chunks; keep it whole in the transcript.

        Every chunk is a ``text/plain`` MESSAGE item with the same ``Id`` and
        ``MessageMetadata{"ChunkNumber": n, "MessageCompleted": n == last}``
        (numbered from 1), ``ParticipantRole`` SYSTEM with ``display_name`` and no
        ParticipantId, or the given CUSTOM_BOT participant's identity. The chunks
        are pushed only; the transcript keeps ONE MESSAGE item with that ``Id``, the
        joined content, the last chunk's time and no chunk metadata (an inference:
        the service documents the chunks on the socket, not what GetTranscript
        returns). The joined content must fit the ``text/plain`` limit of
        ``message_content_limits`` (SendMessage's, 16,384 bytes by default).
        """
        if isinstance(chunks, str) or not isinstance(chunks, list) or not chunks:
            raise EmulatorConfigError("chunks must be a non-empty list of strings")
        if not all(isinstance(chunk, str) and chunk for chunk in chunks):
            raise EmulatorConfigError("every chunk must be a non-empty string")
        limit = self.config.message_content_limits.get("text/plain", MAX_MESSAGE_CONTENT_BYTES)
        joined = "".join(chunks)
        if len(joined) > limit:
            raise EmulatorConfigError(
                f"the chunks hold {len(joined)} characters; a message holds at most {limit}"
            )
        if not isinstance(display_name, str) or not display_name:
            raise EmulatorConfigError("display_name must be a non-empty string")
        if not contact.active:
            raise access_denied("The contact has ended")
        if participant is not None:
            if participant.contact is not contact:
                raise EmulatorConfigError("the participant is not one of this contact's")
            if participant.role != "CUSTOM_BOT":
                raise EmulatorConfigError(
                    f"only a CUSTOM_BOT participant streams messages, not {participant.role}"
                )
            self.require_can_write(participant)
        message_id = new_id()
        last: dict[str, Any] = {}
        for number, chunk in enumerate(chunks, start=1):
            if participant is not None:
                last = self._participant_item(participant, "MESSAGE", "text/plain")
            else:
                last = self._contact_item("text/plain")(contact)
                last.update(Type="MESSAGE", DisplayName=display_name, ParticipantRole="SYSTEM")
            last["Id"] = message_id
            last["Content"] = chunk
            last["MessageMetadata"] = {
                "ChunkNumber": number,
                "MessageCompleted": number == len(chunks),
            }
            self._notify(contact, last)
        kept = {key: value for key, value in last.items() if key != "MessageMetadata"}
        kept["Content"] = joined
        self._keep(contact, kept)
        return kept

    def start_authentication(self, contact: Contact) -> str:
        """Open an authentication session the way the Authenticate Customer block does."""
        session_id = new_id()
        self.post_system_event(
            contact,
            EVENT_PREFIX + "authentication.initiated",
            json.dumps({"SessionId": session_id}),
        )
        self.auth_sessions[session_id] = {
            "contact_id": contact.contact_id,
            "created": self.clock(),
            "cancelled": False,
        }
        return session_id

    # -- attachments -----------------------------------------------------------

    def add_attachment_item(self, attachment: Attachment) -> None:
        """Write the ATTACHMENT item once the upload is complete; schedule its scan."""
        participant = attachment.participant
        item = self._participant_item(participant, "ATTACHMENT", attachment.content_type)
        item["Attachments"] = [
            {
                "ContentType": attachment.content_type,
                "AttachmentId": attachment.attachment_id,
                "AttachmentName": attachment.name,
                "Status": "IN_PROGRESS",
            }
        ]
        attachment.item_id = item["Id"]
        delay = self.config.scan_delay
        if delay <= 0 or self._schedule is None:
            self._finish_scan(attachment, item)
            self._append(attachment.contact, item)
            return
        attachment.status = "IN_PROGRESS"
        self._append(attachment.contact, item)
        self._schedule(delay, lambda: self._finish_scan(attachment, item))

    def _finish_scan(self, attachment: Attachment, item: dict[str, Any]) -> None:
        try:
            verdict = self.config.scan_rule(attachment.name, attachment.size)
        except Exception as error:
            _LOG.error("scan_rule failed (%s); the attachment is REJECTED", type(error).__name__)
            verdict = "REJECTED"
        # Anything but an explicit approval is a rejection, as a scanner would fail closed.
        status = verdict if verdict in ("APPROVED", "REJECTED") else "REJECTED"
        attachment.status = status
        item["Attachments"][0]["Status"] = status

    # -- items -------------------------------------------------------------------

    def _next_time(self, contact: Contact) -> float:
        # Whole milliseconds, counted as integers: adding 0.001 to a float epoch can
        # round back into the same millisecond once formatted.
        millis = max(math.floor(self.clock() * 1000), round(contact.last_time * 1000) + 1)
        contact.last_time = millis / 1000
        return contact.last_time

    def _participant_item(
        self, participant: Participant, item_type: str, content_type: str
    ) -> dict[str, Any]:
        contact = participant.contact
        now = self._next_time(contact)
        return {
            "AbsoluteTime": iso_timestamp(now),
            "ContentType": content_type,
            "Id": new_id(),
            "Type": item_type,
            "ParticipantId": participant.participant_id,
            "DisplayName": participant.display_name,
            "ParticipantRole": participant.role,
            "ContactId": contact.contact_id,
            "InitialContactId": contact.initial_contact_id,
        }

    def _contact_item(self, content_type: str) -> Callable[[Contact], dict[str, Any]]:
        def build(contact: Contact) -> dict[str, Any]:
            now = self._next_time(contact)
            return {
                "AbsoluteTime": iso_timestamp(now),
                "ContentType": content_type,
                "Id": new_id(),
                "Type": "EVENT",
                "ContactId": contact.contact_id,
                "InitialContactId": contact.initial_contact_id,
            }

        return build

    def _append(
        self, contact: Contact, item: dict[str, Any] | Callable[[Contact], dict[str, Any]]
    ) -> dict[str, Any]:
        data = item(contact) if callable(item) else item
        self._keep(contact, data)
        self._notify(contact, data)
        return data

    def _keep(self, contact: Contact, data: dict[str, Any]) -> None:
        """Write ``data`` to the transcript without pushing it."""
        seq = len(contact.items)
        # The kept time is the one the item shows, so AbsoluteTime positions match exactly.
        moment = parse_iso_timestamp(data["AbsoluteTime"])
        contact.items.append(TranscriptItem(seq, moment, data))
        contact.item_index[data["Id"]] = seq

    def _notify(self, contact: Contact, item: dict[str, Any]) -> None:
        for listener in list(self.item_listeners):
            listener(contact, item)


def _receipt_message_id(content: Optional[str]) -> str:
    try:
        decoded = json.loads(content or "")
    except ValueError:
        decoded = None
    message_id = decoded.get("messageId") if isinstance(decoded, dict) else None
    if not isinstance(message_id, str) or not message_id:
        raise validation('Receipt content must be the JSON object {"messageId": "<message Id>"}')
    return message_id


def _quote(secret: str) -> str:
    from urllib.parse import quote

    return quote(secret, safe="")


def _webrtc_connection(region: str) -> dict[str, Any]:
    meeting_id = new_id()
    short_region = region.replace("-", "")
    host = f"{short_region}.app.chime.aws"
    return {
        "Attendee": {"AttendeeId": new_id(), "JoinToken": new_secret(32)},
        "Meeting": {
            "MediaPlacement": {
                "AudioHostUrl": f"{meeting_id[:8]}.k.m1.{host}:3478",
                "AudioFallbackUrl": f"wss://haxrp.m1.{host}:443/calls/{meeting_id}",
                "SignalingUrl": f"wss://signal.m1.{host}/control/{meeting_id}",
                "EventIngestionUrl": f"https://data.svc.{host}/v1/client-events",
            },
            "MeetingFeatures": {"Audio": {"EchoReduction": "AVAILABLE"}},
            "MeetingId": meeting_id,
        },
    }
