"""The events the service itself writes, and which of them the control API may emit.

``Emulator.emit_event`` takes the short name of an event (``"participant.idle"``)
or its full content type. Events come in two scopes:

* participant events (``participant.idle``, ``participant.returned``,
  ``participant.active``, ``participant.inactive``, ``participant.invited``,
  ``participant.autodisconnection``, ``participant.displayname.updated``) name a
  participant and carry its ParticipantId, DisplayName and ParticipantRole;
* contact events (``transfer.succeeded``, ``transfer.failed``,
  ``chat.rehydrated``, ``workflow.cancelled``, ``authentication.succeeded``,
  ``authentication.failed``, ``authentication.timeout``,
  ``authentication.expired``) name no participant.

``participant.active`` and ``participant.inactive`` are content types of AWS's
browser client (amazon-connect-chatjs ``CONTENT_TYPE.participantActive`` and
``participantInactive``); no public source shows such an item, so their shape is
an inference: the shape of every other ``participant.*`` event (the participant's
ParticipantId, DisplayName and ParticipantRole, no Content unless given).

Events that have a call of their own are refused, so the emulator's state
stays consistent: what a participant sends with SendEvent (typing, receipts,
and the retired ``connection.acknowledged``) and what changes the chat
(``participant.joined``, ``participant.left``, ``chat.ended``,
``authentication.initiated``, ``authentication.cancelled``, and
``message.metadata``, which receipts produce).

Examples
--------
>>> resolve_event("participant.idle")
('application/vnd.amazonaws.connect.event.participant.idle', True)
>>> resolve_event("application/vnd.amazonaws.connect.event.transfer.failed")
('application/vnd.amazonaws.connect.event.transfer.failed', False)
"""

from __future__ import annotations

from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError

EVENT_PREFIX = "application/vnd.amazonaws.connect.event."

PARTICIPANT_EVENTS = frozenset(
    {
        "participant.idle",
        "participant.returned",
        "participant.active",
        "participant.inactive",
        "participant.invited",
        "participant.autodisconnection",
        "participant.displayname.updated",
    }
)
CONTACT_EVENTS = frozenset(
    {
        "transfer.succeeded",
        "transfer.failed",
        "chat.rehydrated",
        "workflow.cancelled",
        "authentication.succeeded",
        "authentication.failed",
        "authentication.timeout",
        "authentication.expired",
    }
)
EMITTABLE_EVENTS = PARTICIPANT_EVENTS | CONTACT_EVENTS

# Events with a call of their own: emitting them bare would desynchronise the state.
_USE_INSTEAD = {
    "typing": "send_event (a participant sends it with SendEvent)",
    "message.delivered": "send_event (a participant sends it with SendEvent)",
    "message.read": "send_event (a participant sends it with SendEvent)",
    "message.metadata": "send_event with a receipt (receipts produce it)",
    "connection.acknowledged": (
        "ConnectParticipant=true on CreateParticipantConnection (SendEvent's "
        "connection.acknowledged is retired)"
    ),
    "participant.joined": "add_participant",
    "participant.left": "disconnect_participant",
    "chat.ended": "end_contact",
    "authentication.initiated": "start_authentication",
    "authentication.cancelled": "CancelParticipantAuthentication",
}


def resolve_event(event: object) -> tuple[str, bool]:
    """Return ``(content type, participant-scoped)`` for an emittable event name.

    Raises :class:`EmulatorConfigError` for anything else.
    """
    if not isinstance(event, str) or not event:
        raise EmulatorConfigError(f"event must be a non-empty string, got {event!r}")
    name = event[len(EVENT_PREFIX) :] if event.startswith(EVENT_PREFIX) else event
    if name in _USE_INSTEAD:
        raise EmulatorConfigError(f"{name} cannot be emitted: use {_USE_INSTEAD[name]} instead")
    if name not in EMITTABLE_EVENTS:
        raise EmulatorConfigError(
            f"unknown service event {event!r}; use one of {', '.join(sorted(EMITTABLE_EVENTS))}"
        )
    return EVENT_PREFIX + name, name in PARTICIPANT_EVENTS
