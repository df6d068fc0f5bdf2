"""Save a chat to a JSON recording that an emulator bot can replay offline.

The file holds the raw transcript items exactly as GetTranscript returns them (read through
the participant API with the session's own transcript iterator, oldest first), in the format
shared with ``emulator.bots.bot_from_recording``::

    {"format": "connect-chat-recording", "version": 1, "contact_id": "...",
     "customer_participant_id": "...", "items": [...]}

Read it before the chat ends: the service stops accepting the ConnectionToken once the chat
is over. The file is written whole or not at all (a temporary file renamed into place). It
holds no token; item contents are kept as they are (a recording of a real chat is customer
data: treat the file accordingly).

Examples
--------
>>> document = recording_document(
...     [{"Id": "m1", "Type": "MESSAGE", "Content": "hi", "ParticipantRole": "CUSTOMER",
...       "ContactId": "c-1", "ParticipantId": "p-1"}], participant_id="p-1")
>>> document["format"], document["contact_id"], document["customer_participant_id"]
('connect-chat-recording', 'c-1', 'p-1')
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from typing import Any, Optional, Union

from .errors import ConversationArgumentError

FORMAT = "connect-chat-recording"
VERSION = 1
PathLike = Union[str, "os.PathLike[str]"]


def recording_document(
    items: Iterable[Mapping[str, Any]],
    *,
    contact_id: Optional[str] = None,
    participant_id: Optional[str] = None,
) -> dict[str, Any]:
    """The recording of ``items`` (ids not given are read from the items)."""
    kept = [dict(item) for item in items]
    if contact_id is None:
        contact_id = next(
            (str(i.get("InitialContactId") or i["ContactId"]) for i in kept if i.get("ContactId")),
            None,
        )
    if participant_id is None:
        participant_id = next(
            (
                str(i["ParticipantId"])
                for i in kept
                if i.get("ParticipantRole") == "CUSTOMER" and i.get("ParticipantId")
            ),
            None,
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "contact_id": contact_id,
        "customer_participant_id": participant_id,
        "items": kept,
    }


def write_recording(document: Mapping[str, Any], path: PathLike) -> str:
    """Write ``document`` to ``path`` atomically; return the path."""
    target = os.fspath(path)
    if not isinstance(target, str) or not target:
        raise ConversationArgumentError("path must be a file path")
    directory = os.path.dirname(os.path.abspath(target))
    handle, temporary = tempfile.mkstemp(prefix=".recording-", suffix=".json", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1)
            out.write("\n")
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return target


def _ids(session: Any) -> tuple[Optional[str], Optional[str]]:
    contact = getattr(session, "contact", None)
    contact_id = getattr(contact, "contact_id", None)
    return contact_id, session.participant_id


def record_chat(session: Any, path: PathLike) -> str:
    """Save ``session``'s chat (a :class:`ChatSession`) through GetTranscript; return the path.

    Examples
    --------
    >>> def keep(chat) -> None:
    ...     record_chat(chat, "greeting-flow.json")
    """
    contact_id, participant_id = _ids(session)
    items = list(session.transcript())
    document = recording_document(items, contact_id=contact_id, participant_id=participant_id)
    return write_recording(document, path)


async def async_record_chat(session: Any, path: PathLike) -> str:
    """:func:`record_chat` for an :class:`AsyncChatSession`.

    Examples
    --------
    >>> async def keep(chat) -> None:
    ...     await async_record_chat(chat, "greeting-flow.json")
    """
    contact_id, participant_id = _ids(session)
    items = [item async for item in session.transcript()]
    document = recording_document(items, contact_id=contact_id, participant_id=participant_id)
    return write_recording(document, path)
