"""Message-streaming records (StartContactStreaming over SNS) as typed chat events.

Amazon Connect publishes every chat item of a streamed contact to an SNS topic.
The SNS ``Message`` is the chat item as a JSON string; the message attributes
carry ``ContactId``, ``InitialContactId``, ``ParticipantRole``, ``InstanceId``,
``AccountId``, ``Type``, ``ContentType`` and ``MessageVisibility`` (CUSTOMER,
AGENT or ALL). This module accepts:

* an SNS Lambda event (``{"Records": [{"EventSource": "aws:sns", "Sns": {...}}]}``),
* an SNS HTTP(S) notification body (``bytes``, ``str`` or the decoded mapping),
* one Lambda record or its ``Sns`` mapping,
* a bare chat item (SNS raw message delivery: no attributes, no visibility),

and gives one :class:`StreamingRecord` per item, whose ``event`` is the same
class a chat session yields (built by :func:`chat.events.event_from_item`).

Choices where the documentation is silent: an unknown item ``Type`` or content
type is kept as an ``OtherEvent`` (never dropped, never refused: the service
decides what it publishes); a record without ``MessageVisibility`` is visible to
all; attribute values may be SNS's ``{"Type": "String", "Value": ...}`` or plain
strings. A streamed bot message's chunks arrive as separate records:
``is_partial`` is true for every chunk but the completed one, which holds the
whole message (``MessageMetadata.MessageCompleted``).

Examples
--------
>>> import json
>>> item = {"Id": "m-1", "Type": "MESSAGE", "ContentType": "text/plain", "Content": "hi",
...         "ParticipantId": "p-1", "ParticipantRole": "AGENT", "ContactId": "c-2",
...         "InitialContactId": "c-1", "AbsoluteTime": "2024-01-01T00:00:00.000Z"}
>>> body = {"Type": "Notification", "MessageId": "sns-1", "Message": json.dumps(item),
...         "MessageAttributes": {"MessageVisibility": {"Type": "String", "Value": "ALL"},
...                               "ContactId": {"Type": "String", "Value": "c-2"}}}
>>> [record] = parse_streaming_event(body)
>>> record.event.kind, record.event.content, record.contact_id, record.visibility
('message', 'hi', 'c-2', 'ALL')
>>> record.forward_to("CUSTOMER"), record.forward_to("AGENT")
(True, False)
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any, Optional, Union

from ..chat.events import ItemEvent, event_from_item, is_stream_chunk
from .errors import InvalidStreamingRecordError

__all__ = ["VISIBILITIES", "StreamingRecord", "parse_streaming_event", "parse_streaming_record"]

VISIBILITIES = frozenset({"CUSTOMER", "AGENT", "ALL"})
_ITEM_TYPES = frozenset({"MESSAGE", "EVENT", "ATTACHMENT", "MESSAGEMETADATA"})
_SNS_TYPES = frozenset({"Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"})

EventInput = Union[bytes, str, Mapping[str, Any]]


@dataclasses.dataclass(frozen=True)
class StreamingRecord:
    """One streamed chat item: its typed ``event`` and the SNS envelope around it."""

    event: ItemEvent
    item: Mapping[str, Any] = dataclasses.field(repr=False)
    contact_id: Optional[str] = None
    initial_contact_id: Optional[str] = None
    participant_role: Optional[str] = None
    visibility: Optional[str] = None
    instance_id: Optional[str] = None
    account_id: Optional[str] = None
    message_id: Optional[str] = None
    topic_arn: Optional[str] = None
    timestamp: Optional[str] = None
    attributes: Mapping[str, str] = dataclasses.field(default_factory=dict, repr=False)
    raw: Optional[Mapping[str, Any]] = dataclasses.field(default=None, repr=False)

    @property
    def participant_id(self) -> Optional[str]:
        return self.event.participant_id

    @property
    def is_partial(self) -> bool:
        """True for a streamed chunk that is not the completed message."""
        if not is_stream_chunk(self.item):
            return False
        metadata = self.item.get("MessageMetadata") or {}
        return not bool(metadata.get("MessageCompleted"))

    def visible_to(self, role: str) -> bool:
        """Whether ``role`` (CUSTOMER or AGENT) may see this item (no visibility: all)."""
        return self.visibility is None or self.visibility in ("ALL", role)

    def forward_to(self, role: str) -> bool:
        """The documented filter: visible to ``role`` and not sent by that role itself."""
        return self.visible_to(role) and self.participant_role != role


def parse_streaming_event(event: EventInput) -> list[StreamingRecord]:
    """Parse a Lambda SNS event, an SNS HTTP body, one record or one item.

    Raises :class:`InvalidStreamingRecordError` naming the record (index, MessageId).

    Examples
    --------
    >>> parse_streaming_event({"Records": []})
    []
    >>> parse_streaming_event(b"not json")
    Traceback (most recent call last):
    ...
    boto3_connectparticipant_ext.streaming.errors.InvalidStreamingRecordError: the body is not JSON
    """
    decoded = _decode(event, "the body is not JSON", None, None)
    if "Records" in decoded:
        records = decoded["Records"]
        if not isinstance(records, list):
            raise InvalidStreamingRecordError("Records is not a list")
        return [parse_streaming_record(record, index=i) for i, record in enumerate(records)]
    return [parse_streaming_record(decoded)]


def parse_streaming_record(record: EventInput, *, index: Optional[int] = None) -> StreamingRecord:
    """Parse one record (Lambda record, ``Sns`` mapping, SNS HTTP body or bare item)."""
    decoded = _decode(record, "the record is not a JSON object", index, None)
    sns = decoded.get("Sns") if "Sns" in decoded else decoded
    if not isinstance(sns, Mapping):
        raise InvalidStreamingRecordError("Sns is not an object", index=index)
    if sns.get("Type") in _ITEM_TYPES and "Message" not in sns:
        return _build(sns, {}, sns, index=index)
    message_id = _optional_text(sns.get("MessageId"))
    kind = sns.get("Type")
    if kind != "Notification":
        if kind in _SNS_TYPES:
            reason = f"a {kind}, not a Notification (confirm subscriptions separately)"
        else:
            reason = "not an SNS Notification (Type is missing or unknown)"
        raise InvalidStreamingRecordError(reason, index=index, message_id=message_id)
    message = sns.get("Message")
    if not isinstance(message, str):
        raise InvalidStreamingRecordError(
            "Message is not a string", index=index, message_id=message_id
        )
    item = _decode(message, "Message is not a JSON chat item", index, message_id)
    attributes = _attributes(sns.get("MessageAttributes"), index, message_id)
    return _build(item, attributes, decoded, index=index, sns=sns)


def _build(
    item: Mapping[str, Any],
    attributes: dict[str, str],
    raw: Mapping[str, Any],
    *,
    index: Optional[int],
    sns: Optional[Mapping[str, Any]] = None,
) -> StreamingRecord:
    sns = sns or {}
    message_id = _optional_text(sns.get("MessageId"))
    # Kept as given, even outside VISIBILITIES: a new visibility is the service's to define.
    visibility = attributes.get("MessageVisibility")
    item_type = item.get("Type")
    if not isinstance(item_type, str) or not item_type:
        raise InvalidStreamingRecordError(
            "the chat item has no Type", index=index, message_id=message_id
        )

    def pick(name: str) -> Optional[str]:
        return attributes.get(name) or _optional_text(item.get(name))

    return StreamingRecord(
        event=event_from_item(item),
        item=item,
        contact_id=pick("ContactId"),
        initial_contact_id=pick("InitialContactId"),
        participant_role=pick("ParticipantRole"),
        visibility=visibility,
        instance_id=attributes.get("InstanceId"),
        account_id=attributes.get("AccountId"),
        message_id=message_id,
        topic_arn=_optional_text(sns.get("TopicArn")),
        timestamp=_optional_text(sns.get("Timestamp")),
        attributes=attributes,
        raw=raw,
    )


def _decode(
    value: EventInput, reason: str, index: Optional[int], message_id: Optional[str]
) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, (bytes, bytearray, str)):
        try:
            decoded = json.loads(value)
        except ValueError:
            raise InvalidStreamingRecordError(reason, index=index, message_id=message_id) from None
        if isinstance(decoded, Mapping):
            return decoded
    raise InvalidStreamingRecordError(reason, index=index, message_id=message_id)


def _attributes(found: Any, index: Optional[int], message_id: Optional[str]) -> dict[str, str]:
    if found is None:
        return {}
    if not isinstance(found, Mapping):
        raise InvalidStreamingRecordError(
            "MessageAttributes is not an object", index=index, message_id=message_id
        )
    attributes: dict[str, str] = {}
    for name, value in found.items():
        if isinstance(value, Mapping):
            value = value.get("Value", value.get("StringValue"))
        if isinstance(value, str):
            attributes[str(name)] = value
    return attributes


def _optional_text(value: Any) -> Optional[str]:
    return None if value is None else str(value)
