"""Messages, events and receipts of :class:`~._state.ChatState`.

SendMessage's checks (content types the contact supports, UTF-8 byte limits of
``config.message_content_limits``), SendEvent (typing pushed not kept, receipts
pushed as ``MESSAGEMETADATA`` and kept on the message), events the service
itself writes (control API) and a bot's streamed message.

Examples
--------
>>> from boto3_connectparticipant_ext.emulator._state import ChatState
>>> from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
>>> state = ChatState(EmulatorConfig())
>>> chat = state.start_chat(display_name="Customer")
>>> customer = state.by_participant_token(chat["ParticipantToken"])
>>> sorted(state.post_message(customer, "text/plain", "hi"))
['AbsoluteTime', 'Id']
"""

from __future__ import annotations

import json
from typing import Any, Optional

from boto3_connectparticipant_ext.emulator._ids import iso_timestamp, new_id
from boto3_connectparticipant_ext.emulator._service_errors import (
    access_denied,
    conflict,
    validation,
)
from boto3_connectparticipant_ext.emulator._service_events import EVENT_PREFIX, resolve_event
from boto3_connectparticipant_ext.emulator._state_core import StateCore
from boto3_connectparticipant_ext.emulator._state_model import (
    CONNECTION_ACKNOWLEDGED,
    READ,
    SENDABLE_EVENTS,
    TYPING,
    Contact,
    Participant,
)
from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError
from boto3_connectparticipant_ext.service_limits import (
    MAX_MESSAGE_CONTENT_BYTES,
    message_content_problem,
)


class MessagesState(StateCore):
    """SendMessage, SendEvent, receipts, service events and streamed bot messages."""

    def post_message(
        self, participant: Participant, content_type: str, content: str
    ) -> dict[str, Any]:
        self.require_can_write(participant)
        limits = self.config.message_content_limits
        if content_type not in limits:
            raise validation(f"Unsupported content type: {content_type}")
        supported = participant.contact.supported_content_types
        if content_type not in supported:
            # The contact's SupportedMessagingContentTypes (StartChatContact) rule it out.
            problem = message_content_problem(content_type, content, supported=supported)
            raise validation(problem or f"Unsupported content type: {content_type}")
        size = len(content.encode("utf-8", "surrogatepass"))
        if not 1 <= size <= limits[content_type]:
            raise validation(
                f"Content for {content_type} must be 1 to {limits[content_type]} bytes "
                f"in UTF-8, got {size}"
            )
        item = self.participant_item(participant, "MESSAGE", content_type)
        item["Content"] = content
        self.append(participant.contact, item)
        return {"Id": item["Id"], "AbsoluteTime": item["AbsoluteTime"]}

    def post_event(
        self, participant: Participant, content_type: str, content: Optional[str]
    ) -> dict[str, Any]:
        """SendEvent: typing (pushed, not kept) or a receipt.

        ``connection.acknowledged`` was retired by the service on 2024-12-31 (the API
        reference: use ``ConnectParticipant`` on CreateParticipantConnection); it is a
        ValidationException unless ``config.accept_connection_acknowledged`` is set,
        which brings back the old answer (the participant is marked connected).
        """
        self.require_can_write(participant)
        retired = content_type == CONNECTION_ACKNOWLEDGED
        if retired and not self.config.accept_connection_acknowledged:
            raise validation(
                f"{content_type} is no longer supported: connect the participant with "
                "ConnectParticipant=true on CreateParticipantConnection"
            )
        if content_type not in SENDABLE_EVENTS and not retired:
            raise validation(f"Unsupported event content type: {content_type}")
        contact = participant.contact
        if retired:
            participant.connected = True
            item = self.participant_item(participant, "EVENT", content_type)
            return {"Id": item["Id"], "AbsoluteTime": item["AbsoluteTime"]}
        if content_type == TYPING:
            item = self.participant_item(participant, "EVENT", content_type)
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
        return self.append(contact, item)

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
            item = self.participant_item(participant, "EVENT", content_type)
        else:
            if participant is not None:
                raise EmulatorConfigError(
                    f"{event} is an event of the contact: it takes no participant_id"
                )
            item = self._contact_item(content_type)(contact)
        if content is not None:
            item["Content"] = content
        return self.append(contact, item)

    def stream_bot_message(
        self,
        contact: Contact,
        chunks: list[str],
        *,
        participant: Optional[Participant] = None,
        display_name: str = "BOT",
    ) -> dict[str, Any]:
        """Push a bot message in chunks; keep it whole in the transcript.

        ``chunks`` are the message's successive pieces (deltas): their concatenation
        is the message. Every pushed item is a ``text/plain`` MESSAGE with the same
        ``Id`` and ``MessageMetadata{"ChunkNumber": n, "MessageCompleted": n == last}``
        (numbered from 1), ``ParticipantRole`` SYSTEM with ``display_name`` and no
        ParticipantId, or the given CUSTOM_BOT participant's identity. Items before
        the last carry their own piece; the last, completed one carries the WHOLE
        message, as the service sends it to AWS's browser client: amazon-connect-chatjs
        5 (``PartialMessageUtil`` and its tests) appends the partial pieces to show
        progress and replaces them all with the completed item's content. So with
        ``["Hel", "lo"]`` the socket gets ``"Hel"`` then ``"Hello"``.

        The transcript keeps ONE MESSAGE item with that ``Id``, the whole content,
        the last chunk's time and no chunk metadata (an inference: the service
        documents the chunks on the socket, not what GetTranscript returns). The
        whole content must fit the ``text/plain`` limit of ``message_content_limits``
        (SendMessage's, 16,384 bytes by default), counted in UTF-8 bytes like every
        message content of ``service_limits``.
        """
        if isinstance(chunks, str) or not isinstance(chunks, list) or not chunks:
            raise EmulatorConfigError("chunks must be a non-empty list of strings")
        if not all(isinstance(chunk, str) and chunk for chunk in chunks):
            raise EmulatorConfigError("every chunk must be a non-empty string")
        limit = self.config.message_content_limits.get("text/plain", MAX_MESSAGE_CONTENT_BYTES)
        joined = "".join(chunks)
        size = len(joined.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise EmulatorConfigError(
                f"the chunks hold {size} bytes in UTF-8; a message holds at most {limit}"
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
                last = self.participant_item(participant, "MESSAGE", "text/plain")
            else:
                last = self._contact_item("text/plain")(contact)
                last.update(Type="MESSAGE", DisplayName=display_name, ParticipantRole="SYSTEM")
            completed = number == len(chunks)
            last["Id"] = message_id
            last["Content"] = joined if completed else chunk
            last["MessageMetadata"] = {"ChunkNumber": number, "MessageCompleted": completed}
            self._notify(contact, last)
        kept = {key: value for key, value in last.items() if key != "MessageMetadata"}
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


def _receipt_message_id(content: Optional[str]) -> str:
    try:
        decoded = json.loads(content or "")
    except ValueError:
        decoded = None
    message_id = decoded.get("messageId") if isinstance(decoded, dict) else None
    if not isinstance(message_id, str) or not message_id:
        raise validation('Receipt content must be the JSON object {"messageId": "<message Id>"}')
    return message_id
