"""SNS signature verification and subscription confirmation, with a test CA made here."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from boto3_connectparticipant_ext.streaming import (
    CertificateFetchError,
    InvalidSignatureError,
    SnsMessageVerifier,
    SubscriptionConfirmationError,
    UnsignedMessageError,
    UntrustedCertificateUrlError,
    confirm_subscription,
    is_sns_url,
)
from boto3_connectparticipant_ext.streaming._canonical import string_to_sign

CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123.pem"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:chat"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="module")
def pki() -> dict[str, Any]:
    """A test CA and an SNS-like signing certificate it issued; plus a stranger's key."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test CA"))
        .issuer_name(_name("Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("sns.amazonaws.com"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(ca_key, hashes.SHA256())
    )
    return {
        "key": key,
        "pem": cert.public_bytes(serialization.Encoding.PEM),
        "stranger": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }


def _sign(message: dict[str, Any], key: Any, version: str = "2") -> dict[str, Any]:
    digest = hashes.SHA256() if version == "2" else hashes.SHA1()
    signed = dict(message, SignatureVersion=version, SigningCertURL=CERT_URL)
    raw = key.sign(string_to_sign(signed).encode(), padding.PKCS1v15(), digest)
    signed["Signature"] = base64.b64encode(raw).decode()
    return signed


def _notification(**extra: Any) -> dict[str, Any]:
    message = {
        "Type": "Notification",
        "MessageId": "5b6f2c0e-0000-4c5e-9d6b-1d2f3a4b5c6d",
        "TopicArn": TOPIC,
        "Message": json.dumps({"Type": "MESSAGE", "Content": "hi", "Id": "m-1"}),
        "Timestamp": "2024-05-01T10:00:00.000Z",
        "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
    }
    message.update(extra)
    return message


def _confirmation(kind: str = "SubscriptionConfirmation") -> dict[str, Any]:
    return {
        "Type": kind,
        "MessageId": "c-1",
        "Token": "2336412f37fb687f5d51e6e2425",
        "TopicArn": TOPIC,
        "Message": "You have chosen to subscribe to the topic.",
        "SubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"
        "&TopicArn=" + TOPIC + "&Token=2336412f37fb687f5d51e6e2425",
        "Timestamp": "2024-05-01T10:00:00.000Z",
    }


class _Fetcher:
    def __init__(self, pem: bytes) -> None:
        self.pem = pem
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return self.pem


@pytest.mark.parametrize("version", ["1", "2"])
@pytest.mark.parametrize(
    "kind", ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]
)
def test_genuine_messages_verify_and_the_certificate_is_fetched_once(
    pki: dict[str, Any], version: str, kind: str
) -> None:
    fetcher = _Fetcher(pki["pem"])
    verifier = SnsMessageVerifier(fetch_certificate=fetcher)
    base = _notification() if kind == "Notification" else _confirmation(kind)
    message = _sign(base, pki["key"], version)
    assert verifier.verify(json.dumps(message))["MessageId"] == base["MessageId"]
    assert verifier.verify(message) == message
    assert fetcher.urls == [CERT_URL]


def test_subject_is_signed_when_present_and_lambda_spelling_is_read(pki: dict[str, Any]) -> None:
    verifier = SnsMessageVerifier(fetch_certificate=_Fetcher(pki["pem"]))
    message = _sign(_notification(Subject="Hello"), pki["key"])
    message["SigningCertUrl"] = message.pop("SigningCertURL")
    verifier.verify({"EventSource": "aws:sns", "Sns": message})
    with pytest.raises(InvalidSignatureError):
        verifier.verify(dict(message, Subject="Changed"))


@pytest.mark.parametrize("field", ["Message", "MessageId", "Timestamp", "TopicArn", "Type"])
def test_tampered_notifications_are_refused(pki: dict[str, Any], field: str) -> None:
    verifier = SnsMessageVerifier(fetch_certificate=_Fetcher(pki["pem"]))
    message = _sign(_notification(), pki["key"])
    value = "UnsubscribeConfirmation" if field == "Type" else message[field] + "x"
    with pytest.raises(InvalidSignatureError):
        verifier.verify(dict(message, **{field: value}))


def test_forged_signature_and_wrong_version_are_refused(pki: dict[str, Any]) -> None:
    verifier = SnsMessageVerifier(fetch_certificate=_Fetcher(pki["pem"]))
    with pytest.raises(InvalidSignatureError, match="does not match"):
        verifier.verify(_sign(_notification(), pki["stranger"]))
    sha1_as_2 = _sign(_notification(), pki["key"], "1")
    with pytest.raises(InvalidSignatureError):
        verifier.verify(dict(sha1_as_2, SignatureVersion="2"))
    with pytest.raises(InvalidSignatureError, match="SignatureVersion"):
        verifier.verify(dict(sha1_as_2, SignatureVersion="3"))
    with pytest.raises(InvalidSignatureError):
        verifier.verify(dict(sha1_as_2, Signature="!!not base64!!"))


@pytest.mark.parametrize("missing", ["Signature", "SignatureVersion", "SigningCertURL"])
def test_unsigned_messages_are_refused_before_any_fetch(pki: dict[str, Any], missing: str) -> None:
    fetcher = _Fetcher(pki["pem"])
    message = _sign(_notification(), pki["key"])
    del message[missing]
    with pytest.raises(UnsignedMessageError):
        SnsMessageVerifier(fetch_certificate=fetcher).verify(message)
    assert fetcher.urls == []
    with pytest.raises(UnsignedMessageError):
        SnsMessageVerifier().verify(b"not json")


@pytest.mark.parametrize(
    "url",
    [
        "http://sns.eu-west-1.amazonaws.com/cert.pem",
        "https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem",
        "https://evil.example/sns.eu-west-1.amazonaws.com/cert.pem",
        "https://attacker@sns.eu-west-1.amazonaws.com/cert.pem",
        "https://sns.eu-west-1.amazonaws.com:8443/cert.pem",
        "https://s3.eu-west-1.amazonaws.com/cert.pem",
        "https://127.0.0.1/cert.pem",
    ],
)
def test_wrong_hosts_are_refused_before_any_fetch(pki: dict[str, Any], url: str) -> None:
    fetcher = _Fetcher(pki["pem"])
    message = _sign(_notification(), pki["key"])
    message["SigningCertURL"] = url
    with pytest.raises(UntrustedCertificateUrlError) as caught:
        SnsMessageVerifier(fetch_certificate=fetcher).verify(message)
    assert fetcher.urls == [] and "cert.pem" not in str(caught.value)
    assert not is_sns_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://sns.us-east-1.amazonaws.com/x.pem",
        "https://sns.cn-north-1.amazonaws.com.cn/x.pem",
        "https://sns.us-gov-west-1.amazonaws.com/x.pem",
        "https://sns.us-iso-east-1.c2s.ic.gov/x.pem",
        "https://SNS.EU-WEST-1.AMAZONAWS.COM:443/x.pem",
    ],
)
def test_sns_hosts_of_every_partition(url: str) -> None:
    assert is_sns_url(url)


def test_trusted_certificate_hook_and_bad_certificates(pki: dict[str, Any]) -> None:
    local = "http://127.0.0.1:9/test.pem"
    # SigningCertURL is not part of the signed string: pointing it elsewhere keeps the signature.
    message = dict(_sign(_notification(), pki["key"]), SigningCertURL=local)
    with pytest.raises(UntrustedCertificateUrlError):
        SnsMessageVerifier().verify(message)
    verifier = SnsMessageVerifier(trusted_certificates={local: pki["pem"]})
    assert verifier.verify(message)["Type"] == "Notification"
    with pytest.raises(CertificateFetchError):
        SnsMessageVerifier(fetch_certificate=lambda url: b"garbage").verify(
            _sign(_notification(), pki["key"])
        )


def test_trust_pins_a_certificate_after_construction_and_replaces_the_cached_key(
    pki: dict[str, Any],
) -> None:
    local = "http://127.0.0.1:9/pinned.pem"
    message = dict(_sign(_notification(), pki["key"]), SigningCertURL=local)
    verifier = SnsMessageVerifier()
    with pytest.raises(UntrustedCertificateUrlError):
        verifier.verify(message)
    verifier.trust(local, pki["pem"])
    assert verifier.verify(message)["Type"] == "Notification"
    # A new pin replaces the key read from the old one (no stale cached key).
    verifier.trust(local, b"not a certificate")
    with pytest.raises(CertificateFetchError):
        verifier.verify(message)


def test_confirm_subscription_visits_the_url_only_when_verified(pki: dict[str, Any]) -> None:
    verifier = SnsMessageVerifier(fetch_certificate=_Fetcher(pki["pem"]))
    visited: list[str] = []

    def opener(url: str) -> bytes:
        visited.append(url)
        return (
            b"<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>"
            + TOPIC.encode()
            + b":sub-9</SubscriptionArn></ConfirmSubscriptionResult>"
            b"</ConfirmSubscriptionResponse>"
        )

    good = _sign(_confirmation(), pki["key"])
    assert confirm_subscription(good, verifier, opener=opener) == TOPIC + ":sub-9"
    assert visited == [good["SubscribeURL"]]
    forged = dict(good, SubscribeURL="https://sns.eu-west-1.amazonaws.com/?evil=1")
    with pytest.raises(InvalidSignatureError):
        confirm_subscription(forged, verifier, opener=opener)
    off_host = _sign(dict(_confirmation(), SubscribeURL="https://evil.example/confirm"), pki["key"])
    with pytest.raises(UntrustedCertificateUrlError):
        confirm_subscription(off_host, verifier, opener=opener)
    with pytest.raises(SubscriptionConfirmationError):
        confirm_subscription(_sign(_notification(), pki["key"]), verifier, opener=opener)

    def failing(url: str) -> bytes:
        raise OSError("connection refused")

    with pytest.raises(SubscriptionConfirmationError) as caught:
        confirm_subscription(good, verifier, opener=failing)
    assert "Token" not in str(caught.value)
    assert len(visited) == 1
