"""Attachment upload and download against the emulator's API and attachment store over HTTP.

The emulator's store checks presigned signatures (including every signed
header) and expiry like S3, and can throttle, fail, reset and truncate.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pytest
import urllib3

from boto3_connectparticipant_ext.emulator import Emulator, Fault
from boto3_connectparticipant_ext.transfer import (
    AttachmentNotFoundError,
    AttachmentRejectedError,
    AttachmentTooLargeError,
    AttachmentTypeNotAllowedError,
    AttachmentValidationError,
    ChatEndedError,
    DownloadFailedError,
    TargetExistsError,
    TransferConfig,
    UploadFailedError,
    UploadRefusedError,
    UrlExpiredError,
    get_attachment_url,
)
from boto3_connectparticipant_ext.transfer._http import TransferHttp, http_for_client

from .conftest import Chat, open_chat, operations

FAST = TransferConfig(backoff_base=0.01, backoff_max=0.05)


class Progress:
    def __init__(self) -> None:
        self.amounts: list[int] = []

    def __call__(self, amount: int) -> None:
        self.amounts.append(amount)

    @property
    def total(self) -> int:
        return sum(self.amounts)


def make_pdf(directory: Path, size: int, name: str = "report.pdf") -> tuple[Path, bytes]:
    data = b"%PDF-1.7\n" + os.urandom(size - 9)
    path = directory / name
    path.write_bytes(data)
    return path, data


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_upload_then_download_byte_for_byte(chat: Chat, tmp_path: Path) -> None:
    path, data = make_pdf(tmp_path, 3 * 1024 * 1024 + 17)
    progress = Progress()
    attachment_id = chat.customer.upload_attachment(str(path), Callback=progress, Config=FAST)
    assert progress.total == len(data)

    (put,) = [request for request in chat.emulator.requests if request.operation == "PutObject"]
    assert put.status == 200 and put.body_size == len(data)
    assert put.headers["Content-Length"] == str(len(data))
    assert put.headers["Content-Type"] == "application/pdf"
    assert put.headers["x-amz-acl"] == "bucket-owner-full-control"
    assert any(name.startswith("x-amz-meta-") for name in put.headers)
    assert "Transfer-Encoding" not in put.headers

    downloads = tmp_path / "agent"
    downloads.mkdir()
    received = Progress()
    written = chat.agent.download_attachment(attachment_id, str(downloads), Callback=received)
    assert written == str(downloads / "report.pdf")
    assert digest(Path(written).read_bytes()) == digest(data)
    assert received.total == len(data)
    assert sorted(os.listdir(downloads)) == ["report.pdf"]

    attachment_items = [
        item for item in chat.agent.iter_transcript() if item.get("Type") == "ATTACHMENT"
    ]
    assert attachment_items[0]["Attachments"][0]["AttachmentId"] == attachment_id


def test_complete_is_called_only_after_the_put(chat: Chat, tmp_path: Path) -> None:
    path, _ = make_pdf(tmp_path, 10_000)
    chat.emulator.clear_records()
    chat.customer.upload_attachment(str(path))
    sequence = [name for name in operations(chat.emulator) if name != "GetTranscript"]
    assert sequence == ["StartAttachmentUpload", "PutObject", "CompleteAttachmentUpload"]


@pytest.mark.parametrize(
    "fault",
    [Fault.THROTTLE, Fault.INTERNAL_ERROR, Fault.RESET_BEFORE_RESPONSE, Fault.RESET_MID_BODY],
)
def test_upload_retries_store_faults(chat: Chat, tmp_path: Path, fault: Fault) -> None:
    path, data = make_pdf(tmp_path, 600_000)
    chat.emulator.inject_fault(fault, operation="PutObject", count=2)
    progress = Progress()
    attachment_id = chat.customer.upload_attachment(str(path), Callback=progress, Config=FAST)
    puts = [request for request in chat.emulator.requests if request.operation == "PutObject"]
    assert len(puts) == 3
    assert progress.total == len(data)
    assert sum(1 for amount in progress.amounts if amount < 0) == 2
    assert operations(chat.emulator).count("CompleteAttachmentUpload") == 1
    buffer = io.BytesIO()
    chat.agent.download_attachment_fileobj(attachment_id, buffer)
    assert buffer.getvalue() == data


def test_persistent_store_failure_never_completes(chat: Chat, tmp_path: Path) -> None:
    path, _ = make_pdf(tmp_path, 50_000)
    chat.emulator.inject_fault(Fault.INTERNAL_ERROR, operation="PutObject", count=None)
    with pytest.raises(UploadFailedError) as caught:
        chat.customer.upload_attachment(str(path), Config=FAST.replace(max_attempts=3))
    assert caught.value.attempts == 3 and "InternalError" in caught.value.last_error
    assert "CompleteAttachmentUpload" not in operations(chat.emulator)


class TamperingHttp(TransferHttp):
    """A transport that changes one signed header, like a meddling proxy would."""

    def __init__(self, client: Any, header: str) -> None:
        super().__init__(http_for_client(client).settings)
        self._header = header

    def request(self, method: str, url: str, *, headers: Any, **kwargs: Any) -> Any:
        changed = dict(headers)
        changed[self._header] = changed[self._header] + "x"
        return super().request(method, url, headers=changed, **kwargs)


def test_refused_put_raises_with_s3_error_code_and_never_completes(
    chat: Chat, tmp_path: Path
) -> None:
    from boto3_connectparticipant_ext.transfer import upload_attachment

    path, _ = make_pdf(tmp_path, 20_000)
    with pytest.raises(UploadRefusedError) as caught:
        upload_attachment(
            chat.customer, str(path), http=TamperingHttp(chat.customer, "Content-Disposition")
        )
    assert (caught.value.status, caught.value.error_code) == (403, "SignatureDoesNotMatch")
    assert "X-Amz-Signature" not in str(caught.value)
    assert operations(chat.emulator).count("PutObject") == 1
    assert "CompleteAttachmentUpload" not in operations(chat.emulator)


@pytest.mark.slow
def test_url_expiring_in_flight_is_a_typed_error(chat: Chat, tmp_path: Path) -> None:
    path, _ = make_pdf(tmp_path, 20_000)
    chat.emulator.config.upload_url_ttl = 3.0
    chat.emulator.inject_fault(Fault.LATENCY, operation="PutObject", seconds=3.5)
    with pytest.raises(UrlExpiredError):
        chat.customer.upload_attachment(str(path))
    puts = [request for request in chat.emulator.requests if request.operation == "PutObject"]
    assert [request.status for request in puts] == [403]
    assert "CompleteAttachmentUpload" not in operations(chat.emulator)


def test_local_refusals_send_nothing(chat: Chat, tmp_path: Path) -> None:
    chat.emulator.clear_records()
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    with pytest.raises(AttachmentTypeNotAllowedError):
        chat.customer.upload_attachment(str(exe))
    big, _ = make_pdf(tmp_path, 2000, name="big.pdf")
    with pytest.raises(AttachmentTooLargeError):
        chat.customer.upload_attachment(str(big), Config=TransferConfig(max_size_bytes=1000))
    assert chat.emulator.requests == []


def test_service_side_limits_are_typed_errors(chat: Chat, tmp_path: Path) -> None:
    chat.emulator.config.attachment_max_bytes = 1000
    big, _ = make_pdf(tmp_path, 2000)
    with pytest.raises(AttachmentValidationError, match="exceeds"):
        chat.customer.upload_attachment(str(big))


def test_ended_chat_is_a_typed_error(chat: Chat, tmp_path: Path) -> None:
    path, _ = make_pdf(tmp_path, 2000)
    chat.emulator.end_contact(chat.contact_id)
    with pytest.raises(ChatEndedError):
        chat.customer.upload_attachment(str(path))


def test_wait_for_scan(emulator: Emulator, tmp_path: Path) -> None:
    emulator.config.scan_delay = 0.3
    emulator.config.scan_rule = lambda name, size: "REJECTED" if "virus" in name else "APPROVED"
    chat = open_chat(emulator)
    config = FAST.replace(wait_for_scan=True, scan_poll_interval=0.1, scan_timeout=10.0)
    good, data = make_pdf(tmp_path, 5000)
    attachment_id = chat.customer.upload_attachment(str(good), Config=config)
    buffer = io.BytesIO()
    chat.agent.download_attachment_fileobj(attachment_id, buffer)
    assert buffer.getvalue() == data

    bad, _ = make_pdf(tmp_path, 5000, name="virus.pdf")
    with pytest.raises(AttachmentRejectedError):
        chat.customer.upload_attachment(str(bad), Config=config)


def test_download_of_an_attachment_still_scanning_can_wait(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.config.scan_delay = 0.4
    chat = open_chat(emulator)
    path, data = make_pdf(tmp_path, 5000)
    attachment_id = chat.customer.upload_attachment(str(path))
    with pytest.raises(AttachmentValidationError, match="wait_for_scan"):
        chat.agent.download_attachment_fileobj(attachment_id, io.BytesIO())
    config = TransferConfig(wait_for_scan=True, scan_poll_interval=0.1)
    buffer = io.BytesIO()
    chat.agent.download_attachment_fileobj(attachment_id, buffer, Config=config)
    assert buffer.getvalue() == data


@pytest.mark.parametrize("fault", [Fault.TRUNCATE_DOWNLOAD, Fault.THROTTLE, Fault.RESET_MID_BODY])
def test_download_retries_store_faults(chat: Chat, tmp_path: Path, fault: Fault) -> None:
    path, data = make_pdf(tmp_path, 700_000)
    attachment_id = chat.customer.upload_attachment(str(path))
    chat.emulator.inject_fault(fault, operation="GetObject", count=2)
    target = tmp_path / "copy.pdf"
    progress = Progress()
    chat.agent.download_attachment(attachment_id, str(target), Callback=progress, Config=FAST)
    assert target.read_bytes() == data
    assert progress.total == len(data)
    gets = [request for request in chat.emulator.requests if request.operation == "GetObject"]
    assert len(gets) == 3


def test_failed_download_leaves_nothing_and_keeps_the_old_file(chat: Chat, tmp_path: Path) -> None:
    path, _ = make_pdf(tmp_path, 300_000)
    attachment_id = chat.customer.upload_attachment(str(path))
    out = tmp_path / "out"
    out.mkdir()
    target = out / "keep.pdf"
    target.write_bytes(b"previous version")
    chat.emulator.inject_fault(Fault.TRUNCATE_DOWNLOAD, operation="GetObject", count=None)
    with pytest.raises(DownloadFailedError):
        chat.agent.download_attachment(attachment_id, str(target), Config=FAST)
    assert target.read_bytes() == b"previous version"
    assert os.listdir(out) == ["keep.pdf"]


def test_remote_names_are_sanitized_and_never_overwrite(chat: Chat, tmp_path: Path) -> None:
    data = b"hello, agent\n"
    attachment_id = chat.customer.upload_attachment_fileobj(
        io.BytesIO(data), "../../etc/passwd.txt", ContentType="text/plain"
    )
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    written = Path(chat.agent.download_attachment(attachment_id, str(downloads)))
    assert written.parent == downloads
    assert written.name == "___.._etc_passwd.txt"
    assert written.read_bytes() == data
    with pytest.raises(TargetExistsError):
        chat.agent.download_attachment(attachment_id, str(downloads))
    written.write_bytes(b"edited")
    chat.agent.download_attachment(attachment_id, str(downloads), Overwrite=True)
    assert written.read_bytes() == data


def test_unknown_attachment_is_a_typed_error(chat: Chat, tmp_path: Path) -> None:
    with pytest.raises(AttachmentNotFoundError):
        chat.agent.download_attachment("no-such-attachment", str(tmp_path / "x.pdf"))
    with pytest.raises(AttachmentNotFoundError):
        chat.agent.download_attachment("no-such-attachment", str(tmp_path))
    assert os.listdir(tmp_path) == []


def test_attachment_url_works_for_a_plain_get(chat: Chat, tmp_path: Path) -> None:
    path, data = make_pdf(tmp_path, 4000)
    attachment_id = chat.customer.upload_attachment(str(path))
    url = get_attachment_url(chat.agent, attachment_id, ExpiresIn=60)
    assert chat.agent.get_attachment_url(attachment_id, ExpiresIn=30).startswith("http://")
    answer = urllib3.PoolManager().request("GET", url)
    assert answer.status == 200 and answer.data == data


def test_non_seekable_upload_stream(chat: Chat) -> None:
    read_end, write_end = os.pipe()
    data = b"col1,col2\n" * 5000
    with os.fdopen(write_end, "wb") as writer:
        writer.write(data)
    with os.fdopen(read_end, "rb") as reader:
        attachment_id = chat.customer.upload_attachment_fileobj(reader, "table.csv")
    buffer = io.BytesIO()
    chat.agent.download_attachment_fileobj(attachment_id, buffer)
    assert buffer.getvalue() == data


def test_client_read_timeout_is_honoured(emulator: Emulator, tmp_path: Path) -> None:
    chat = open_chat(emulator, read_timeout=0.5, retries={"total_max_attempts": 1})
    path, _ = make_pdf(tmp_path, 4000)
    attachment_id = chat.customer.upload_attachment(str(path))
    emulator.inject_fault(Fault.LATENCY, operation="GetObject", seconds=2.0, count=2)
    with pytest.raises(DownloadFailedError, match=r"(?i)timed? ?out"):
        chat.agent.download_attachment_fileobj(
            attachment_id, io.BytesIO(), Config=FAST.replace(max_attempts=2)
        )
