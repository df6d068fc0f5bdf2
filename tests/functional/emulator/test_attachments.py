"""Attachments end to end: start, presigned PUT, complete, scan, GetAttachment, download."""

from __future__ import annotations

import io
import socket
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig

from .conftest import (
    HTTP,
    Chat,
    open_chat,
    participant_client,
    put,
    start_upload,
    status_of,
    upload_and_complete,
)

EXPECTED_HEADERS = {
    "Content-Type",
    "Content-Length",
    "Content-Disposition",
    "x-amz-acl",
    "x-amz-meta-account_id",
    "x-amz-meta-organization_id",
    "x-amz-meta-contact_id",
    "x-amz-meta-initial_contact_id",
    "x-amz-meta-participant_id",
}


def s3_error(answer: Any) -> str:
    text: str = answer.data.decode()
    assert text.startswith("<?xml")
    return text.split("<Code>")[1].split("</Code>")[0]


def test_full_round_trip(emulator: Emulator, client: Any, chat: Chat) -> None:
    body = b"hello attachment\n" * 100
    upload = start_upload(client, chat, body)
    metadata = upload["UploadMetadata"]
    assert set(metadata["HeadersToInclude"]) == EXPECTED_HEADERS
    assert metadata["HeadersToInclude"]["Content-Length"] == str(len(body))
    assert metadata["HeadersToInclude"]["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert metadata["Url"].startswith(emulator.endpoint_url)
    assert "X-Amz-Signature=" in metadata["Url"]
    answer = put(upload, body)
    assert answer.status == 200 and answer.headers["ETag"].startswith('"')
    client.complete_attachment_upload(
        ConnectionToken=chat.connection_token, AttachmentIds=[upload["AttachmentId"]]
    )
    item = emulator.transcript(chat.contact_id)[-1]
    assert item["Type"] == "ATTACHMENT"
    assert item["Attachments"] == [
        {
            "ContentType": "text/plain",
            "AttachmentId": upload["AttachmentId"],
            "AttachmentName": "notes.txt",
            "Status": "APPROVED",
        }
    ]
    got = client.get_attachment(
        ConnectionToken=chat.connection_token,
        AttachmentId=upload["AttachmentId"],
        UrlExpiryInSeconds=60,
        UrlContentDisposition="ATTACHMENT",
    )
    assert got["AttachmentSizeInBytes"] == len(body)
    download = HTTP.request("GET", got["Url"])
    assert download.status == 200 and download.data == body
    assert download.headers["Content-Type"] == "text/plain"
    assert download.headers["Content-Disposition"] == 'attachment; filename="notes.txt"'
    ranged = HTTP.request("GET", got["Url"], headers={"Range": "bytes=6-15"})
    assert ranged.status == 206 and ranged.data == body[6:16]


def test_non_ascii_names_use_rfc5987(client: Any, chat: Chat) -> None:
    upload = start_upload(client, chat, b"x", name="r\u00e9sum\u00e9.pdf")
    disposition = upload["UploadMetadata"]["HeadersToInclude"]["Content-Disposition"]
    assert disposition == "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
    assert put(upload, b"x").status == 200


@pytest.mark.parametrize(
    "header", ["Content-Type", "Content-Disposition", "x-amz-acl", "x-amz-meta-contact_id"]
)
def test_missing_or_altered_signed_header_is_signature_mismatch(
    client: Any, chat: Chat, header: str
) -> None:
    body = b"0123456789"
    upload = start_upload(client, chat, body)
    headers = dict(upload["UploadMetadata"]["HeadersToInclude"])
    missing = {name: value for name, value in headers.items() if name != header}
    answer = put(upload, body, missing)
    assert answer.status == 403 and s3_error(answer) == "SignatureDoesNotMatch"
    altered = {**headers, header: headers[header] + "x"}
    answer = put(upload, body, altered)
    assert answer.status == 403 and s3_error(answer) == "SignatureDoesNotMatch"
    with pytest.raises(client.exceptions.ValidationException):
        client.complete_attachment_upload(
            ConnectionToken=chat.connection_token, AttachmentIds=[upload["AttachmentId"]]
        )


def test_body_of_another_size_is_refused(client: Any, chat: Chat) -> None:
    upload = start_upload(client, chat, b"0123456789")
    headers = {
        name: value
        for name, value in upload["UploadMetadata"]["HeadersToInclude"].items()
        if name != "Content-Length"
    }
    answer = put(upload, b"01234", headers)
    assert answer.status == 403 and s3_error(answer) == "SignatureDoesNotMatch"


def test_unsigned_amz_header_is_refused(client: Any, chat: Chat) -> None:
    upload = start_upload(client, chat, b"abc")
    headers = {**upload["UploadMetadata"]["HeadersToInclude"], "x-amz-tagging": "a=b"}
    answer = put(upload, b"abc", headers)
    assert answer.status == 403 and s3_error(answer) == "AccessDenied"
    assert b"not signed" in answer.data


def test_tampered_url_is_refused(client: Any, chat: Chat) -> None:
    upload = start_upload(client, chat, b"abc")
    url = upload["UploadMetadata"]["Url"].replace("/Attachments/", "/Attachmentz/")
    assert url != upload["UploadMetadata"]["Url"]
    answer = HTTP.request(
        "PUT", url, body=b"abc", headers=upload["UploadMetadata"]["HeadersToInclude"]
    )
    assert answer.status == 403 and s3_error(answer) == "SignatureDoesNotMatch"


def test_expired_upload_url(emulator: Emulator, client: Any, chat: Chat) -> None:
    upload = start_upload(client, chat, b"abc")
    emulator.advance_clock(301)  # the URL lives 300 s
    answer = put(upload, b"abc")
    assert answer.status == 403 and s3_error(answer) == "AccessDenied"
    assert b"Request has expired" in answer.data


def test_cut_upload_leaves_nothing(emulator: Emulator, client: Any, chat: Chat) -> None:
    body = b"z" * 100_000
    upload = start_upload(client, chat, body)
    parts = urlsplit(upload["UploadMetadata"]["Url"])
    head = [f"PUT {parts.path}?{parts.query} HTTP/1.1", f"Host: {parts.netloc}"]
    head += [
        f"{name}: {value}" for name, value in upload["UploadMetadata"]["HeadersToInclude"].items()
    ]
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as raw:
        raw.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body[:40_000])
    deadline = time.time() + 5
    while time.time() < deadline:
        puts = [r for r in emulator.requests if r.operation == "PutObject"]
        if puts:
            break
        time.sleep(0.02)
    assert puts and puts[0].status == 400
    with pytest.raises(client.exceptions.ValidationException):
        client.complete_attachment_upload(
            ConnectionToken=chat.connection_token, AttachmentIds=[upload["AttachmentId"]]
        )
    assert put(upload, body).status == 200


def test_complete_rules(client: Any, chat: Chat) -> None:
    upload = start_upload(client, chat, b"abc")
    with pytest.raises(client.exceptions.ValidationException):
        client.complete_attachment_upload(
            ConnectionToken=chat.connection_token, AttachmentIds=[upload["AttachmentId"]]
        )
    assert put(upload, b"abc").status == 200
    with pytest.raises(client.exceptions.ValidationException):
        client.complete_attachment_upload(
            ConnectionToken=chat.connection_token,
            AttachmentIds=[upload["AttachmentId"], upload["AttachmentId"]],
        )
    client.complete_attachment_upload(
        ConnectionToken=chat.connection_token,
        AttachmentIds=[upload["AttachmentId"]],
        ClientToken="done-1",
    )
    client.complete_attachment_upload(
        ConnectionToken=chat.connection_token,
        AttachmentIds=[upload["AttachmentId"]],
        ClientToken="done-1",
    )
    with pytest.raises(client.exceptions.ConflictException):
        client.complete_attachment_upload(
            ConnectionToken=chat.connection_token,
            AttachmentIds=[upload["AttachmentId"]],
            ClientToken="done-2",
        )
    with pytest.raises(client.exceptions.ValidationException):
        client.complete_attachment_upload(
            ConnectionToken=chat.connection_token, AttachmentIds=["no-such-attachment"]
        )


def test_start_upload_limits(emulator: Emulator, client: Any, chat: Chat) -> None:
    with pytest.raises(client.exceptions.ValidationException):
        start_upload(client, chat, b"x", name="program.exe")
    with pytest.raises(client.exceptions.ValidationException):
        client.start_attachment_upload(
            ConnectionToken=chat.connection_token,
            ContentType="text/plain",
            AttachmentSizeInBytes=20 * 1024 * 1024 + 1,
            AttachmentName="big.txt",
        )
    emulator.config.update(attachments_per_contact=2, allowed_attachment_extensions={"exe"})
    start_upload(client, chat, b"x", name="program.exe")
    start_upload(client, chat, b"x", name="program.exe")
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as caught:
        start_upload(client, chat, b"x", name="program.exe")
    assert status_of(caught.value) == 402


def test_scan_goes_in_progress_then_verdict(emulator: Emulator, client: Any, chat: Chat) -> None:
    emulator.config.update(
        scan_delay=0.3,
        scan_rule=lambda name, size: "REJECTED" if name.startswith("bad") else "APPROVED",
    )
    good = upload_and_complete(client, chat, b"good", name="good.txt")
    bad = upload_and_complete(client, chat, b"evil", name="bad.txt")
    statuses = {
        item["Attachments"][0]["AttachmentId"]: item["Attachments"][0]["Status"]
        for item in client.get_transcript(ConnectionToken=chat.connection_token)["Transcript"]
        if item["Type"] == "ATTACHMENT"
    }
    assert statuses == {good: "IN_PROGRESS", bad: "IN_PROGRESS"}
    with pytest.raises(client.exceptions.ValidationException):
        client.get_attachment(ConnectionToken=chat.connection_token, AttachmentId=good)
    deadline = time.time() + 5
    while time.time() < deadline and "IN_PROGRESS" in statuses.values():
        time.sleep(0.05)
        statuses = {
            item["Attachments"][0]["AttachmentId"]: item["Attachments"][0]["Status"]
            for item in emulator.transcript(chat.contact_id)
            if item["Type"] == "ATTACHMENT"
        }
    assert statuses == {good: "APPROVED", bad: "REJECTED"}
    client.get_attachment(ConnectionToken=chat.connection_token, AttachmentId=good)
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_attachment(ConnectionToken=chat.connection_token, AttachmentId=bad)


def test_get_attachment_rules(emulator: Emulator, client: Any, chat: Chat) -> None:
    attachment_id = upload_and_complete(client, chat, b"data")
    before = time.time()
    got = client.get_attachment(
        ConnectionToken=chat.connection_token, AttachmentId=attachment_id, UrlExpiryInSeconds=5
    )
    from boto3_connectparticipant_ext.emulator._ids import parse_iso_timestamp

    assert 4 <= parse_iso_timestamp(got["UrlExpiry"]) - before <= 7
    with pytest.raises(client.exceptions.ValidationException):
        client.get_attachment(
            ConnectionToken=chat.connection_token,
            AttachmentId=attachment_id,
            UrlExpiryInSeconds=301,
        )
    bot = emulator.add_participant(chat.contact_id, role="CUSTOM_BOT")
    bot_token = client.create_participant_connection(
        ParticipantToken=bot["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_attachment(ConnectionToken=bot_token, AttachmentId=attachment_id)
    other = open_chat(emulator, client)
    with pytest.raises(client.exceptions.ValidationException):
        client.get_attachment(ConnectionToken=other.connection_token, AttachmentId=attachment_id)


def test_attachment_item_is_pushed(emulator: Emulator, client: Any, chat: Chat) -> None:
    import json

    from websockets.sync.client import connect

    with connect(chat.websocket_url) as websocket:
        websocket.send('{"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}')
        websocket.recv(timeout=5)
        attachment_id = upload_and_complete(client, chat, b"pushed")
        item = json.loads(json.loads(websocket.recv(timeout=5))["content"])
    assert item["Type"] == "ATTACHMENT"
    assert item["Attachments"][0]["AttachmentId"] == attachment_id


class _ChunkedFile(io.RawIOBase):
    """A large body produced chunk by chunk, never held whole."""

    def __init__(self, size: int) -> None:
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self._left)
        buffer[:count] = b"\xab" * count
        self._left -= count
        return count


@pytest.fixture
def private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path


def test_large_upload_and_download_stream_and_leave_nothing(private_tempdir: Path) -> None:
    size = 48 * 1024 * 1024
    with Emulator(config=EmulatorConfig(attachment_max_bytes=size)) as emulator:
        client = participant_client(emulator)
        chat = open_chat(emulator, client)
        upload = client.start_attachment_upload(
            ConnectionToken=chat.connection_token,
            ContentType="video/mp4",
            AttachmentSizeInBytes=size,
            AttachmentName="clip.mp4",
        )
        tracemalloc.start()
        try:
            answer = put(upload, _ChunkedFile(size))
            assert answer.status == 200
            client.complete_attachment_upload(
                ConnectionToken=chat.connection_token, AttachmentIds=[upload["AttachmentId"]]
            )
            url = client.get_attachment(
                ConnectionToken=chat.connection_token, AttachmentId=upload["AttachmentId"]
            )["Url"]
            download = HTTP.request("GET", url, preload_content=False)
            received = sum(len(chunk) for chunk in download.stream(1024 * 1024))
            download.release_conn()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert received == size
        assert peak < size // 4, f"peak traced memory {peak} suggests the body was buffered"
        assert any(private_tempdir.iterdir())
    assert list(private_tempdir.iterdir()) == []


@pytest.mark.moto
def test_s3_mode_hands_out_moto_presigned_urls() -> None:
    moto_server = pytest.importorskip("moto.server")
    ThreadedMotoServer = moto_server.ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        s3_url = f"http://{host}:{port}"
        with Emulator(config=EmulatorConfig(s3_endpoint_url=s3_url)) as emulator:
            cp = participant_client(emulator)
            chat = open_chat(emulator, cp)
            body = b"stored in moto"
            upload = start_upload(cp, chat, body)
            assert upload["UploadMetadata"]["Url"].startswith(s3_url)
            with pytest.raises(cp.exceptions.ValidationException):
                cp.complete_attachment_upload(
                    ConnectionToken=chat.connection_token, AttachmentIds=[upload["AttachmentId"]]
                )
            assert put(upload, body).status == 200
            cp.complete_attachment_upload(
                ConnectionToken=chat.connection_token, AttachmentIds=[upload["AttachmentId"]]
            )
            url = cp.get_attachment(
                ConnectionToken=chat.connection_token, AttachmentId=upload["AttachmentId"]
            )["Url"]
            assert url.startswith(s3_url)
            assert HTTP.request("GET", url).data == body
    finally:
        server.stop()
