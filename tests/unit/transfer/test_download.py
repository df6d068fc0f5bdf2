"""The download engine: atomic files, retries, size checks, safe names, no partial output."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import urllib3

from boto3_connectparticipant_ext.transfer import (
    AttachmentNotFoundError,
    AttachmentRejectedError,
    AttachmentValidationError,
    ChatEndedError,
    DownloadFailedError,
    DownloadRefusedError,
    StreamNotSupportedError,
    TargetExistsError,
    TargetPathError,
    TargetWriteError,
    TransferConfig,
    TransferConfigError,
    download_attachment,
    download_attachment_fileobj,
    get_attachment_url,
)

from .fakes import (
    DOWNLOAD_URL,
    FakeParticipantClient,
    RecordingCallback,
    RecordingOSUtils,
    ScriptedHttp,
    client_error,
    response,
)

if TYPE_CHECKING:
    from typing_extensions import Buffer

DATA = bytes(range(256)) * 64
CONFIG = TransferConfig(chunk_size=4096)
EXPIRED = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"


def leftovers(directory: Path) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name.endswith(".cpx-part"))


def download(
    client: FakeParticipantClient, http: ScriptedHttp, target: Path, **kwargs: object
) -> str:
    kwargs.setdefault("Config", CONFIG)
    kwargs.setdefault("osutil", RecordingOSUtils())
    return download_attachment(client, "att-1", str(target), http=http, **kwargs)  # type: ignore[arg-type]


def test_good_download_is_renamed_into_place(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA))
    http = ScriptedHttp(response(200, DATA))
    callback = RecordingCallback()
    osutil = RecordingOSUtils()
    target = tmp_path / "out.bin"

    written = download(client, http, target, Callback=callback, osutil=osutil, ConnectionToken="t")

    assert written == str(target)
    assert target.read_bytes() == DATA
    assert callback.total == len(DATA) and max(callback.amounts) <= 4096
    (temporary, final, overwrite) = osutil.committed[0]
    assert os.path.dirname(temporary) == str(tmp_path) and final == str(target) and overwrite
    assert leftovers(tmp_path) == []
    assert client.calls == [("GetAttachment", {"AttachmentId": "att-1", "ConnectionToken": "t"})]
    assert http.sent[0].method == "GET" and http.sent[0].url == DOWNLOAD_URL


def test_fsync_before_rename_only_when_configured(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA))
    osutil = RecordingOSUtils()
    download(client, ScriptedHttp(response(200, DATA)), tmp_path / "a", osutil=osutil)
    assert osutil.events == ["commit"]
    osutil = RecordingOSUtils()
    durable = CONFIG.replace(fsync=True)
    download(
        client, ScriptedHttp(response(200, DATA)), tmp_path / "b", osutil=osutil, Config=durable
    )
    assert osutil.events == ["fsync", "commit"]


def test_requested_url_lifetime_is_passed(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA))
    download(
        client,
        ScriptedHttp(response(200, DATA)),
        tmp_path / "x",
        Config=CONFIG.replace(url_expiry_seconds=30),
    )
    assert client.calls[0][1] == {"AttachmentId": "att-1", "UrlExpiryInSeconds": 30}


@pytest.mark.parametrize(
    "failure",
    [
        lambda: response(200, DATA[:1000], content_length=len(DATA)),
        lambda: response(500),
        lambda: response(503, headers={"Retry-After": "0"}),
        lambda: urllib3.exceptions.ProtocolError("reset", ConnectionResetError(104, "reset")),
        lambda: response(200, DATA[:1000], content_length=1000),
        lambda: response(200, DATA[:1000], content_length=-1),
    ],
    ids=["truncated-body", "500", "503", "reset", "short-but-consistent", "short-no-length"],
)
def test_failures_are_retried_and_progress_rewound(tmp_path: Path, failure: object) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA))
    http = ScriptedHttp(failure(), response(200, DATA))  # type: ignore[operator]
    callback = RecordingCallback()
    osutil = RecordingOSUtils()
    target = tmp_path / "out.bin"
    download(client, http, target, Callback=callback, osutil=osutil)
    assert target.read_bytes() == DATA
    assert callback.total == len(DATA)
    assert len(osutil.sleeps) == 1
    assert leftovers(tmp_path) == []


def test_body_longer_than_announced_size_is_not_accepted(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=100)
    http = ScriptedHttp(response(200, DATA, headers={"Content-Length": str(len(DATA))}))
    with pytest.raises(DownloadFailedError, match="AttachmentSizeInBytes"):
        download(client, http, tmp_path / "x", Config=CONFIG.replace(max_attempts=1))
    assert not (tmp_path / "x").exists() and leftovers(tmp_path) == []


def test_final_failure_leaves_no_file_and_existing_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "keep.bin"
    target.write_bytes(b"precious")
    client = FakeParticipantClient(attachment_size=len(DATA))
    http = ScriptedHttp(*(response(200, DATA[:10], content_length=len(DATA)) for _ in range(3)))
    osutil = RecordingOSUtils()
    with pytest.raises(DownloadFailedError) as caught:
        download(client, http, target, Config=CONFIG.replace(max_attempts=3), osutil=osutil)
    assert caught.value.attempts == 3
    assert target.read_bytes() == b"precious"
    assert leftovers(tmp_path) == []
    assert osutil.committed == [] and len(osutil.removed) == 1


def test_expired_url_is_replaced_by_a_fresh_one(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA))
    client.download_urls = ["https://old/?X-Amz-Signature=a", "https://new/?X-Amz-Signature=b"]
    http = ScriptedHttp(response(403, EXPIRED), response(200, DATA))
    osutil = RecordingOSUtils()
    download(client, http, tmp_path / "x", osutil=osutil)
    assert [request.url for request in http.sent] == [
        "https://old/?X-Amz-Signature=a",
        "https://new/?X-Amz-Signature=b",
    ]
    assert client.operations() == ["GetAttachment", "GetAttachment"]
    assert osutil.sleeps == []


def test_url_past_its_expiry_is_refreshed_before_use(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA), url_expiry="2023-01-01T00:00:00Z")
    http = ScriptedHttp(response(200, DATA))
    download(client, http, tmp_path / "x")
    assert client.operations() == ["GetAttachment", "GetAttachment"]


def test_refusal_is_not_retried(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA))
    body = b"<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>"
    http = ScriptedHttp(response(404, body))
    with pytest.raises(DownloadRefusedError) as caught:
        download(client, http, tmp_path / "x")
    assert (caught.value.status, caught.value.error_code) == (404, "NoSuchKey")
    assert leftovers(tmp_path) == []


def test_service_errors_are_typed(tmp_path: Path) -> None:
    client = FakeParticipantClient()
    client.fail("GetAttachment", client_error("AccessDeniedException", "", 403))
    with pytest.raises(ChatEndedError):
        download(client, ScriptedHttp(), tmp_path / "x")
    client.fail("GetAttachment", client_error("ValidationException", "no such attachment"))
    with pytest.raises(AttachmentValidationError, match="no such attachment"):
        download(client, ScriptedHttp(), tmp_path / "x")
    client.fail("GetAttachment", client_error("ResourceNotFoundException", "", 404))
    with pytest.raises(AttachmentNotFoundError):
        download(client, ScriptedHttp(), tmp_path / "x")
    assert leftovers(tmp_path) == []


def test_directory_target_uses_the_sanitized_remote_name(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA), attachment_name="../../evil.pdf")
    written = download(client, ScriptedHttp(response(200, DATA)), tmp_path)
    assert os.path.dirname(written) == str(tmp_path)
    assert os.path.basename(written) == "___.._evil.pdf"
    assert Path(written).read_bytes() == DATA
    assert not (tmp_path.parent / "evil.pdf").exists()


def test_directory_target_never_overwrites_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"mine")
    client = FakeParticipantClient(attachment_size=len(DATA))
    http = ScriptedHttp()
    with pytest.raises(TargetExistsError):
        download(client, http, tmp_path)
    assert http.sent == [] and "GetAttachment" not in client.operations()
    assert (tmp_path / "report.pdf").read_bytes() == b"mine"

    download(client, ScriptedHttp(response(200, DATA)), tmp_path, Overwrite=True)
    assert (tmp_path / "report.pdf").read_bytes() == DATA


def test_directory_target_never_replaces_a_directory(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").mkdir()
    client = FakeParticipantClient(attachment_size=len(DATA))
    with pytest.raises(TargetPathError):
        download(client, ScriptedHttp(), tmp_path, Overwrite=True)
    assert (tmp_path / "report.pdf").is_dir()


def test_file_appearing_during_download_is_not_overwritten(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA))

    def late_answer() -> urllib3.HTTPResponse:
        (tmp_path / "report.pdf").write_bytes(b"someone else's")
        return response(200, DATA)

    with pytest.raises(TargetExistsError):
        download(client, ScriptedHttp(late_answer), tmp_path)
    assert (tmp_path / "report.pdf").read_bytes() == b"someone else's"
    assert leftovers(tmp_path) == []


def test_directory_target_needs_the_attachment_in_the_transcript(tmp_path: Path) -> None:
    client = FakeParticipantClient()
    client.get_transcript = lambda **kwargs: {"Transcript": []}  # type: ignore[method-assign]
    with pytest.raises(AttachmentNotFoundError):
        download(client, ScriptedHttp(), tmp_path)


def test_bad_targets_are_refused_before_any_network_call(tmp_path: Path) -> None:
    client = FakeParticipantClient()
    with pytest.raises(TargetPathError):
        download(client, ScriptedHttp(), tmp_path / "missing-dir" / "x.pdf")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(TargetPathError):
        download(client, ScriptedHttp(), fifo)
    with pytest.raises(TransferConfigError):
        download_attachment(client, "", str(tmp_path / "x"))
    with pytest.raises(TransferConfigError):
        download_attachment(client, "att-1", str(tmp_path / "x"), Overwrite="yes")  # type: ignore[arg-type]
    assert client.calls == []


def test_wait_for_scan_before_download(tmp_path: Path) -> None:
    client = FakeParticipantClient(attachment_size=len(DATA), scan_statuses=["REJECTED"])
    with pytest.raises(AttachmentRejectedError):
        download(client, ScriptedHttp(), tmp_path / "x", Config=CONFIG.replace(wait_for_scan=True))
    assert "GetAttachment" not in client.operations()


def test_fileobj_download_writes_at_position_and_undoes_on_failure() -> None:
    client = FakeParticipantClient(attachment_size=len(DATA))
    sink = io.BytesIO()
    sink.write(b"prefix:")
    written = download_attachment_fileobj(
        client, "att-1", sink, Config=CONFIG, http=ScriptedHttp(response(500), response(200, DATA)),
        osutil=RecordingOSUtils(),
    )  # fmt: skip
    assert written == len(DATA)
    assert sink.getvalue() == b"prefix:" + DATA

    failing = io.BytesIO()
    failing.write(b"prefix:")
    with pytest.raises(DownloadFailedError):
        download_attachment_fileobj(
            client, "att-1", failing, Config=CONFIG.replace(max_attempts=1),
            http=ScriptedHttp(response(200, DATA[:100], content_length=len(DATA))),
        )  # fmt: skip
    assert failing.getvalue() == b"prefix:"


def test_non_seekable_fileobj_receives_nothing_until_complete() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def write(self, chunk: Buffer) -> int:
            data = bytes(chunk)
            self.data += data
            return len(data)

    client = FakeParticipantClient(attachment_size=len(DATA))
    pipe = Pipe()
    with pytest.raises(DownloadFailedError):
        download_attachment_fileobj(
            client, "att-1", pipe, Config=CONFIG.replace(max_attempts=1),
            http=ScriptedHttp(response(200, DATA[:100], content_length=len(DATA))),
        )  # fmt: skip
    assert pipe.data == b""
    download_attachment_fileobj(
        client, "att-1", pipe, Config=CONFIG, http=ScriptedHttp(response(200, DATA))
    )
    assert bytes(pipe.data) == DATA


def test_text_mode_fileobj_is_refused() -> None:
    client = FakeParticipantClient()
    with pytest.raises(StreamNotSupportedError):
        download_attachment_fileobj(client, "att-1", io.StringIO())  # type: ignore[arg-type]
    assert client.calls == []


def test_disk_write_errors_are_not_retried_as_network_errors() -> None:
    class FullDisk(io.BytesIO):
        def write(self, chunk: object) -> int:
            raise OSError(28, "No space left on device")

    client = FakeParticipantClient(attachment_size=len(DATA))
    http = ScriptedHttp(response(200, DATA), response(200, DATA))
    with pytest.raises(TargetPathError, match="No space"):
        download_attachment_fileobj(client, "att-1", FullDisk(), Config=CONFIG, http=http)
    assert len(http.sent) == 1


def test_get_attachment_url_returns_only_the_url() -> None:
    client = FakeParticipantClient(attachment_size=10)
    assert get_attachment_url(client, "att-1", ExpiresIn=60) == DOWNLOAD_URL
    assert client.calls == [("GetAttachment", {"AttachmentId": "att-1", "UrlExpiryInSeconds": 60})]
    for bad in (4, 301, True, "60"):
        with pytest.raises(TransferConfigError):
            get_attachment_url(client, "att-1", ExpiresIn=bad)  # type: ignore[arg-type]


def test_non_blocking_raw_stream_not_ready_is_a_typed_error_not_silent_loss() -> None:
    class NotReady(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, chunk: object) -> None:
            return None  # a non-blocking raw stream: "would block", nothing taken

    client = FakeParticipantClient(attachment_size=len(DATA))
    with pytest.raises(TargetWriteError, match="not ready") as caught:
        download_attachment_fileobj(
            client, "att-1", NotReady(), Config=CONFIG, http=ScriptedHttp(response(200, DATA))
        )
    assert caught.value.bytes_written == 0 and caught.value.partial_copy is False
    assert isinstance(caught.value.__cause__, BlockingIOError)


def test_attachment_id_minimum_is_botocores_and_maximum_ours(tmp_path: Path) -> None:
    """botocore enforces the model's ``min`` but never its ``max``: the 256 is checked here."""
    import boto3
    from botocore.exceptions import ParamValidationError

    from boto3_connectparticipant_ext.transfer import TransferConfigError, download_attachment

    client = boto3.session.Session().client(
        "connectparticipant",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",  # nothing listens: a request would fail differently
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    shape = client.meta.service_model.operation_model("GetAttachment").input_shape
    assert shape.members["AttachmentId"].metadata == {"min": 1, "max": 256}
    with pytest.raises(ParamValidationError):  # botocore's own check of ``min``
        client.get_attachment(AttachmentId="", ConnectionToken="token")
    bad: Any
    for bad in ("a" * 257, 5, ""):
        with pytest.raises(TransferConfigError, match="AttachmentId"):
            download_attachment(client, bad, str(tmp_path / "f"), ConnectionToken="token")
    assert leftovers(tmp_path) == []
