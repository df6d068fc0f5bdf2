"""Persistent chat: which past contact a new chat rehydrates from, and its items.

Documented (StartChatContact ``PersistentChat``, administrator guide "Enable
persistent chat"):

* only a chat session that has ended can be rehydrated; ``RehydrationType`` is
  required; ``PersistentChat`` and ``RelatedContactId`` cannot both be given;
* ``ENTIRE_PAST_SESSION`` takes the *initial* contact id of the past session and
  rehydrates from that session's most recently ended contact;
* ``FROM_SEGMENT`` rehydrates from the contact given;
* the contact actually used is answered as ``ContinuedFromContactId`` and
  becomes the new contact's ``RelatedContactId``;
* a source contact can be persisted onto a new chat only once.

Inferred (the service does not document the wire shape of rehydrated items):

* ``ENTIRE_PAST_SESSION`` brings every item of every contact of the past
  session; ``FROM_SEGMENT`` the items of the session's contacts up to and
  including the given one (so a later segment, such as a post-chat survey, is
  left out);
* each past item keeps its ``Id``, ``AbsoluteTime`` and content, gets the new
  contact's ``ContactId``/``InitialContactId`` and ``RelatedContactId`` = the
  contact it came from (an item already rehydrated keeps its original one); the
  past items come first, then a ``chat.rehydrated`` event of the new contact;
* the errors are ``InvalidRequestException`` (a source that has not ended, used
  twice, or not an initial contact id for ENTIRE_PAST_SESSION) and
  ``ResourceNotFoundException`` (an unknown source).

Examples
--------
>>> from types import SimpleNamespace
>>> item = {"Id": "1", "ContactId": "old", "InitialContactId": "old", "Content": "hi"}
>>> copied = rehydrated_item(item, SimpleNamespace(contact_id="new", initial_contact_id="new"))
>>> copied["ContactId"], copied["RelatedContactId"], item.get("RelatedContactId")
('new', 'old', None)
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Optional

from boto3_connectparticipant_ext.emulator._service_errors import ServiceError

if TYPE_CHECKING:
    from boto3_connectparticipant_ext.emulator._state_model import Contact

ENTIRE_PAST_SESSION = "ENTIRE_PAST_SESSION"
FROM_SEGMENT = "FROM_SEGMENT"


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidRequestException", message)


def rehydration_plan(
    contacts: dict[str, Contact],
    *,
    rehydration_type: Optional[str],
    source_contact_id: str,
    related_contact_id: Optional[str],
    used_sources: Iterable[str],
) -> tuple[Contact, list[Contact]]:
    """``(the contact rehydrated from, the past contacts whose items come along)``."""
    if related_contact_id is not None:
        raise _invalid("You cannot provide both RelatedContactId and PersistentChat")
    if rehydration_type not in (ENTIRE_PAST_SESSION, FROM_SEGMENT):
        raise _invalid("PersistentChat.RehydrationType is required for a persistent chat")
    source = contacts.get(source_contact_id)
    if source is None:
        raise ServiceError("ResourceNotFoundException", f"Contact {source_contact_id} not found")
    if source_contact_id in set(used_sources):
        raise _invalid(f"Contact {source_contact_id} has already been used for a persistent chat")
    session = sorted(
        (c for c in contacts.values() if c.initial_contact_id == source.initial_contact_id),
        key=lambda contact: contact.created,
    )
    if rehydration_type == ENTIRE_PAST_SESSION:
        if source.initial_contact_id != source.contact_id:
            raise _invalid(
                "ENTIRE_PAST_SESSION takes the initial contact id of the past chat session"
            )
        if any(contact.active for contact in session):
            raise _invalid("Only a chat session that has ended can be rehydrated")
        used = max(session, key=lambda contact: contact.ended or 0.0)
        return used, session
    if source.active:
        raise _invalid("Only a chat session that has ended can be rehydrated")
    return source, session[: session.index(source) + 1]


def rehydrated_item(item: dict[str, Any], contact: Any) -> dict[str, Any]:
    """A copy of a past ``item`` as it appears in ``contact``'s transcript."""
    copied = copy.deepcopy(item)
    copied.setdefault("RelatedContactId", item.get("ContactId"))
    copied["ContactId"] = contact.contact_id
    copied["InitialContactId"] = contact.initial_contact_id
    return copied
