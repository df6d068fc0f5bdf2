"""Transfers honour the client's proxy and TLS verification settings, over real sockets.

A small forward proxy on 127.0.0.1 records what passes through it; moto runs
behind TLS with a certificate from a throwaway CA so that ``verify=`` decides
whether presigned transfers may proceed.
"""

from __future__ import annotations

import base64
import datetime
import http.client
import http.server
import io
import ipaddress
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig
from boto3_connectparticipant_ext.transfer import DownloadFailedError, UploadFailedError

from .conftest import open_chat

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te"}


class RecordingProxy(http.server.ThreadingHTTPServer):
    """A forward HTTP proxy for absolute-form requests; remembers method, path and auth."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: RecordingProxy

    def log_message(self, format: str, *args: Any) -> None:
        del format, args

    def _forward(self) -> None:
        target = urlsplit(self.path)
        with self.server.lock:
            self.server.seen.append(
                (self.command, target.path, self.headers.get("Proxy-Authorization", ""))
            )
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        assert target.hostname, f"not an absolute proxy request: {self.path}"
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        path = target.path + ("?" + target.query if target.query else "")
        upstream.request(self.command, path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in _HOP_BY_HOP | {"transfer-encoding", "content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_PUT = do_POST = do_HEAD = _forward


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    server = RecordingProxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_configured_proxy_carries_the_transfers_with_its_credentials(
    proxy: RecordingProxy, tmp_path: Path
) -> None:
    with Emulator() as emulator:
        proxy_url = proxy.url.replace("http://", "http://agent%40corp:s%3Acret@")
        chat = open_chat(emulator, proxies={"http": proxy_url})
        data = b"%PDF-1.4\n" + b"x" * 50_000
        attachment_id = chat.customer.upload_attachment_fileobj(io.BytesIO(data), "a.pdf")
        buffer = io.BytesIO()
        chat.agent.download_attachment_fileobj(attachment_id, buffer)
    assert buffer.getvalue() == data
    store = {(method, auth) for method, path, auth in proxy.seen if path.startswith("/_store/")}
    expected_auth = "Basic " + base64.b64encode(b"agent@corp:s:cret").decode()
    assert store == {("PUT", expected_auth), ("GET", expected_auth)}


def test_environment_proxy_and_no_proxy_are_honoured(
    proxy: RecordingProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Emulator() as emulator:
        chat = open_chat(emulator)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        first = chat.customer.upload_attachment_fileobj(io.BytesIO(b"one\n"), "one.txt")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        chat.customer.upload_attachment_fileobj(io.BytesIO(b"two\n"), "two.txt")
    puts = [path for method, path, _ in proxy.seen if method == "PUT"]
    assert len(puts) == 1 and first in puts[0]


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA, and a certificate for 127.0.0.1 signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cpx test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (
        directory / "ca.pem",
        directory / "cert.pem",
        directory / "key.pem",
    )
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


@pytest.fixture
def tls_moto(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    pytest.importorskip("moto.server")
    from moto.moto_server import werkzeug_app
    from werkzeug.serving import make_server

    ca_path, cert_path, key_path = _certificates(tmp_path)
    server = make_server(
        "127.0.0.1",
        0,
        werkzeug_app.DomainDispatcherApplication(werkzeug_app.create_backend_app),
        threaded=True,
        # Newer moto ships its own handler (keeps underscored headers); older ones do not.
        request_handler=getattr(werkzeug_app, "MotoRequestHandler", None),
        ssl_context=(str(cert_path), str(key_path)),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_port}", ca_path
    finally:
        server.shutdown()


def _client(endpoint_url: str, token: str, *, verify: Any = None) -> Any:
    client = boto3.session.Session().client(
        "connectparticipant", endpoint_url=endpoint_url, region_name="us-east-1", verify=verify
    )
    cpx.bind_tokens(client, connection_token=token)
    return client


@pytest.mark.moto
@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_verification_follows_the_client(
    tls_moto: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    moto_url, ca_path = tls_moto
    # The emulator's own S3 client must trust the CA to create its bucket.
    monkeypatch.setenv("AWS_CA_BUNDLE", str(ca_path))
    config = EmulatorConfig(s3_endpoint_url=moto_url, s3_bucket=f"tls-{uuid.uuid4().hex[:10]}")
    with Emulator(config=config) as emulator:
        monkeypatch.delenv("AWS_CA_BUNDLE")
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
        chat = open_chat(emulator)
        default_trust = chat.customer
        with_ca = _client(emulator.endpoint_url, chat.customer_token, verify=str(ca_path))
        without_verify = _client(emulator.endpoint_url, chat.agent_token, verify=False)
        data = b"%PDF-1.4\n" + b"y" * 20_000

        with pytest.raises(UploadFailedError) as caught:
            default_trust.upload_attachment_fileobj(io.BytesIO(data), "a.pdf")
        assert caught.value.attempts == 1
        assert "certificate" in caught.value.last_error.lower()

        attachment_id = with_ca.upload_attachment_fileobj(io.BytesIO(data), "a.pdf")
        buffer = io.BytesIO()
        without_verify.download_attachment_fileobj(attachment_id, buffer)
        assert buffer.getvalue() == data
        with pytest.raises(DownloadFailedError):
            chat.agent.download_attachment_fileobj(attachment_id, io.BytesIO())
