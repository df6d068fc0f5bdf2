"""The upload engine against a recording participant client, HTTP layer and OS layer."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
import urllib3

from boto3_connectparticipant_ext.errors import ConnectParticipantExtError
from boto3_connectparticipant_ext.transfer import (
    AttachmentFileError,
    AttachmentRejectedError,
    AttachmentTooLargeError,
    AttachmentTypeNotAllowedError,
    AttachmentValidationError,
    ChatEndedError,
    ContentTypeUnknownError,
    InvalidAttachmentNameError,
    ScanTimeoutError,
    StreamNotSupportedError,
    TransferConfig,
    TransferConfigError,
    UploadFailedError,
    UploadRefusedError,
    UrlExpiredError,
    upload_attachment,
    upload_attachment_fileobj,
)
from boto3_connectparticipant_ext.transfer.osutils import OSUtils

from .fakes import (
    UPLOAD_URL,
    FakeParticipantClient,
    NonSeekableStream,
    RecordingCallback,
    RecordingOSUtils,
    ScriptedHttp,
    ShrinkingFile,
    client_error,
    response,
)

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40
SMALL_CHUNKS = TransferConfig(chunk_size=4096, backoff_base=0.5)

S3_SIGNATURE_ERROR = (
    b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>SignatureDoesNotMatch</Code>"
    b"<Message>The request signature we calculated does not match the signature you provided."
    b"</Message><StringToSign>AWS4-HMAC-SHA256 secret-material</StringToSign></Error>"
)
S3_EXPIRED = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(PDF)
    return path


def upload(client: FakeParticipantClient, http: ScriptedHttp, path: Path, **kwargs: object) -> str:
    kwargs.setdefault("Config", SMALL_CHUNKS)
    kwargs.setdefault("osutil", RecordingOSUtils())
    return upload_attachment(client, str(path), http=http, **kwargs)  # type: ignore[arg-type]


def test_good_upload_sends_exact_bytes_and_headers_then_completes(pdf_file: Path) -> None:
    client = FakeParticipantClient()
    http = ScriptedHttp(response(200))
    callback = RecordingCallback()

    attachment_id = upload(client, http, pdf_file, ConnectionToken="tok", Callback=callback)

    assert attachment_id == "att-1"
    assert client.operations() == ["StartAttachmentUpload", "CompleteAttachmentUpload"]
    start = client.calls[0][1]
    assert start == {
        "ContentType": "application/pdf",
        "AttachmentSizeInBytes": len(PDF),
        "AttachmentName": "report.pdf",
        "ConnectionToken": "tok",
    }
    assert client.calls[1][1] == {"AttachmentIds": ["att-1"], "ConnectionToken": "tok"}
    (put,) = http.sent
    assert (put.method, put.url, put.body) == ("PUT", UPLOAD_URL, PDF)
    assert put.headers["Content-Type"] == "application/pdf"
    assert put.headers["x-amz-meta-name"] == "report.pdf"
    assert put.headers["Content-Length"] == str(len(PDF))
    assert callback.total == len(PDF)
    assert max(callback.amounts) <= 4096


def test_connection_token_is_left_to_botocore_when_not_given(pdf_file: Path) -> None:
    client = FakeParticipantClient()
    upload(client, ScriptedHttp(response(200)), pdf_file)
    assert all("ConnectionToken" not in arguments for _, arguments in client.calls)


def test_headers_to_include_are_forwarded_verbatim(pdf_file: Path) -> None:
    odd = {
        "Content-Type": "application/pdf",
        "Content-Disposition": 'attachment; filename="r é.pdf"',
        "x-amz-meta-MixedCase": "  spaced value ",
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-expected-bucket-owner": "123456789012",
    }
    client = FakeParticipantClient(headers_to_include=odd)
    http = ScriptedHttp(response(200))
    upload(client, http, pdf_file)
    sent = http.sent[0].headers
    for name, value in odd.items():
        assert sent[name] == value
    assert set(sent) == {*odd, "Content-Length", "User-Agent"}


def test_signed_content_length_must_match_the_file(pdf_file: Path) -> None:
    client = FakeParticipantClient(headers_to_include={"Content-Length": "12"})
    http = ScriptedHttp()
    with pytest.raises(AttachmentValidationError, match="Content-Length 12"):
        upload(client, http, pdf_file)
    assert http.sent == []
    assert client.operations() == ["StartAttachmentUpload"]


def test_s3_refusal_raises_with_error_code_and_never_completes(pdf_file: Path) -> None:
    client = FakeParticipantClient()
    http = ScriptedHttp(response(403, S3_SIGNATURE_ERROR))
    with pytest.raises(UploadRefusedError) as caught:
        upload(client, http, pdf_file)
    assert (caught.value.status, caught.value.error_code) == (403, "SignatureDoesNotMatch")
    assert "secret-material" not in str(caught.value)
    assert "SECRETSIG" not in str(caught.value)
    assert client.operations() == ["StartAttachmentUpload"]


@pytest.mark.parametrize(
    "failure",
    [
        response(500, b"<Error><Code>InternalError</Code></Error>"),
        response(503, b"<Error><Code>SlowDown</Code></Error>"),
        response(429),
        response(400, b"<Error><Code>RequestTimeout</Code></Error>"),
        ("reset", 1),
        urllib3.exceptions.ReadTimeoutError(
            urllib3.HTTPConnectionPool("127.0.0.1"), "/up/key?X-Amz-Signature=SECRETSIG", "late"
        ),
    ],
    ids=["500", "503-slowdown", "429", "400-request-timeout", "reset-mid-body", "read-timeout"],
)
def test_retryable_failures_are_retried_with_progress_rewound(
    pdf_file: Path, failure: object
) -> None:
    client = FakeParticipantClient()
    http = ScriptedHttp(failure, response(200))
    callback = RecordingCallback()
    osutil = RecordingOSUtils()

    upload(client, http, pdf_file, Callback=callback, osutil=osutil)

    assert [request.method for request in http.sent] == ["PUT", "PUT"]
    assert http.sent[1].body == PDF
    assert callback.total == len(PDF)
    if http.sent[0].body:
        assert any(amount < 0 for amount in callback.amounts)
    assert len(osutil.sleeps) == 1
    assert 0 <= osutil.sleeps[0] <= 0.5
    assert client.operations() == ["StartAttachmentUpload", "CompleteAttachmentUpload"]


def test_retry_after_is_honoured_up_to_the_backoff_cap(pdf_file: Path) -> None:
    osutil = RecordingOSUtils()
    http = ScriptedHttp(response(503, headers={"Retry-After": "3"}), response(200))
    upload(FakeParticipantClient(), http, pdf_file, osutil=osutil)
    assert osutil.sleeps == [3.0]


def test_exhausted_attempts_raise_and_never_complete(pdf_file: Path) -> None:
    client = FakeParticipantClient()
    config = SMALL_CHUNKS.replace(max_attempts=3)
    http = ScriptedHttp(response(500), response(502), response(503))
    osutil = RecordingOSUtils()
    callback = RecordingCallback()
    with pytest.raises(UploadFailedError) as caught:
        upload(client, http, pdf_file, Config=config, osutil=osutil, Callback=callback)
    assert caught.value.attempts == 3
    assert "HTTP 503" in caught.value.last_error
    assert len(http.sent) == 3
    assert len(osutil.sleeps) == 2
    assert callback.total == 0
    assert client.operations() == ["StartAttachmentUpload"]


def test_backoff_grows_exponentially(pdf_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("random.uniform", lambda low, high: high)
    osutil = RecordingOSUtils()
    config = SMALL_CHUNKS.replace(max_attempts=5, backoff_base=0.5, backoff_max=1.5)
    http = ScriptedHttp(*[response(500)] * 4, response(200))
    upload(FakeParticipantClient(), http, pdf_file, Config=config, osutil=osutil)
    assert osutil.sleeps == [0.5, 1.0, 1.5, 1.5]


def test_expired_url_answer_is_a_typed_error(pdf_file: Path) -> None:
    client = FakeParticipantClient()
    with pytest.raises(UrlExpiredError):
        upload(client, ScriptedHttp(response(403, S3_EXPIRED)), pdf_file)
    assert client.operations() == ["StartAttachmentUpload"]


def test_url_already_expired_is_refused_without_a_put(pdf_file: Path) -> None:
    client = FakeParticipantClient(url_expiry="2023-12-31T23:59:00.000Z")
    http = ScriptedHttp()
    with pytest.raises(UrlExpiredError):
        upload(client, http, pdf_file)
    assert http.sent == []


def test_no_retry_once_the_url_would_expire_during_backoff(
    pdf_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("random.uniform", lambda low, high: high)
    client = FakeParticipantClient(url_expiry="2024-01-01T00:00:03.000Z")
    http = ScriptedHttp(response(500), response(200))
    config = SMALL_CHUNKS.replace(backoff_base=8.0)
    with pytest.raises(UrlExpiredError, match="HTTP 500"):
        upload(client, http, pdf_file, Config=config)
    assert len(http.sent) == 1
    assert client.operations() == ["StartAttachmentUpload"]


def test_file_that_shrinks_during_upload_is_never_completed(tmp_path: Path) -> None:
    client = FakeParticipantClient()
    http = ScriptedHttp(response(200))
    source = ShrinkingFile(PDF, keep=5000)
    with pytest.raises(AttachmentFileError, match="shrank"):
        upload_attachment_fileobj(
            client, source, "r.pdf", Config=SMALL_CHUNKS, http=http, ContentType="application/pdf"
        )
    assert client.operations() == ["StartAttachmentUpload"]


def test_file_that_grows_during_upload_is_never_completed(tmp_path: Path) -> None:
    class GrowingFile(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            if self.tell() == len(PDF) and not getattr(self, "grown", False):
                self.grown = True
                position = self.tell()
                self.write(b"more")
                self.seek(position)
            return chunk

    client = FakeParticipantClient()
    with pytest.raises(AttachmentFileError, match="grew"):
        upload_attachment_fileobj(
            client, GrowingFile(PDF), "r.pdf", Config=SMALL_CHUNKS, http=ScriptedHttp(response(200))
        )
    assert client.operations() == ["StartAttachmentUpload"]


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        (lambda d: d / "missing.pdf", AttachmentFileError, "no such file"),
        (lambda d: d, AttachmentFileError, "directory"),
        (lambda d: _write(d / "empty.pdf", b""), AttachmentFileError, "empty"),
        (lambda d: _write(d / "big.pdf", b"%PDF" + b"x" * 5000), AttachmentTooLargeError, "5004"),
        (lambda d: _write(d / "tool.exe", b"MZ..."), AttachmentTypeNotAllowedError, ".exe"),
        (lambda d: _write(d / "blob", b"\x00\x01\x02\x03"), ContentTypeUnknownError, "ContentType"),
    ],
    ids=["missing", "directory", "empty", "too-large", "disallowed-type", "unknown-type"],
)
def test_bad_input_is_refused_before_any_network_call(
    tmp_path: Path, setup: object, error: type[Exception], message: str
) -> None:
    path = setup(tmp_path)  # type: ignore[operator]
    client = FakeParticipantClient()
    http = ScriptedHttp()
    config = SMALL_CHUNKS.replace(max_size_bytes=5000)
    with pytest.raises(error, match=message) as caught:
        upload(client, http, path, Config=config)
    assert isinstance(caught.value, ConnectParticipantExtError)
    assert client.calls == [] and http.sent == []


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["", "   ", "n" * 253 + ".pdf"])
def test_bad_attachment_names_are_refused(pdf_file: Path, name: str) -> None:
    client = FakeParticipantClient()
    with pytest.raises(InvalidAttachmentNameError):
        upload(client, ScriptedHttp(), pdf_file, AttachmentName=name)
    assert client.calls == []


def test_name_without_extension_gets_its_type_from_the_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path / "scan", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    client = FakeParticipantClient()
    upload(client, ScriptedHttp(response(200)), path)
    assert client.calls[0][1]["ContentType"] == "image/png"


def test_explicit_content_type_and_name_win(pdf_file: Path) -> None:
    client = FakeParticipantClient()
    upload(
        client,
        ScriptedHttp(response(200)),
        pdf_file,
        AttachmentName="Quarterly.pdf",
        ContentType="application/pdf; version=1.7",
    )
    assert client.calls[0][1]["AttachmentName"] == "Quarterly.pdf"
    assert client.calls[0][1]["ContentType"] == "application/pdf; version=1.7"


def test_configured_types_can_allow_more(tmp_path: Path) -> None:
    path = _write(tmp_path / "bundle.zip", b"PK\x03\x04" + b"\x00" * 50)
    client = FakeParticipantClient()
    config = SMALL_CHUNKS.replace(allowed_extensions={"zip"})
    upload(client, ScriptedHttp(response(200)), path, Config=config)
    assert client.calls[0][1]["ContentType"] == "application/zip"


def test_bad_arguments_are_typed_errors(pdf_file: Path) -> None:
    client = FakeParticipantClient()
    with pytest.raises(TransferConfigError):
        upload_attachment(client, str(pdf_file), Config={"chunk_size": 1})  # type: ignore[arg-type]
    with pytest.raises(TransferConfigError):
        upload_attachment(client, str(pdf_file), Callback=42)  # type: ignore[arg-type]
    with pytest.raises(TransferConfigError):
        upload_attachment(client, str(pdf_file), ConnectionToken="")
    with pytest.raises(AttachmentFileError):
        upload_attachment(client, b"/bytes/path")  # type: ignore[arg-type]
    assert client.calls == []


def test_fileobj_is_sent_from_its_current_position(tmp_path: Path) -> None:
    data = b"header-to-skip|" + PDF
    stream = io.BytesIO(data)
    stream.seek(len(b"header-to-skip|"))
    client = FakeParticipantClient()
    http = ScriptedHttp(response(500), response(200))
    upload_attachment_fileobj(
        client, stream, "r.pdf", Config=SMALL_CHUNKS, http=http, osutil=RecordingOSUtils()
    )
    assert http.sent[1].body == PDF
    assert client.calls[0][1]["AttachmentSizeInBytes"] == len(PDF)


def test_non_seekable_stream_is_spooled_and_can_be_retried() -> None:
    stream = NonSeekableStream(PDF)
    client = FakeParticipantClient()
    http = ScriptedHttp(("reset", 2), response(200))
    upload_attachment_fileobj(
        client, io.BufferedReader(stream), "r.pdf", Config=SMALL_CHUNKS, http=http,
        osutil=RecordingOSUtils(),
    )  # fmt: skip
    assert http.sent[1].body == PDF
    assert client.calls[0][1]["AttachmentSizeInBytes"] == len(PDF)


def test_oversized_non_seekable_stream_stops_reading_early() -> None:
    stream = NonSeekableStream(b"x" * 1_000_000)
    config = SMALL_CHUNKS.replace(max_size_bytes=10_000)
    client = FakeParticipantClient()
    with pytest.raises(AttachmentTooLargeError):
        upload_attachment_fileobj(client, stream, "r.txt", Config=config, http=ScriptedHttp())
    assert stream.bytes_read <= 10_000 + config.chunk_size
    assert client.calls == []


def test_text_mode_and_unreadable_objects_are_refused(tmp_path: Path) -> None:
    client = FakeParticipantClient()
    with pytest.raises(StreamNotSupportedError, match="text mode"):
        upload_attachment_fileobj(client, io.StringIO("text"), "a.txt")  # type: ignore[arg-type]
    with pytest.raises(StreamNotSupportedError):
        upload_attachment_fileobj(client, object(), "a.txt")  # type: ignore[arg-type]
    with open(tmp_path / "w.txt", "wb") as write_only, pytest.raises(StreamNotSupportedError):
        upload_attachment_fileobj(client, write_only, "a.txt")
    assert client.calls == []


def test_non_blocking_stream_without_data_is_refused_not_truncated() -> None:
    # A raw non-blocking pipe answers read() with None while the writer is still open:
    # that is "no data yet", not the end, so uploading what came so far would truncate.
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    os.write(write_fd, b"first part of a longer text")
    client = FakeParticipantClient()
    try:
        reader = open(read_fd, "rb", buffering=0)  # noqa: SIM115 - closed below
        try:
            with pytest.raises(StreamNotSupportedError, match="non-blocking"):
                upload_attachment_fileobj(client, reader, "a.txt", http=ScriptedHttp())
        finally:
            reader.close()
    finally:
        os.close(write_fd)
    assert client.calls == []


def test_empty_stream_is_refused() -> None:
    client = FakeParticipantClient()
    with pytest.raises(AttachmentFileError, match="empty"):
        upload_attachment_fileobj(client, io.BytesIO(b""), "a.txt")
    with pytest.raises(AttachmentFileError, match="empty"):
        upload_attachment_fileobj(client, NonSeekableStream(b""), "a.txt")
    assert client.calls == []


def test_ended_chat_is_a_typed_error(pdf_file: Path) -> None:
    client = FakeParticipantClient()
    client.fail("StartAttachmentUpload", client_error("AccessDeniedException", "", 403))
    with pytest.raises(ChatEndedError):
        upload(client, ScriptedHttp(), pdf_file)


def test_unknown_service_errors_pass_through(pdf_file: Path) -> None:
    from botocore.exceptions import ClientError

    client = FakeParticipantClient()
    client.fail("CompleteAttachmentUpload", client_error("InternalServerException", "", 500))
    with pytest.raises(ClientError):
        upload(client, ScriptedHttp(response(200)), pdf_file)


def test_wait_for_scan_returns_once_approved(pdf_file: Path) -> None:
    client = FakeParticipantClient(scan_statuses=["IN_PROGRESS", "IN_PROGRESS", "APPROVED"])
    osutil = RecordingOSUtils()
    config = SMALL_CHUNKS.replace(wait_for_scan=True, scan_poll_interval=0.5)
    upload(client, ScriptedHttp(response(200)), pdf_file, Config=config, osutil=osutil)
    assert client.operations().count("GetTranscript") == 3
    assert osutil.sleeps == [0.5, 0.5]


def test_wait_for_scan_raises_on_rejection(pdf_file: Path) -> None:
    client = FakeParticipantClient(scan_statuses=["REJECTED"])
    config = SMALL_CHUNKS.replace(wait_for_scan=True)
    with pytest.raises(AttachmentRejectedError) as caught:
        upload(client, ScriptedHttp(response(200)), pdf_file, Config=config)
    assert caught.value.attachment_id == "att-1"


def test_wait_for_scan_times_out(pdf_file: Path) -> None:
    client = FakeParticipantClient(scan_statuses=["IN_PROGRESS"])
    osutil = RecordingOSUtils()
    config = SMALL_CHUNKS.replace(wait_for_scan=True, scan_timeout=2.0, scan_poll_interval=0.5)
    with pytest.raises(ScanTimeoutError, match="IN_PROGRESS"):
        upload(client, ScriptedHttp(response(200)), pdf_file, Config=config, osutil=osutil)
    assert sum(osutil.sleeps) == pytest.approx(2.0)


def test_error_messages_never_carry_the_presigned_url(pdf_file: Path) -> None:
    error = urllib3.exceptions.ProtocolError(f"broken while sending {UPLOAD_URL}")
    http = ScriptedHttp(error, error)
    with pytest.raises(UploadFailedError) as caught:
        upload(FakeParticipantClient(), http, pdf_file, Config=SMALL_CHUNKS.replace(max_attempts=2))
    assert "SECRETSIG" not in str(caught.value)
    assert caught.value.__cause__ is None


def test_memory_is_one_chunk_per_read(tmp_path: Path) -> None:
    class CountingFile(io.BytesIO):
        largest = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            CountingFile.largest = max(CountingFile.largest, len(chunk))
            return chunk

    data = b"a" * 200_000
    upload_attachment_fileobj(
        FakeParticipantClient(), CountingFile(data), "big.txt",
        Config=SMALL_CHUNKS.replace(chunk_size=8192), http=ScriptedHttp(response(200)),
    )  # fmt: skip
    assert CountingFile.largest == 8192


def test_a_file_removed_after_opening_is_a_typed_error(tmp_path: Path) -> None:
    class RemovingOSUtils(OSUtils):
        def open_for_read(self, path: str) -> Any:
            handle = super().open_for_read(path)
            os.remove(path)
            return handle

    pdf = tmp_path / "gone.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(16))
    client = FakeParticipantClient()
    with pytest.raises(AttachmentFileError):
        upload_attachment(client, str(pdf), osutil=RemovingOSUtils())
    assert client.calls == []
