"""SendEvent's retired content type, refused before any request.

The model says ``application/vnd.amazonaws.connect.event.connection.acknowledged`` "is no
longer maintained since December 31, 2024"; CreateParticipantConnection's
``ConnectParticipant=true`` does its job. This package never sends it; a caller who asks
for it gets :class:`~.errors.RetiredEventError` naming the replacement, raised from a
``before-parameter-build.connectparticipant.SendEvent`` handler (so before botocore
serialises or sends anything).

Examples
--------
>>> refuse_retired_event({"ContentType": "application/vnd.amazonaws.connect.event.typing"})
>>> refuse_retired_event({"ContentType": CONNECTION_ACKNOWLEDGED})
Traceback (most recent call last):
...
boto3_connectparticipant_ext.errors.RetiredEventError: SendEvent no longer takes \
application/vnd.amazonaws.connect.event.connection.acknowledged (retired by the service); \
call CreateParticipantConnection with ConnectParticipant=True instead
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import RetiredEventError

CONNECTION_ACKNOWLEDGED = "application/vnd.amazonaws.connect.event.connection.acknowledged"
#: The botocore event the handler is registered on.
SEND_EVENT_HOOK = "before-parameter-build.connectparticipant.SendEvent"
HANDLER_ID = "boto3_connectparticipant_ext.refuse_retired_event"


def refuse_retired_event(params: Mapping[str, Any], **_: Any) -> None:
    """A botocore handler: raise :class:`RetiredEventError` for ``connection.acknowledged``."""
    if isinstance(params, Mapping) and params.get("ContentType") == CONNECTION_ACKNOWLEDGED:
        raise RetiredEventError(
            f"SendEvent no longer takes {CONNECTION_ACKNOWLEDGED} (retired by the service); "
            "call CreateParticipantConnection with ConnectParticipant=True instead"
        )


def register(events: Any) -> None:
    """Register the handler on a client's (``client.meta.events``) or a session's emitter."""
    events.register(SEND_EVENT_HOOK, refuse_retired_event, unique_id=HANDLER_ID)


__all__ = ["CONNECTION_ACKNOWLEDGED", "refuse_retired_event", "register"]
