"""An SMS <-> Amazon Connect chat bridge as two AWS Lambda handlers.

* ``inbound_sms_handler``: your SMS provider's webhook (or an SNS topic of
  inbound texts) calls it with ``{"from": "+15550100", "text": "..."}``; the text
  goes into that number's chat, starting one (or a persistent chat continuing the
  ended one) when needed.
* ``lambda_handler``: subscribed to the SNS topic Connect streams the chats to
  (``StartContactStreaming`` is called by the bridge for every chat it starts).
  The agent's messages are texted back; the bridge's own messages, streamed back
  too, are dropped as echoes.

Configuration (environment): ``CONNECT_INSTANCE_ID``, ``CONNECT_CONTACT_FLOW_ID``,
``STREAMING_TOPIC_ARN``, optional ``BRIDGE_TABLE`` (a DynamoDB table with a string
partition key ``pk``; without it chats are kept in memory), ``CPX_ENDPOINT_URL``
(an emulator; leave unset for AWS) and ``AWS_REGION``.

Replace :func:`send_sms` with your provider's call (for example
``boto3.client("pinpoint-sms-voice-v2").send_text_message(...)``).
"""

from __future__ import annotations

import os
from typing import Any, Optional

from boto3_connectparticipant_ext.chat.events import AttachmentEvent, MessageEvent
from boto3_connectparticipant_ext.streaming import StreamingRecord
from boto3_connectparticipant_ext.streaming.bridge import Bridge
from boto3_connectparticipant_ext.streaming.tokens import (
    BridgedChat,
    DynamoDBTokenStore,
    InMemoryTokenStore,
    TokenStore,
)


def send_sms(to: str, text: str) -> None:
    """Send a text message (replace with your SMS provider's API)."""
    print(f"SMS to {to}: {text}")


class SmsBridge(Bridge):
    """The customer side of a chat, spoken for by an SMS number."""

    def on_message(
        self, chat: BridgedChat, event: MessageEvent, record: StreamingRecord
    ) -> Optional[str]:
        send_sms(chat.key, event.content)
        return None

    def on_attachment(
        self, chat: BridgedChat, event: AttachmentEvent, record: StreamingRecord
    ) -> Optional[str]:
        names = ", ".join(a.name or "file" for a in event.attachments)
        send_sms(chat.key, f"(the agent sent: {names})")
        return None


def build_bridge() -> SmsBridge:
    table = os.environ.get("BRIDGE_TABLE")
    store: TokenStore = DynamoDBTokenStore(table) if table else InMemoryTokenStore()
    return SmsBridge(
        store=store,
        instance_id=os.environ["CONNECT_INSTANCE_ID"],
        contact_flow_id=os.environ["CONNECT_CONTACT_FLOW_ID"],
        streaming_topic_arn=os.environ["STREAMING_TOPIC_ARN"],
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        endpoint_url=os.environ.get("CPX_ENDPOINT_URL") or None,
        display_name="SMS customer",
    )


_BRIDGE: Optional[SmsBridge] = None


def bridge() -> SmsBridge:
    """One bridge per execution environment (clients and store reused while warm)."""
    global _BRIDGE
    if _BRIDGE is None:
        _BRIDGE = build_bridge()
    return _BRIDGE


def lambda_handler(event: dict[str, Any], context: Any = None) -> dict[str, int]:
    """The SNS subscription of the streaming topic."""
    return bridge()(event, context)


def inbound_sms_handler(event: dict[str, Any], context: Any = None) -> dict[str, str]:
    """An inbound text: ``{"from": number, "text": body}``."""
    message_id = bridge().send_text(str(event["from"]), str(event["text"]))
    return {"messageId": message_id}
