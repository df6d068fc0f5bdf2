"""The control operations, shared by the Python API and the HTTP control API.

They run on the server's event-loop thread. Errors the service would send
become :class:`EmulatorOperationError`; bad control arguments raise
:class:`EmulatorError` subclasses.

Examples
--------
>>> from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
>>> from boto3_connectparticipant_ext.emulator._state import ChatState
>>> from boto3_connectparticipant_ext.emulator._records import Recorder
>>> from boto3_connectparticipant_ext.emulator._faults import FaultRegistry
>>> controller = Controller(ChatState(EmulatorConfig()), Recorder(max_requests=9, max_frames=9),
...                         FaultRegistry(), hub=None)
>>> chat = controller.start_chat(display_name="Customer")
>>> sorted(chat)
['ContactId', 'ParticipantId', 'ParticipantToken']
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Optional

from boto3_connectparticipant_ext.emulator._chat_options import (
    EVERY_CONTENT_TYPE,
    ChatOptions,
)
from boto3_connectparticipant_ext.emulator._chat_options import (
    supported_content_types as check_supported_content_types,
)
from boto3_connectparticipant_ext.emulator._clock import EmulatorClock
from boto3_connectparticipant_ext.emulator._faults import (
    FRAME_FAULTS,
    HTTP_FAULTS,
    Fault,
    FaultRegistry,
    FaultRule,
    check_fault,
)
from boto3_connectparticipant_ext.emulator._records import RecordedFrame, RecordedRequest, Recorder
from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._state import ChatState, Contact, Participant
from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError, EmulatorOperationError

if TYPE_CHECKING:
    from boto3_connectparticipant_ext.emulator._websocket import WebsocketHub

ADDABLE_ROLES = frozenset({"AGENT", "CUSTOM_BOT", "SUPERVISOR", "SYSTEM"})


@contextlib.contextmanager
def _as_operation_error() -> Iterator[None]:
    """The service's refusal (``ServiceError``) as the control API's ``EmulatorOperationError``."""
    try:
        yield
    except ServiceError as error:
        raise EmulatorOperationError(error.code, error.message, error.status) from None


class Controller:
    """Drive chats, read records, inject faults."""

    def __init__(
        self,
        state: ChatState,
        recorder: Recorder,
        faults: FaultRegistry,
        *,
        hub: Optional[WebsocketHub],
        clock: Optional[EmulatorClock] = None,
    ) -> None:
        self.state = state
        self.recorder = recorder
        self.faults = faults
        self.hub = hub
        self.clock = clock

    def advance_clock(self, seconds: float) -> float:
        """Move the emulator's clock forward; whatever falls due happens now. Returns the offset."""
        if self.clock is None:
            raise EmulatorConfigError("this controller has no clock to advance")
        self.clock.advance(seconds)
        # Contacts whose lifetime is over end even where no timer runs (no event loop).
        for contact in list(self.state.contacts.values()):
            self.state.expire_if_due(contact)
        return self.clock.offset

    def _participant(self, contact_id: str, participant_id: str) -> Participant:
        with _as_operation_error():
            return self.state.participant(contact_id, participant_id)

    def _contact_and_participant(
        self, contact_id: str, participant_id: Optional[str]
    ) -> tuple[Contact, Optional[Participant]]:
        contact = self.state.contact(contact_id)
        if participant_id is None:
            return contact, None
        return contact, self.state.participant(contact_id, participant_id)

    def start_chat(
        self,
        *,
        display_name: str = "Customer",
        initial_message: Optional[str] = None,
        attributes: Optional[dict[str, str]] = None,
        supported_content_types: Optional[list[str]] = None,
    ) -> dict[str, Any]:
        message = (
            {"ContentType": "text/plain", "Content": initial_message}
            if initial_message is not None
            else None
        )
        with _as_operation_error():
            options = ChatOptions(
                supported_content_types=EVERY_CONTENT_TYPE
                if supported_content_types is None
                else check_supported_content_types(supported_content_types)
            )
            return self.state.start_chat(
                display_name=display_name,
                initial_message=message,
                attributes=attributes,
                options=options,
            )

    def add_participant(
        self, contact_id: str, *, role: str = "AGENT", display_name: Optional[str] = None
    ) -> dict[str, Any]:
        if role not in ADDABLE_ROLES:
            raise EmulatorConfigError(
                f"role must be one of {', '.join(sorted(ADDABLE_ROLES))}, got {role!r}"
            )
        with _as_operation_error():
            contact = self.state.contact(contact_id)
            participant = self.state.add_participant(
                contact, role=role, display_name=display_name or role.title()
            )
        return {
            "ParticipantId": participant.participant_id,
            "ParticipantToken": participant.participant_token,
        }

    def send_message(
        self, contact_id: str, participant_id: str, content: str, *, content_type: str
    ) -> str:
        participant = self._participant(contact_id, participant_id)
        with _as_operation_error():
            return str(self.state.post_message(participant, content_type, content)["Id"])

    def send_event(
        self, contact_id: str, participant_id: str, content_type: str, content: Optional[str]
    ) -> str:
        participant = self._participant(contact_id, participant_id)
        with _as_operation_error():
            return str(self.state.post_event(participant, content_type, content)["Id"])

    def emit_event(
        self,
        contact_id: str,
        event: str,
        *,
        participant_id: Optional[str],
        content: Optional[str],
    ) -> str:
        with _as_operation_error():
            contact, participant = self._contact_and_participant(contact_id, participant_id)
            return str(
                self.state.emit_event(contact, event, participant=participant, content=content)[
                    "Id"
                ]
            )

    def stream_bot_message(
        self,
        contact_id: str,
        chunks: list[str],
        *,
        participant_id: Optional[str],
        display_name: str,
    ) -> str:
        with _as_operation_error():
            contact, participant = self._contact_and_participant(contact_id, participant_id)
            item = self.state.stream_bot_message(
                contact, chunks, participant=participant, display_name=display_name
            )
        return str(item["Id"])

    def disconnect_participant(self, contact_id: str, participant_id: str) -> None:
        participant = self._participant(contact_id, participant_id)
        with _as_operation_error():
            self.state.disconnect(participant)

    def end_contact(self, contact_id: str) -> None:
        with _as_operation_error():
            self.state.end_contact(self.state.contact(contact_id))

    def start_authentication(self, contact_id: str) -> str:
        with _as_operation_error():
            return self.state.start_authentication(self.state.contact(contact_id))

    def register_view(self, view_token: str, view: dict[str, Any]) -> None:
        self.state.views[view_token] = copy.deepcopy(view)

    def transcript(self, contact_id: str) -> list[dict[str, Any]]:
        with _as_operation_error():
            contact = self.state.contact(contact_id)
        return [copy.deepcopy(item.data) for item in contact.items]

    def participants(self, contact_id: str) -> list[dict[str, Any]]:
        with _as_operation_error():
            contact = self.state.contact(contact_id)
        return [
            {
                "ParticipantId": p.participant_id,
                "ParticipantRole": p.role,
                "DisplayName": p.display_name,
                "Active": p.active,
                "Connected": p.connected,
                "OpenSockets": len(self.hub.sessions(p.participant_id)) if self.hub else 0,
            }
            for p in contact.participants.values()
        ]

    def requests(self) -> list[RecordedRequest]:
        return list(self.recorder.requests)

    def frames(self) -> list[RecordedFrame]:
        return list(self.recorder.frames)

    def clear_records(self) -> None:
        self.recorder.clear()

    def inject_fault(
        self,
        kind: Fault,
        *,
        operation: Optional[str],
        participant_id: Optional[str],
        count: Optional[int],
        seconds: float,
        limit: Optional[int] = None,
    ) -> FaultRule:
        kind = check_fault(kind, operation=operation, participant_id=participant_id,
                           count=count, seconds=seconds, limit=limit)  # fmt: skip
        if kind is Fault.CHAT_QUOTA:
            return self.faults.add(kind, count=count, limit=limit)
        if kind is Fault.EXPIRE_TOKEN:
            expired = self.state.expire_connection_tokens(participant_id)
            return FaultRule(0, kind, operation, participant_id, expired, seconds)
        if kind is Fault.DROP_WEBSOCKET:
            dropped = self.hub.drop(participant_id=participant_id, count=count) if self.hub else 0
            if dropped == 0:
                # No socket open now: the next one to open is dropped instead.
                return self.faults.add(
                    kind, participant_id=participant_id, count=count or 1, seconds=seconds
                )
            return FaultRule(0, kind, operation, participant_id, dropped, seconds)
        if kind in HTTP_FAULTS or kind in FRAME_FAULTS:
            return self.faults.add(
                kind,
                operation=operation,
                participant_id=participant_id,
                count=count,
                seconds=seconds,
            )
        raise EmulatorConfigError(f"unknown fault kind {kind!r}")  # pragma: no cover

    def clear_faults(self) -> None:
        self.faults.clear()
