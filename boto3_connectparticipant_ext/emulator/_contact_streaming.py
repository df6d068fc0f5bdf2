"""Contact streaming delivery: StartContactStreaming items published as SNS would.

The Connect admin routes StartContactStreaming / StopContactStreaming (in
``_connect_api``) keep each contact's ``ChatStreamingConfiguration``. This module
stands in for SNS: a subscription ties a topic ARN (the
``StreamingEndpointArn``) to a local ``http://127.0.0.1:...`` endpoint (SNS HTTP
delivery: a signed ``Notification`` JSON body POSTed with SNS's headers) or to
a Python callback (Lambda delivery: an ``{"Records": [{"Sns": ...}]}`` event).

Every item pushed to the contact's sockets (messages, attachments, events,
receipts, typing, streamed chunks) is published once per subscription, in
order, from one delivery thread (so a callback may call the emulator back).
Notifications are signed (SignatureVersion 2, SHA256withRSA) with a test
certificate generated once per process; its URL is not served: trust it with
``SnsMessageVerifier(trusted_certificates={cert_url: certificate_pem})``.

Choices where the documentation is silent: ``MessageVisibility`` is ``ALL`` for
every item (the emulator has no flow blocks that address one side); an HTTP
endpoint's non-2xx answer or connection error is recorded in ``failures`` and
not retried.

Examples
--------
>>> from boto3_connectparticipant_ext.emulator import Emulator
>>> with Emulator() as emu:
...     received = []
...     _ = emu.contact_streaming.subscribe("arn:aws:sns:us-east-1:123456789012:t",
...                                         received.append)
...     emu.contact_streaming.certificate_url.endswith(".pem")
True
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
import queue
import threading
import urllib.request
from typing import Any, Callable, Optional, Union

from boto3_connectparticipant_ext.emulator._ids import iso_timestamp, new_id
from boto3_connectparticipant_ext.emulator._state import ChatState, Contact
from boto3_connectparticipant_ext.emulator.errors import EmulatorError
from boto3_connectparticipant_ext.streaming._canonical import string_to_sign

Target = Union[str, Callable[[dict[str, Any]], Any]]
_CERT_LOCK = threading.Lock()
_CERT: Optional[tuple[Any, bytes]] = None
_HUB_LOCK = threading.Lock()
"""Guards the creation (and the closing) of a server's one hub, whatever the thread."""
_HTTP_TIMEOUT = 10.0


def signing_certificate() -> tuple[Any, bytes]:
    """The process's test signing key and its self-signed certificate (PEM), made once."""
    global _CERT
    with _CERT_LOCK:
        if _CERT is None:
            _CERT = _make_certificate()
        return _CERT


def _make_certificate() -> tuple[Any, bytes]:
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
    except ImportError:  # pragma: no cover - depends on the installation
        raise EmulatorError(
            "contact streaming needs cryptography: "
            "pip install 'boto3-connectparticipant-ext[streaming]'"
        ) from None
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.emulator.invalid")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM)


@dataclasses.dataclass(frozen=True)
class Subscription:
    subscription_arn: str
    topic_arn: str
    target: Target = dataclasses.field(repr=False)


class ContactStreaming:
    """The emulator's stand-in for SNS topics of streamed contacts."""

    def __init__(self, state: ChatState, *, endpoint_url: str) -> None:
        self._state = state
        self._key, self.certificate_pem = signing_certificate()
        self.certificate_url = f"{endpoint_url}/_emulator/sns/SimpleNotificationService-test.pem"
        self._endpoint_url = endpoint_url
        self._subscriptions: dict[str, Subscription] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[Optional[tuple[Subscription, dict[str, Any]]]] = queue.Queue()
        self.published = 0
        self.failures: list[str] = []
        self._thread = threading.Thread(
            target=self._deliver_forever, name="emulator-contact-streaming", daemon=True
        )
        self._thread.start()
        state.item_listeners.append(self._on_item)

    def subscribe(self, topic_arn: str, target: Target) -> str:
        """Deliver the topic's notifications to an ``http://`` URL or a callback."""
        if not isinstance(topic_arn, str) or not topic_arn.startswith("arn:"):
            raise EmulatorError("topic_arn must be an SNS topic ARN")
        if isinstance(target, str):
            if not target.startswith(("http://", "https://")):
                raise EmulatorError("an endpoint must be an http:// or https:// URL")
        elif not callable(target):
            raise EmulatorError("target must be a URL or a callable")
        subscription = Subscription(f"{topic_arn}:{new_id()}", topic_arn, target)
        with self._lock:
            self._subscriptions[subscription.subscription_arn] = subscription
        return subscription.subscription_arn

    def unsubscribe(self, subscription_arn: str) -> None:
        with self._lock:
            self._subscriptions.pop(subscription_arn, None)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued notification was delivered; ``False`` on timeout."""
        done = threading.Event()
        self._queue.put((Subscription("", "", lambda _: done.set()), {}))
        return done.wait(timeout)

    def close(self) -> None:
        if self._on_item in self._state.item_listeners:
            self._state.item_listeners.remove(self._on_item)
        self._queue.put(None)

    # -- publishing (on the emulator's loop thread) --------------------------------

    def _on_item(self, contact: Contact, item: dict[str, Any]) -> None:
        topics = {
            str(config.get("StreamingEndpointArn"))
            for config in contact.streaming.values()
            if config.get("StreamingEndpointArn")
        }
        if not topics:
            return
        with self._lock:
            subscriptions = [s for s in self._subscriptions.values() if s.topic_arn in topics]
        for subscription in subscriptions:
            self._queue.put((subscription, self._notification(contact, item, subscription)))

    def _notification(
        self, contact: Contact, item: dict[str, Any], subscription: Subscription
    ) -> dict[str, Any]:
        config = self._state.config
        attributes = {
            "InitialContactId": contact.initial_contact_id,
            "ContactId": contact.contact_id,
            "ParticipantRole": item.get("ParticipantRole") or "SYSTEM",
            "InstanceId": contact.instance_id,
            "AccountId": config.account_id,
            "Type": item.get("Type") or "EVENT",
            "ContentType": item.get("ContentType") or "",
            "MessageVisibility": "ALL",
        }
        body: dict[str, Any] = {
            "Type": "Notification",
            "MessageId": new_id(),
            "TopicArn": subscription.topic_arn,
            "Message": json.dumps(item, separators=(",", ":")),
            "Timestamp": iso_timestamp(self._state.clock()),
            "SignatureVersion": "2",
            "SigningCertURL": self.certificate_url,
            "UnsubscribeURL": f"{self._endpoint_url}/_emulator/sns/unsubscribe"
            f"?SubscriptionArn={subscription.subscription_arn}",
            "MessageAttributes": {
                name: {"Type": "String", "Value": value} for name, value in attributes.items()
            },
        }
        body["Signature"] = self._sign(string_to_sign(body))
        self.published += 1
        return body

    def _sign(self, text: str) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        signature = self._key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    # -- delivery (on the delivery thread) -------------------------------------------

    def _deliver_forever(self) -> None:
        while True:
            entry = self._queue.get()
            if entry is None:
                return
            subscription, body = entry
            try:
                self._deliver(subscription, body)
            except Exception as error:  # a subscriber's failure must not stop delivery
                self.failures.append(f"{subscription.topic_arn}: {type(error).__name__}: {error}")

    def _deliver(self, subscription: Subscription, body: dict[str, Any]) -> None:
        target = subscription.target
        if callable(target):
            target(body if not subscription.topic_arn else _lambda_event(subscription, body))
            return
        request = urllib.request.Request(
            target,
            data=json.dumps(body).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "text/plain; charset=UTF-8",
                "x-amz-sns-message-type": "Notification",
                "x-amz-sns-message-id": body["MessageId"],
                "x-amz-sns-topic-arn": subscription.topic_arn,
                "x-amz-sns-subscription-arn": subscription.subscription_arn,
                "User-Agent": "Amazon Simple Notification Service Agent",
            },
        )
        with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT) as response:
            response.read()


def _lambda_event(subscription: Subscription, body: dict[str, Any]) -> dict[str, Any]:
    sns = {key: value for key, value in body.items() if not key.endswith("URL")}
    sns["SigningCertUrl"] = body["SigningCertURL"]
    sns["UnsubscribeUrl"] = body["UnsubscribeURL"]
    sns["Subject"] = None
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription.subscription_arn,
                "Sns": sns,
            }
        ]
    }


def hub_of(server: Any) -> ContactStreaming:
    """The running ``server``'s one hub, created on first use (thread-safe)."""
    with _HUB_LOCK:
        hub: Optional[ContactStreaming] = getattr(server, "contact_streaming", None)
        if hub is None:
            state = server.controller.state
            hub = server.call(lambda: ContactStreaming(state, endpoint_url=server.endpoint_url))
            server.contact_streaming = hub
        return hub


def close_hub(server: Any) -> None:
    """Close the hub of ``server`` if it has one; the next ``hub_of`` makes a new one."""
    with _HUB_LOCK:
        hub: Optional[ContactStreaming] = getattr(server, "contact_streaming", None)
        server.contact_streaming = None
    if hub is not None:
        hub.close()
