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
* StopContact writes ``chat.ended`` and closes every socket of the contact; a
  contact whose ChatDurationInMinutes is over ends the same way (by the
  emulator's clock: timers, and a check on every lookup);
* once the contact ended its ConnectionTokens are refused (AccessDenied on every
  participant call, GetTranscript included), as the service does;
  ``EmulatorConfig.tokens_work_after_chat_end`` keeps them for reads;
* any InstanceId and ContactFlowId is accepted (a contact records the ones it was
  started with) unless ``EmulatorConfig.strict_ids``;
* AbsoluteTime values of one contact are strictly increasing (at least 1 ms
  apart), so a time-based StartPosition names one item;
* typing events are pushed but not kept; receipts are pushed as
  ``MESSAGEMETADATA`` items and kept as ``MessageMetadata.Receipts`` on the
  message they acknowledge;
* service events written through the control API (idle, transfer...) are
  pushed and kept; a streamed bot message is pushed as chunks, the completed one
  carrying the whole message, and kept as one whole message (see
  :meth:`ChatState.stream_bot_message`);
* an attachment scanned after ``scan_delay`` is pushed again, with its verdict,
  when the scan ends (see :meth:`ChatState.add_attachment_item`).

Examples
--------
>>> from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
>>> state = ChatState(EmulatorConfig())
>>> chat = state.start_chat(display_name="Customer")
>>> [item.data["ContentType"] for item in state.contact(chat["ContactId"]).items]
['application/vnd.amazonaws.connect.event.participant.joined']
"""

from __future__ import annotations

from boto3_connectparticipant_ext.emulator._state_attachments import AttachmentsState
from boto3_connectparticipant_ext.emulator._state_contacts import ContactsState
from boto3_connectparticipant_ext.emulator._state_model import (
    CHAT_ENDED,
    CHAT_REHYDRATED,
    CONNECTION_ACKNOWLEDGED,
    DELIVERED,
    JOINED,
    LEFT,
    READ,
    SENDABLE_EVENTS,
    TYPING,
    Attachment,
    ConnectionGrant,
    Contact,
    ContactListener,
    ItemListener,
    Participant,
    Scheduler,
    TranscriptItem,
    WebsocketGrant,
)

__all__ = [
    "CHAT_ENDED",
    "CHAT_REHYDRATED",
    "CONNECTION_ACKNOWLEDGED",
    "DELIVERED",
    "JOINED",
    "LEFT",
    "READ",
    "SENDABLE_EVENTS",
    "TYPING",
    "Attachment",
    "ChatState",
    "ConnectionGrant",
    "Contact",
    "ContactListener",
    "ItemListener",
    "Participant",
    "Scheduler",
    "TranscriptItem",
    "WebsocketGrant",
]


class ChatState(ContactsState, AttachmentsState):
    """The whole emulated service state (one class; each part lives in its own module)."""
