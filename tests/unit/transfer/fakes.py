"""Test doubles for the transfer engine: a participant client, an HTTP layer, an OS layer.

No sockets: the HTTP double hands back real ``urllib3.HTTPResponse`` objects
built over in-memory bodies, and consumes request bodies the way urllib3 does
(iterating the chunks), optionally failing part-way like a reset connection.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

import urllib3
from botocore.exceptions import ClientError

from boto3_connectparticipant_ext.transfer._http import HttpSettings, TransferHttp
from boto3_connectparticipant_ext.transfer.osutils import OSUtils

UPLOAD_URL = "https://bucket.s3.amazonaws.com/up/key?X-Amz-Signature=SECRETSIG&X-Amz-Expires=300"
DOWNLOAD_URL = "https://bucket.s3.amazonaws.com/down/key?X-Amz-Signature=SECRETSIG2"


def client_error(code: str, message: str = "", status: int = 400) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "Operation",
    )


class FakeParticipantClient:
    """The four participant operations transfers use, recorded, with scripted answers."""

    def __init__(
        self,
        *,
        headers_to_include: Optional[dict[str, str]] = None,
        url_expiry: Optional[str] = None,
        attachment_size: Optional[int] = None,
        attachment_name: str = "report.pdf",
        scan_statuses: Iterable[str] = ("APPROVED",),
    ) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.headers_to_include = headers_to_include or {
            "Content-Type": "application/pdf",
            "x-amz-meta-name": "report.pdf",
        }
        self.url_expiry = url_expiry
        self.attachment_size = attachment_size
        self.attachment_name = attachment_name
        self.scan_statuses = list(scan_statuses)
        self.errors: dict[str, list[Exception]] = {}
        self.download_urls = [DOWNLOAD_URL]

    def fail(self, operation: str, *errors: Exception) -> None:
        self.errors.setdefault(operation, []).extend(errors)

    def _record(self, operation: str, arguments: dict[str, Any]) -> None:
        self.calls.append((operation, arguments))
        pending = self.errors.get(operation)
        if pending:
            raise pending.pop(0)

    def operations(self) -> list[str]:
        return [name for name, _ in self.calls]

    def start_attachment_upload(self, **arguments: Any) -> dict[str, Any]:
        self._record("StartAttachmentUpload", arguments)
        metadata: dict[str, Any] = {"Url": UPLOAD_URL, "HeadersToInclude": self.headers_to_include}
        if self.url_expiry is not None:
            metadata["UrlExpiry"] = self.url_expiry
        return {"AttachmentId": "att-1", "UploadMetadata": metadata}

    def complete_attachment_upload(self, **arguments: Any) -> dict[str, Any]:
        self._record("CompleteAttachmentUpload", arguments)
        return {}

    def get_attachment(self, **arguments: Any) -> dict[str, Any]:
        self._record("GetAttachment", arguments)
        url = self.download_urls.pop(0) if len(self.download_urls) > 1 else self.download_urls[0]
        answer: dict[str, Any] = {"Url": url}
        if self.url_expiry is not None:
            answer["UrlExpiry"] = self.url_expiry
        if self.attachment_size is not None:
            answer["AttachmentSizeInBytes"] = self.attachment_size
        return answer

    def get_transcript(self, **arguments: Any) -> dict[str, Any]:
        self._record("GetTranscript", arguments)
        status = self.scan_statuses.pop(0) if len(self.scan_statuses) > 1 else self.scan_statuses[0]
        attachment = {
            "AttachmentId": "att-1",
            "AttachmentName": self.attachment_name,
            "ContentType": "application/pdf",
            "Status": status,
        }
        return {
            "Transcript": [
                {"Id": "m2", "Type": "MESSAGE", "Content": "hi"},
                {"Id": "m1", "Type": "ATTACHMENT", "Attachments": [attachment]},
            ]
        }


def response(
    status: int = 200,
    body: bytes = b"",
    headers: Optional[Mapping[str, str]] = None,
    *,
    content_length: Optional[int] = None,
) -> urllib3.HTTPResponse:
    all_headers = dict(headers or {})
    if content_length != -1:  # -1: no Content-Length at all, like a close-delimited body
        length = len(body) if content_length is None else content_length
        all_headers.setdefault("Content-Length", str(length))
    return urllib3.HTTPResponse(
        body=io.BytesIO(body),
        headers=all_headers,
        status=status,
        preload_content=False,
        decode_content=False,
        enforce_content_length=True,
    )


Answer = Union[urllib3.HTTPResponse, BaseException, Callable[[], urllib3.HTTPResponse]]


@dataclass
class SentRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    timeout: Any


class ScriptedHttp(TransferHttp):
    """Answers requests from a script; records what was sent.

    A script entry is a response, an exception raised after the body was sent,
    a callable returning a response, or ``("reset", n)``: a connection reset
    after ``n`` body chunks were sent.
    """

    def __init__(self, *script: Any) -> None:
        super().__init__(HttpSettings())
        self.script = list(script)
        self.sent: list[SentRequest] = []

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: Optional[Iterable[bytes]] = None,
        timeout: Any,
    ) -> Any:
        if not self.script:
            raise AssertionError(f"unexpected {method} request")
        answer = self.script.pop(0)
        received = bytearray()
        record = SentRequest(method, url, dict(headers), b"", timeout)
        self.sent.append(record)
        if isinstance(answer, tuple) and answer[0] == "reset":
            for index, chunk in enumerate(body or ()):
                if index >= answer[1]:
                    break
                received += chunk
            record.body = bytes(received)
            raise urllib3.exceptions.ProtocolError(
                "Connection aborted.", ConnectionResetError(104, "Connection reset by peer")
            )
        for chunk in body or ():
            received += chunk
        record.body = bytes(received)
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            return answer()
        return answer


class RecordingOSUtils(OSUtils):
    """The real file system, a fake clock, and no real sleeping."""

    def __init__(self, *, now: Optional[datetime.datetime] = None) -> None:
        self.sleeps: list[float] = []
        self.committed: list[tuple[str, str, bool]] = []
        self.removed: list[str] = []
        self.temp_files: list[str] = []
        self.events: list[str] = []
        self.clock = 1000.0
        self.now = now or datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock += seconds
        self.now += datetime.timedelta(seconds=seconds)

    def monotonic(self) -> float:
        return self.clock

    def utcnow(self) -> datetime.datetime:
        return self.now

    def create_temp_file(self, *, directory: str, hint: str) -> Any:
        handle, path = super().create_temp_file(directory=directory, hint=hint)
        self.temp_files.append(path)
        return handle, path

    def flush_to_disk(self, handle: Any) -> None:
        self.events.append("fsync")
        super().flush_to_disk(handle)

    def commit(self, temporary: str, target: str, *, overwrite: bool) -> None:
        self.events.append("commit")
        self.committed.append((temporary, target, overwrite))
        super().commit(temporary, target, overwrite=overwrite)

    def remove(self, path: str) -> None:
        self.removed.append(path)
        super().remove(path)


class RecordingCallback:
    """A transfer ``Callback`` that keeps every amount it receives."""

    def __init__(self) -> None:
        self.amounts: list[int] = []

    def __call__(self, amount: int) -> None:
        self.amounts.append(amount)

    @property
    def total(self) -> int:
        return sum(self.amounts)


class NonSeekableStream(io.RawIOBase):
    """A readable stream that cannot seek (like a pipe), counting what was read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.bytes_read += len(chunk)
        return len(chunk)


class ShrinkingFile(io.BytesIO):
    """A file that loses its tail after the first read, like a file truncated mid-upload."""

    def __init__(self, data: bytes, *, keep: int) -> None:
        super().__init__(data)
        self._keep = keep
        self._reads = 0

    def read(self, size: Optional[int] = -1) -> bytes:
        self._reads += 1
        if self._reads == 2:
            self.truncate(self._keep)
        return super().read(size)
