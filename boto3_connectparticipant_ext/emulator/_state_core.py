"""The core of :class:`~._state.ChatState`: its memory and how items are built and kept.

Every part of the state (contacts, messages, attachments) writes items through
:meth:`StateCore.participant_item` / ``contact_item`` and :meth:`StateCore.append`
(kept and pushed) or ``_keep`` / ``_notify`` (one of the two). AbsoluteTime values
of one contact are strictly increasing, at least 1 ms apart.

Examples
--------
>>> from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
>>> core = StateCore(EmulatorConfig(), clock=lambda: 0.0)
>>> core.item_listeners
[]
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, Optional

from boto3_connectparticipant_ext.emulator._ids import iso_timestamp, new_id, parse_iso_timestamp
from boto3_connectparticipant_ext.emulator._service_errors import access_denied
from boto3_connectparticipant_ext.emulator._state_model import (
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
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig


class StateCore:
    """The state's memory, item building, idempotency and the write check."""

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
        self._persisted_sources: set[str] = set()
        self.item_listeners: list[ItemListener] = []
        # Flows StartChatContact accepts besides config.contact_flow_id (emulator bots add theirs).
        self.flow_ids: set[str] = set()
        self.end_listeners: list[ContactListener] = []

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

    def require_can_write(self, participant: Participant) -> None:
        if not participant.active or not participant.contact.active:
            raise access_denied()

    # -- items -------------------------------------------------------------------

    def _next_time(self, contact: Contact) -> float:
        # Whole milliseconds, counted as integers: adding 0.001 to a float epoch can
        # round back into the same millisecond once formatted.
        millis = max(math.floor(self.clock() * 1000), round(contact.last_time * 1000) + 1)
        contact.last_time = millis / 1000
        return contact.last_time

    def participant_item(
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

    def append(
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
