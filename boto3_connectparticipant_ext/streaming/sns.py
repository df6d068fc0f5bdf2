"""SNS HTTP(S) delivery done safely: signature verification and subscription confirmation.

:class:`SnsMessageVerifier` checks an SNS message (Notification,
SubscriptionConfirmation, UnsubscribeConfirmation) before anything acts on it:

* it must be signed: ``Signature``, ``SignatureVersion`` and ``SigningCertURL``;
* ``SigningCertURL`` must be ``https`` on an SNS host (``sns.<region>.amazonaws.com``,
  ``.amazonaws.com.cn``, and the isolated partitions' ``c2s.ic.gov`` /
  ``sc2s.sgov.gov``), with no user info and no port but 443;
* the certificate is fetched (pluggable ``fetch_certificate``, cached per URL) and
  the signature over the canonical string is checked with its public key:
  SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA (``cryptography``,
  the ``streaming`` extra).

``trusted_certificates`` maps a certificate URL to its PEM: those URLs skip the
host check and the fetch (the emulator's test certificate, or a pinned one).
The certificate's validity period is not checked, as AWS's own SDK validators
do not: its authenticity comes from the https fetch from an SNS host.

:func:`confirm_subscription` visits ``SubscribeURL`` only after the message is
verified and only when that URL is ``https`` on an SNS host too.

Examples
--------
>>> is_sns_url("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem")
True
>>> is_sns_url("https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem")
False
>>> is_sns_url("http://sns.us-east-1.amazonaws.com/cert.pem")
False
>>> from boto3_connectparticipant_ext.streaming.errors import UnsignedMessageError
>>> try:
...     SnsMessageVerifier().verify({"Type": "Notification", "Message": "{}", "MessageId": "m-1"})
... except UnsignedMessageError as error:
...     print(error)
MessageId m-1: the message is not signed
"""

from __future__ import annotations

import base64
import collections
import json
import re
import threading
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Callable, Optional, Union

from ._canonical import SIGNED_TYPES, field, string_to_sign
from .errors import (
    CertificateFetchError,
    InvalidSignatureError,
    StreamingError,
    SubscriptionConfirmationError,
    UnsignedMessageError,
    UntrustedCertificateUrlError,
)

__all__ = ["SnsMessageVerifier", "confirm_subscription", "is_sns_url"]

_SNS_HOST = re.compile(
    r"^sns\.[a-z0-9-]+\.(amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)$"
)
MAX_CERTIFICATE_BYTES = 64 * 1024
CACHE_SIZE = 32
_HASHES = {"1": "SHA1", "2": "SHA256"}

Fetcher = Callable[[str], bytes]
Message = Union[bytes, str, Mapping[str, Any]]


def is_sns_url(url: str) -> bool:
    """Whether ``url`` is ``https`` on an SNS host (no user info, default port)."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return (
        parts.scheme == "https"
        and "@" not in parts.netloc
        and port in (None, 443)
        and bool(_SNS_HOST.match(host))
    )


def _host_of(url: str) -> str:
    try:
        return urllib.parse.urlsplit(url).hostname or "?"
    except ValueError:
        return "?"


def fetch_https(url: str, *, timeout: float = 10.0) -> bytes:
    """Fetch a certificate over https (the default fetcher); at most 64 KiB."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body: bytes = response.read(MAX_CERTIFICATE_BYTES + 1)
    except Exception as error:
        raise CertificateFetchError(
            f"cannot fetch the signing certificate from {_host_of(url)}: {type(error).__name__}"
        ) from None
    if len(body) > MAX_CERTIFICATE_BYTES:
        raise CertificateFetchError(f"the certificate from {_host_of(url)} is too large")
    return body


class SnsMessageVerifier:
    """Verify SNS message signatures; safe to share between threads.

    Examples
    --------
    >>> SnsMessageVerifier(trusted_certificates={"http://127.0.0.1:1/cert.pem": b"..."})
    SnsMessageVerifier(trusted=1)
    """

    def __init__(
        self,
        *,
        fetch_certificate: Optional[Fetcher] = None,
        trusted_certificates: Optional[Mapping[str, bytes]] = None,
        is_trusted_url: Callable[[str], bool] = is_sns_url,
    ) -> None:
        self._fetch = fetch_certificate or fetch_https
        self._trusted = dict(trusted_certificates or {})
        self._is_trusted_url = is_trusted_url
        self._keys: collections.OrderedDict[str, Any] = collections.OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SnsMessageVerifier(trusted={len(self._trusted)})"

    def trust(self, url: str, pem: bytes) -> None:
        """Trust ``pem`` as the certificate at ``url`` (tests, pinned certificates)."""
        with self._lock:
            self._trusted[url] = pem
            self._keys.pop(url, None)

    def verify(self, message: Message) -> Mapping[str, Any]:
        """Return the decoded message if its signature is valid; raise otherwise."""
        decoded = _decode(message)
        message_id = field(decoded, "MessageId") or "?"
        where = f"MessageId {message_id}"
        signature = field(decoded, "Signature")
        version = field(decoded, "SignatureVersion")
        cert_url = field(decoded, "SigningCertURL")
        if not signature or not version or not cert_url:
            raise UnsignedMessageError(f"{where}: the message is not signed")
        if decoded.get("Type") not in SIGNED_TYPES:
            raise InvalidSignatureError(f"{where}: SNS signs no message of this Type")
        if version not in _HASHES:
            raise InvalidSignatureError(f"{where}: unsupported SignatureVersion {version[:8]!r}")
        key = self._public_key(cert_url, where)
        try:
            raw_signature = base64.b64decode(signature, validate=True)
            canonical = string_to_sign(decoded).encode("utf-8")
        except ValueError:
            raise InvalidSignatureError(f"{where}: the signature does not match") from None
        padding, hashes, invalid = _crypto()
        try:
            key.verify(
                raw_signature, canonical, padding.PKCS1v15(), getattr(hashes, _HASHES[version])()
            )
        except invalid:
            raise InvalidSignatureError(f"{where}: the signature does not match") from None
        except (TypeError, ValueError):
            raise InvalidSignatureError(f"{where}: the certificate holds no RSA key") from None
        return decoded

    def _public_key(self, url: str, where: str) -> Any:
        with self._lock:
            cached = self._keys.get(url)
            if cached is not None:
                self._keys.move_to_end(url)
                return cached
            pem = self._trusted.get(url)
        if pem is None:
            if not self._is_trusted_url(url):
                raise UntrustedCertificateUrlError(
                    f"{where}: SigningCertURL is not an https URL of an SNS host "
                    f"(host {_host_of(url)})"
                )
            pem = self._fetch(url)
        key = _load_key(pem, where)
        with self._lock:
            self._keys[url] = key
            while len(self._keys) > CACHE_SIZE:
                self._keys.popitem(last=False)
        return key


def confirm_subscription(
    message: Message,
    verifier: SnsMessageVerifier,
    *,
    is_trusted_url: Callable[[str], bool] = is_sns_url,
    opener: Optional[Callable[[str], bytes]] = None,
    timeout: float = 10.0,
) -> Optional[str]:
    """Verify a SubscriptionConfirmation, then visit its ``SubscribeURL``.

    Returns the ``SubscriptionArn`` SNS answers with (``None`` if the answer has none).
    """
    decoded = verifier.verify(message)
    if decoded.get("Type") != "SubscriptionConfirmation":
        raise SubscriptionConfirmationError("the message is not a SubscriptionConfirmation")
    url = field(decoded, "SubscribeURL") or ""
    if not is_trusted_url(url):
        raise UntrustedCertificateUrlError(
            f"SubscribeURL is not an https URL of an SNS host (host {_host_of(url)})"
        )
    try:
        if opener is not None:
            body = opener(url)
        else:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                body = response.read(MAX_CERTIFICATE_BYTES)
    except StreamingError:
        raise
    except Exception as error:
        raise SubscriptionConfirmationError(
            f"visiting SubscribeURL on {_host_of(url)} failed: {type(error).__name__}"
        ) from None
    found = re.search(rb"<SubscriptionArn>([^<]+)</SubscriptionArn>", body)
    return found.group(1).decode("utf-8", "replace") if found else None


def _decode(message: Message) -> Mapping[str, Any]:
    if isinstance(message, Mapping):
        return message.get("Sns", message) if isinstance(message.get("Sns"), Mapping) else message
    try:
        decoded = json.loads(message)
    except ValueError:
        decoded = None
    if not isinstance(decoded, Mapping):
        raise UnsignedMessageError("the body is not an SNS message (not a JSON object)")
    return decoded


def _crypto() -> tuple[Any, Any, type[Exception]]:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
    except ImportError:  # pragma: no cover - depends on the installation
        raise StreamingError(
            "verifying SNS signatures needs cryptography: "
            "pip install 'boto3-connectparticipant-ext[streaming]'"
        ) from None
    return padding, hashes, InvalidSignature


def _load_key(pem: bytes, where: str) -> Any:
    _crypto()
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificate(pem).public_key()
    except (ValueError, TypeError):
        raise CertificateFetchError(
            f"{where}: the signing certificate is not a PEM certificate"
        ) from None
