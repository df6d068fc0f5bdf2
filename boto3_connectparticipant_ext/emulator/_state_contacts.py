"""Contacts, participants, tokens and the chat's lifecycle of :class:`~._state.ChatState`.

Lookups by id and by token (each one ends a contact whose duration is over),
StartChatContact with persistent chat, participants, CreateParticipantConnection,
disconnecting and StopContact.

Examples
--------
>>> from boto3_connectparticipant_ext.emulator._state import ChatState
>>> from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
>>> state = ChatState(EmulatorConfig())
>>> chat = state.start_chat(display_name="Customer")
>>> state.contact(chat["ContactId"]).active
True
"""

from __future__ import annotations

import math
from typing import Any, Optional

from boto3_connectparticipant_ext.emulator._chat_options import EVERY_CONTENT_TYPE, ChatOptions
from boto3_connectparticipant_ext.emulator._ids import iso_timestamp, new_id, new_secret
from boto3_connectparticipant_ext.emulator._persistent import rehydrated_item, rehydration_plan
from boto3_connectparticipant_ext.emulator._service_errors import ServiceError, access_denied
from boto3_connectparticipant_ext.emulator._state_messages import MessagesState
from boto3_connectparticipant_ext.emulator._state_model import (
    CHAT_ENDED,
    CHAT_REHYDRATED,
    JOINED,
    LEFT,
    ConnectionGrant,
    Contact,
    Participant,
    WebsocketGrant,
)


class ContactsState(MessagesState):
    """Lookups, StartChatContact, participants, connections, disconnect and StopContact."""

    # -- lookups -------------------------------------------------------------

    def contact(self, contact_id: str) -> Contact:
        try:
            contact = self.contacts[contact_id]
        except KeyError:
            raise ServiceError(
                "ResourceNotFoundException", f"Contact {contact_id} not found"
            ) from None
        self.expire_if_due(contact)
        return contact

    def expire_if_due(self, contact: Contact) -> None:
        """End ``contact`` when its ChatDurationInMinutes is over (timers also do this)."""
        if contact.active and contact.expires_at is not None and contact.expires_at <= self.clock():
            self.end_contact(contact)

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
        self.expire_if_due(participant.contact)
        return participant

    def by_connection_token(self, token: Optional[str]) -> ConnectionGrant:
        grant = self._connection_tokens.get(token or "")
        if grant is None or grant.expiry <= self.clock():
            raise access_denied()
        contact = grant.participant.contact
        self.expire_if_due(contact)
        # The service stops the ConnectionToken when the chat ends (service-facts.md).
        if not contact.active and not self.config.tokens_work_after_chat_end:
            raise access_denied()
        return grant

    def by_websocket_secret(self, secret: str) -> Optional[WebsocketGrant]:
        grant = self._websocket_grants.get(secret)
        if grant is None or grant.expiry <= self.clock():
            return None
        return grant

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
        options: Optional[ChatOptions] = None,
    ) -> dict[str, Any]:
        """Create a chat contact with its customer, like StartChatContact.

        Without ``options`` (the control API) the contact supports every content type.
        """
        options = options or ChatOptions(supported_content_types=EVERY_CONTENT_TYPE)
        instance_id = instance_id or self.config.instance_id
        contact_flow_id = contact_flow_id or self.config.contact_flow_id
        self.require_known_instance(instance_id)
        if (
            self.config.strict_ids
            and contact_flow_id != self.config.contact_flow_id
            and contact_flow_id not in self.flow_ids
        ):
            raise ServiceError(
                "ResourceNotFoundException", f"Contact flow {contact_flow_id} not found"
            )
        past: list[Contact] = []
        if source_contact_id is not None:
            used, past = rehydration_plan(
                self.contacts,
                rehydration_type=options.rehydration_type,
                source_contact_id=source_contact_id,
                related_contact_id=related_contact_id,
                used_sources=self._persisted_sources,
            )
            related_contact_id = used.contact_id
            attributes = {**used.attributes, **(attributes or {})}
        elif related_contact_id is not None:
            related = self.contacts.get(related_contact_id)
            if related is None:
                raise ServiceError(
                    "ResourceNotFoundException", f"Contact {related_contact_id} not found"
                )
            # A related contact's properties are copied (administrator guide).
            attributes = {**related.attributes, **(attributes or {})}
        options.check_initial_message(initial_message)
        contact_id = new_id()
        # Whole milliseconds, like the items' AbsoluteTime: nothing of the contact is older.
        created = math.floor(self.clock() * 1000) / 1000
        minutes = options.duration_minutes or self.config.chat_duration_minutes
        contact = Contact(
            contact_id=contact_id,
            initial_contact_id=contact_id,
            instance_id=instance_id,
            contact_flow_id=contact_flow_id,
            created=created,
            initiation_method=initiation_method,
            related_contact_id=related_contact_id,
            attributes=dict(attributes or {}),
            supported_content_types=options.supported_content_types,
            expires_at=None if minutes is None else created + minutes * 60.0,
            disconnect_on_customer_exit=options.disconnect_on_customer_exit,
            rehydration_type=options.rehydration_type if past else None,
        )
        self.contacts[contact_id] = contact
        if past:
            self._persisted_sources.add(str(source_contact_id))
            self._rehydrate(contact, past)
        if contact.expires_at is not None and self._schedule is not None:
            self._schedule(contact.expires_at - self.clock(), lambda: self.expire_if_due(contact))
        result: dict[str, Any] = {"ContactId": contact_id}
        if customer_role:
            customer = self.add_participant(contact, role=customer_role, display_name=display_name)
            result["ParticipantId"] = customer.participant_id
            result["ParticipantToken"] = customer.participant_token
            if initial_message is not None:
                self.post_message(
                    customer, initial_message["ContentType"], initial_message["Content"]
                )
        if past:
            result["ContinuedFromContactId"] = related_contact_id
        return result

    def require_known_instance(self, instance_id: str) -> None:
        """Any instance exists unless ``strict_ids`` (then only the configured one)."""
        if self.config.strict_ids and instance_id != self.config.instance_id:
            raise ServiceError("ResourceNotFoundException", f"Instance {instance_id} not found")

    def _rehydrate(self, contact: Contact, past: list[Contact]) -> None:
        """Copy the past contacts' items into ``contact``, then ``chat.rehydrated``."""
        for source in past:
            for entry in source.items:
                self._keep(contact, rehydrated_item(entry.data, contact))
                contact.last_time = max(contact.last_time, entry.time)
        self._keep(contact, self._contact_item(CHAT_REHYDRATED)(contact))

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
            self.append(contact, self.participant_item(participant, "EVENT", JOINED))
        return participant

    def create_connection(
        self,
        participant: Participant,
        *,
        types: list[str],
        connect_participant: bool,
        websocket_base_url: str,
    ) -> dict[str, Any]:
        """CreateParticipantConnection's answer for ``participant``: only the parts asked for.

        ``Type`` is optional in the model; ``ConnectParticipant=true`` alone marks the
        participant connected and answers nothing else. The reference names no error
        for a type the contact cannot use (WEBRTC_CONNECTION on a chat), so it is
        answered (never stricter than the service). A request with neither a Type
        nor ConnectParticipant asks for nothing: ValidationException (inferred;
        checked by the handler).
        """
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

    def disconnect(self, participant: Participant) -> None:
        """DisconnectParticipant: the participant leaves; a leaving customer ends the chat.

        When the customer leaves, the participants whose role the contact's
        ``DisconnectOnCustomerExit`` lists leave too, before ``chat.ended``.
        """
        self.require_can_write(participant)
        self._leave(participant)
        contact = participant.contact
        if participant.role == "CUSTOMER":
            for other in list(contact.participants.values()):
                if other.active and other.role in contact.disconnect_on_customer_exit:
                    self._leave(other)
            self.end_contact(contact)

    def _leave(self, participant: Participant) -> None:
        participant.active = False
        contact = participant.contact
        self.append(contact, self.participant_item(participant, "EVENT", LEFT))
        for listener in list(self.end_listeners):
            listener(contact, participant)

    def end_contact(self, contact: Contact) -> None:
        """StopContact: ``chat.ended``, then every socket of the contact is closed."""
        if not contact.active:
            raise ServiceError("ContactNotFoundException", "Contact not found or already ended")
        self.append(contact, self._contact_item(CHAT_ENDED))
        contact.ended = self.clock()
        for participant in contact.participants.values():
            participant.active = False
        for listener in list(self.end_listeners):
            listener(contact, None)


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
