"""Identifiers, secrets and timestamps shaped like the service's.

Examples
--------
>>> iso_timestamp(0.5)
'1970-01-01T00:00:00.500Z'
>>> len(new_id())
36
"""

from __future__ import annotations

import base64
import datetime
import secrets
import uuid


def new_id() -> str:
    """A lowercase UUID, like ContactId, ParticipantId and transcript item Ids."""
    return str(uuid.uuid4())


def new_secret(nbytes: int = 96) -> str:
    """An opaque bearer secret (the service's tokens are long base64 strings)."""
    return base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def new_connection_id() -> str:
    """An API Gateway style websocket connection id (12 base64 characters, ending in ``=``)."""
    return base64.b64encode(secrets.token_bytes(9)).decode("ascii")[:11] + "="


def iso_timestamp(epoch_seconds: float) -> str:
    """ISO 8601 in UTC with milliseconds and ``Z``: ``2024-05-01T12:00:00.123Z``."""
    moment = datetime.datetime.fromtimestamp(epoch_seconds, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso_timestamp(text: str) -> float:
    """Read an ISO 8601 timestamp (``Z`` or offset, with or without fraction) as epoch seconds.

    Raises ``ValueError`` for anything else.
    """
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    moment = datetime.datetime.fromisoformat(_pad_fraction(cleaned))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def _pad_fraction(text: str) -> str:
    # Python 3.9/3.10 fromisoformat only reads 3 or 6 fraction digits.
    if "." not in text:
        return text
    head, tail = text.split(".", 1)
    digits = ""
    while tail and tail[0].isdigit():
        digits, tail = digits + tail[0], tail[1:]
    digits = (digits + "000000")[:6]
    return f"{head}.{digits}{tail}"
