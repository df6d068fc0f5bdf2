"""The verifier's default fetcher over real HTTP: fetched once, cached, failures typed."""

from __future__ import annotations

import base64
import datetime
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from boto3_connectparticipant_ext.streaming import (
    CertificateFetchError,
    SnsMessageVerifier,
    UntrustedCertificateUrlError,
)
from boto3_connectparticipant_ext.streaming._canonical import string_to_sign


@pytest.fixture(scope="module")
def signer() -> tuple[Any, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def cert_server(signer: tuple[Any, bytes]) -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []
    pem = signer[1]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = pem if self.path == "/cert.pem" else b"x" * (70 * 1024)
            self.send_response(200 if self.path != "/missing.pem" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def _signed(key: Any, cert_url: str, message_id: str) -> dict[str, Any]:
    message = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:chat",
        "Message": '{"Type": "MESSAGE"}',
        "Timestamp": "2024-05-01T10:00:00.000Z",
        "SignatureVersion": "2",
        "SigningCertURL": cert_url,
    }
    raw = key.sign(string_to_sign(message).encode(), padding.PKCS1v15(), hashes.SHA256())
    message["Signature"] = base64.b64encode(raw).decode()
    return message


def test_fetched_once_and_cached(
    signer: tuple[Any, bytes], cert_server: tuple[str, list[str]]
) -> None:
    base, requests = cert_server
    local = base + "/cert.pem"
    verifier = SnsMessageVerifier(is_trusted_url=lambda url: url.startswith(base))
    for number in range(3):
        verifier.verify(_signed(signer[0], local, f"m-{number}"))
    assert requests == ["/cert.pem"]
    with pytest.raises(UntrustedCertificateUrlError):
        SnsMessageVerifier().verify(_signed(signer[0], local, "m-9"))
    assert requests == ["/cert.pem"]


def test_fetch_failures_are_typed(
    signer: tuple[Any, bytes], cert_server: tuple[str, list[str]]
) -> None:
    base, _ = cert_server
    verifier = SnsMessageVerifier(is_trusted_url=lambda url: True)
    for path in ("/missing.pem", "/huge.pem"):
        with pytest.raises(CertificateFetchError) as caught:
            verifier.verify(_signed(signer[0], base + path, "m-1"))
        assert path not in str(caught.value)
