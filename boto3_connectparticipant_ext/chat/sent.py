"""What ``send_message`` returns: the message ``Id`` (a ``str``) with the service's answer.

``SendMessage`` answers ``Id``, ``AbsoluteTime`` and, in newer models (botocore >=
1.41.6, and the model this package ships), ``MessageMetadata.MessageProcessingStatus``
(``PROCESSING``, ``FAILED`` or ``REJECTED``: the outcome of message processing such as
content redaction or a bot's checks). Returning a ``str`` subclass keeps every caller
that used the Id working (``==``, formatting, a dict key) while exposing the rest.

Examples
--------
>>> sent = SentMessage.from_response({"Id": "m-1", "AbsoluteTime": "2024-01-01T00:00:00.000Z",
...     "MessageMetadata": {"MessageProcessingStatus": "PROCESSING"}})
>>> sent == "m-1", sent.processing_status, sent.absolute_time
(True, 'PROCESSING', '2024-01-01T00:00:00.000Z')
>>> SentMessage.from_response({"Id": "m-2"}).processing_status is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional


class SentMessage(str):
    """The ``Id`` of a sent message; ``absolute_time``, ``processing_status`` and
    ``response`` (SendMessage's answer without ``ResponseMetadata``) ride along."""

    absolute_time: Optional[str]
    processing_status: Optional[str]
    response: Mapping[str, Any]

    @classmethod
    def from_response(cls, response: Mapping[str, Any]) -> SentMessage:
        sent = cls(str(response["Id"]))
        time = response.get("AbsoluteTime")
        sent.absolute_time = None if time is None else str(time)
        metadata = response.get("MessageMetadata")
        status = metadata.get("MessageProcessingStatus") if isinstance(metadata, Mapping) else None
        sent.processing_status = None if status is None else str(status)
        sent.response = {key: value for key, value in response.items() if key != "ResponseMetadata"}
        return sent

    @property
    def id(self) -> str:
        """The message ``Id`` as a plain ``str``."""
        return str.__str__(self)


__all__ = ["SentMessage"]
