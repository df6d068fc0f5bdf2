"""AWS Lambda function that answers inbound chat messages as a bot participant.

Wiring (one way to deploy it):

1. The contact flow adds a bot participant to the chat (Amazon Connect ``CreateParticipant`` with
   ``ParticipantRole=CUSTOM_BOT``), stores its ParticipantToken keyed by ContactId, and starts
   message streaming to an SNS topic (``StartContactStreaming``).
2. This function subscribes to that topic. Each SNS record carries one chat item as JSON; for
   every customer message it replies through the Participant Service as the bot.

Activation, three ways (see the README's Lambda section); all need the layer from
``make layer`` attached to the function:

* in code (the default here): ``boto3_connectparticipant_ext.install()`` at import time;
* ``BOTOCORE_EXPERIMENTAL__PLUGINS=connectparticipant=boto3_connectparticipant_ext`` in the
  function's environment (botocore >= 1.39.9, so the full layer or a recent runtime);
* ``AWS_DATA_PATH=/opt/python/boto3_connectparticipant_ext/data`` (the model alone, any botocore).

For the last two set ``CPX_ACTIVATION=environment`` so this module does not call ``install()``.
Either way the Lambda role's credentials (``AWS_ACCESS_KEY_ID``... in the environment) are never
sent to the Participant Service: it authenticates with the bearer token only.

The bot's tokens come from :func:`participant_token_for`; replace its body with a lookup in your
store (DynamoDB, Secrets Manager). The connection token is cached per contact while the execution
environment stays warm, and renewed once when the service refuses it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.exceptions import ClientError

if os.environ.get("CPX_ACTIVATION", "code") == "code":
    import boto3_connectparticipant_ext

    boto3_connectparticipant_ext.install()

_connection_tokens: dict[str, str] = {}
_client: Any = None


def participant_token_for(contact_id: str) -> str:
    """Return the bot participant's ParticipantToken for ``contact_id``.

    This example reads a JSON object ``{"<ContactId>": "<ParticipantToken>"}`` from the
    environment variable ``BOT_PARTICIPANT_TOKENS``; a real deployment looks it up in the store
    the contact flow wrote it to.
    """
    tokens: Mapping[str, str] = json.loads(os.environ.get("BOT_PARTICIPANT_TOKENS", "{}"))
    try:
        return tokens[contact_id]
    except KeyError:
        raise LookupError(f"no bot participant token for contact {contact_id}") from None


def answer(text: str) -> str:
    """Return the bot's reply to a customer message.

    Examples
    --------
    >>> answer("What are your opening hours?")
    'We are open Monday to Friday, 9:00 to 17:00.'
    >>> answer("hello")
    'Thanks for your message: "hello". An agent will follow up shortly.'
    """
    if "hour" in text.lower():
        return "We are open Monday to Friday, 9:00 to 17:00."
    return f'Thanks for your message: "{text}". An agent will follow up shortly.'


def _participant_client() -> Any:
    global _client
    if _client is None:
        # PARTICIPANT_ENDPOINT_URL is for tests against the emulator; in AWS leave it unset.
        _client = boto3.client(
            "connectparticipant", endpoint_url=os.environ.get("PARTICIPANT_ENDPOINT_URL") or None
        )
    return _client


def _connection_token(contact_id: str, *, renew: bool = False) -> str:
    if renew or contact_id not in _connection_tokens:
        response = _participant_client().create_participant_connection(
            ParticipantToken=participant_token_for(contact_id),
            Type=["CONNECTION_CREDENTIALS"],
            ConnectParticipant=True,
        )
        _connection_tokens[contact_id] = response["ConnectionCredentials"]["ConnectionToken"]
    return _connection_tokens[contact_id]


def _reply(contact_id: str, text: str) -> None:
    client = _participant_client()
    for renew in (False, True):
        token = _connection_token(contact_id, renew=renew)
        try:
            client.send_message(ConnectionToken=token, Content=text, ContentType="text/plain")
            return
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code != "AccessDeniedException" or renew:
                raise
            # An expired connection token: connect again once.


def _chat_items(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = []
    for record in event.get("Records", ()):
        message = (record.get("Sns") or {}).get("Message")
        if message:
            items.append(json.loads(message))
    return items


def handler(event: Mapping[str, Any], context: Any) -> dict[str, int]:
    """Answer every customer message in an SNS batch of streamed chat items.

    Returns how many messages were answered and how many items were skipped (events, the bot's
    own messages, agents' messages).
    """
    answered = skipped = 0
    for item in _chat_items(event):
        is_customer_message = (
            item.get("Type") == "MESSAGE" and item.get("ParticipantRole") == "CUSTOMER"
        )
        if not is_customer_message:
            skipped += 1
            continue
        _reply(str(item["ContactId"]), answer(str(item.get("Content", ""))))
        answered += 1
    return {"answered": answered, "skipped": skipped}
