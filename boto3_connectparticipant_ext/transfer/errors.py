"""Typed errors of attachment transfers.

Every error here derives from :class:`TransferError` (defined in ``errors.py``,
like the package's one :class:`ChatEndedError`), itself a
:class:`~boto3_connectparticipant_ext.errors.ConnectParticipantExtError`.
Messages never contain a token or a presigned URL: they name the attachment,
the HTTP status and S3's error code, never the URL that failed.

Examples
--------
>>> from boto3_connectparticipant_ext.transfer.errors import UploadRefusedError
>>> error = UploadRefusedError(status=403, error_code="SignatureDoesNotMatch", detail="")
>>> (error.status, error.error_code)
(403, 'SignatureDoesNotMatch')
"""

from __future__ import annotations

from typing import Optional

from boto3_connectparticipant_ext.errors import ChatEndedError, TransferError

__all__ = [
    "AttachmentFileError",
    "AttachmentNotFoundError",
    "AttachmentQuotaExceededError",
    "AttachmentRejectedError",
    "AttachmentTooLargeError",
    "AttachmentTypeNotAllowedError",
    "AttachmentValidationError",
    "ChatEndedError",
    "ContentTypeUnknownError",
    "DownloadFailedError",
    "DownloadRefusedError",
    "InvalidAttachmentNameError",
    "ScanTimeoutError",
    "StreamNotSupportedError",
    "TargetExistsError",
    "TargetPathError",
    "TargetWriteError",
    "TransferCancelledError",
    "TransferConfigError",
    "TransferError",
    "TransferFailedError",
    "UploadFailedError",
    "UploadRefusedError",
    "UrlExpiredError",
]


class TransferConfigError(TransferError, ValueError):
    """A :class:`TransferConfig` value, or a helper argument, is invalid."""


class AttachmentFileError(TransferError):
    """The local file cannot be uploaded: missing, a directory, empty, unreadable or changing."""


class AttachmentTooLargeError(TransferError):
    """The attachment is larger than the configured size limit."""

    def __init__(self, *, size: Optional[int], limit: int) -> None:
        self.size = size
        self.limit = limit
        shown = f"{size} bytes" if size is not None else "more than the limit"
        super().__init__(
            f"the attachment is {shown}; the limit is {limit} bytes "
            "(raise TransferConfig(max_size_bytes=...) if your instance allows more)"
        )


class AttachmentTypeNotAllowedError(TransferError):
    """The attachment's type is not in the configured list of allowed types."""


class ContentTypeUnknownError(TransferError):
    """No content type could be found from the name or the bytes; pass ``ContentType``."""


class InvalidAttachmentNameError(TransferError):
    """The attachment name is empty or longer than the service accepts (256 characters)."""


class StreamNotSupportedError(TransferError):
    """The file object cannot be used: opened in text mode, not readable or not writable."""


class UrlExpiredError(TransferError):
    """The presigned URL expired before the transfer could complete."""


class UploadRefusedError(TransferError):
    """S3 refused the upload (a 4xx answer that retrying cannot fix).

    ``status`` is the HTTP status and ``error_code`` S3's error code (for example
    ``SignatureDoesNotMatch``); CompleteAttachmentUpload was not called.
    """

    def __init__(self, *, status: int, error_code: Optional[str], detail: str) -> None:
        self.status = status
        self.error_code = error_code
        text = f"S3 refused the attachment upload: HTTP {status}"
        if error_code:
            text += f" {error_code}"
        if detail:
            text += f" ({detail})"
        super().__init__(text)


class DownloadRefusedError(TransferError):
    """The download URL answered with a 4xx status that retrying cannot fix."""

    def __init__(self, *, status: int, error_code: Optional[str], detail: str) -> None:
        self.status = status
        self.error_code = error_code
        text = f"the attachment download was refused: HTTP {status}"
        if error_code:
            text += f" {error_code}"
        if detail:
            text += f" ({detail})"
        super().__init__(text)


class TransferFailedError(TransferError):
    """Every attempt failed with a retryable error (throttling, 5xx, connection, truncation)."""

    def __init__(self, *, action: str, attempts: int, last_error: str) -> None:
        self.attempts = attempts
        self.last_error = last_error
        super().__init__(f"{action} failed after {attempts} attempt(s); last error: {last_error}")


class UploadFailedError(TransferFailedError):
    """The upload PUT failed on every attempt; CompleteAttachmentUpload was not called."""


class DownloadFailedError(TransferFailedError):
    """The download failed on every attempt; no partial file was left behind."""


class AttachmentNotFoundError(TransferError):
    """The service does not know this attachment (or it is not visible to this participant)."""


class AttachmentRejectedError(TransferError):
    """The attachment's scan status is REJECTED: it will never be delivered."""

    def __init__(self, *, attachment_id: str) -> None:
        self.attachment_id = attachment_id
        super().__init__(f"attachment {attachment_id} was rejected by the attachment scan")


class ScanTimeoutError(TransferError):
    """The attachment's scan did not finish within ``TransferConfig.scan_timeout``."""


class TransferCancelledError(TransferError):
    """The asyncio task running the transfer was cancelled (raised in its worker thread)."""


class AttachmentQuotaExceededError(TransferError):
    """The chat holds as many attachments as the service allows (ServiceQuotaExceeded)."""


class AttachmentValidationError(TransferError):
    """The service rejected the request as invalid (ValidationException)."""


class TargetPathError(TransferError):
    """The download target cannot be written: missing directory or not a regular file."""


class TargetWriteError(TargetPathError):
    """Writing the attachment into the caller's file object failed.

    ``bytes_written`` is how many bytes of the attachment the file object
    accepted before the failure; ``partial_copy`` says whether they are still
    in it. A seekable file object is rewound to where it was and truncated
    there, so it holds nothing of the attachment (``partial_copy`` is False);
    a non-seekable stream, or one that cannot be truncated, keeps those bytes:
    a partial copy the caller must discard. The ``OSError`` raised by the file
    object is chained as ``__cause__``.
    """

    def __init__(self, message: str, *, bytes_written: int, partial_copy: bool) -> None:
        self.bytes_written = bytes_written
        self.partial_copy = partial_copy
        super().__init__(message)


class TargetExistsError(TargetPathError):
    """A file already exists where a name chosen from the remote AttachmentName would go."""
