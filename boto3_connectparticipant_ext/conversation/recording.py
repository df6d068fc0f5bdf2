"""Save a chat to a JSON recording that an emulator bot replays offline.

The file holds the raw transcript items exactly as GetTranscript returns them (read through
the participant API with the session's own transcript iterator, oldest first), in the
format of ``emulator.bots.recording`` (written by its ``save_recording``, atomically)::

    {"format": "connect-chat-recording", "version": 1, "contact_id": "...",
     "customer_participant_id": "...", "contact_flow_id": "...", "items": [...]}

``emulator.bots.bot_from_recording(load_recording(path))`` turns it into a bot that plays
the other side, so a regression test of a live flow runs offline.

Read it before the chat ends: the service stops accepting the ConnectionToken once the chat
is over. The file holds no token; item contents are kept as they are (a recording of a real
chat is customer data: treat the file accordingly).

Examples
--------
>>> recording = recording_of(
...     [{"Id": "m1", "Type": "MESSAGE", "Content": "hi", "ParticipantRole": "CUSTOMER",
...       "ContactId": "c-1", "ParticipantId": "p-1"}])
>>> recording.contact_id, recording.customer_participant_id
('c-1', 'p-1')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Optional, Union

from .errors import ConversationError

if TYPE_CHECKING:
    from ..emulator.bots.recording import Recording

PathLike = Union[str, "os.PathLike[str]"]


def recording_of(
    items: Iterable[Mapping[str, Any]],
    *,
    contact_id: Optional[str] = None,
    participant_id: Optional[str] = None,
    contact_flow_id: Optional[str] = None,
) -> Recording:
    """The recording of ``items`` (ids not given are read from the items)."""
    from ..emulator.bots.recording import Recording

    kept = tuple(dict(item) for item in items)
    contact_id = contact_id or next(
        (str(i.get("InitialContactId") or i["ContactId"]) for i in kept if i.get("ContactId")),
        None,
    )
    participant_id = participant_id or next(
        (
            str(i["ParticipantId"])
            for i in kept
            if i.get("ParticipantRole") == "CUSTOMER" and i.get("ParticipantId")
        ),
        None,
    )
    if not contact_id or not participant_id:
        raise ConversationError(
            "cannot record this chat: its contact id or the customer's participant id is unknown"
        )
    return Recording(contact_id, participant_id, kept, contact_flow_id)


def _ids(session: Any) -> dict[str, Optional[str]]:
    contact = getattr(session, "contact", None)
    return {
        "contact_id": getattr(contact, "contact_id", None),
        "participant_id": session.participant_id,
        "contact_flow_id": getattr(contact, "contact_flow_id", None),
    }


def _save(recording: Recording, path: PathLike) -> str:
    from ..emulator.bots.recording import save_recording

    save_recording(path, recording)
    return os.fspath(path)


def record_chat(session: Any, path: PathLike) -> str:
    """Save ``session``'s chat (a :class:`ChatSession`) through GetTranscript; return the path.

    Examples
    --------
    >>> def keep(chat) -> None:
    ...     record_chat(chat, "greeting-flow.json")
    """
    return _save(recording_of(session.transcript(), **_ids(session)), path)


async def async_record_chat(session: Any, path: PathLike) -> str:
    """:func:`record_chat` for an :class:`AsyncChatSession`.

    Examples
    --------
    >>> async def keep(chat) -> None:
    ...     await async_record_chat(chat, "greeting-flow.json")
    """
    items = [item async for item in session.transcript()]
    return _save(recording_of(items, **_ids(session)), path)
