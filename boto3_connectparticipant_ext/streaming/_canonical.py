"""The string SNS signs, per message type (pure; shared by the verifier and the emulator).

Per AWS's "Verifying the signatures of Amazon SNS messages": the listed keys, in
byte order, each as ``Key\\nValue\\n``. A Notification's ``Subject`` is included
only when present (Lambda events give ``null`` for none); confirmations sign
``SubscribeURL`` and ``Token`` instead of ``Subject``. Lambda spells the URL
keys ``SigningCertUrl``/``SubscribeUrl``: both spellings are read.

Examples
--------
>>> string_to_sign({"Type": "Notification", "Message": "m", "MessageId": "1",
...                 "Timestamp": "t", "TopicArn": "arn"})
'Message\\nm\\nMessageId\\n1\\nTimestamp\\nt\\nTopicArn\\narn\\nType\\nNotification\\n'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

NOTIFICATION_KEYS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_KEYS = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
CONFIRMATION_TYPES = frozenset({"SubscriptionConfirmation", "UnsubscribeConfirmation"})
SIGNED_TYPES = frozenset({"Notification"}) | CONFIRMATION_TYPES


def field(message: Mapping[str, Any], name: str) -> Optional[str]:
    """``message[name]`` accepting Lambda's ``...Url`` spelling of ``...URL`` keys."""
    value = message.get(name)
    if value is None and name.endswith("URL"):
        value = message.get(name[:-3] + "Url")
    return None if value is None else str(value)


def string_to_sign(message: Mapping[str, Any]) -> str:
    """The canonical string of ``message`` (its ``Type`` must be one SNS signs)."""
    kind = message.get("Type")
    if kind not in SIGNED_TYPES:
        raise ValueError(f"SNS does not sign messages of Type {kind!r}")
    keys = NOTIFICATION_KEYS if kind == "Notification" else CONFIRMATION_KEYS
    parts = []
    for key in keys:
        value = field(message, key)
        if value is None:
            if key == "Subject":
                continue
            raise ValueError(f"the {kind} has no {key}")
        parts.append(f"{key}\n{value}\n")
    return "".join(parts)
