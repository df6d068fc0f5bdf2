"""Attachment upload and download for connectparticipant clients, correct by construction.

Examples
--------
>>> from boto3_connectparticipant_ext.transfer import TransferConfig, upload_attachment
>>> config = TransferConfig(max_size_bytes=50 * 1024 * 1024, wait_for_scan=True)
>>> attachment_id = upload_attachment(client, "scan.pdf", Config=config)   # doctest: +SKIP
"""

from __future__ import annotations

from boto3_connectparticipant_ext.transfer.config import (
    DEFAULT_ALLOWED_EXTENSIONS,
    DEFAULT_MAX_SIZE_BYTES,
    TransferConfig,
)
from boto3_connectparticipant_ext.transfer.download import (
    download_attachment,
    download_attachment_fileobj,
    get_attachment_url,
)
from boto3_connectparticipant_ext.transfer.errors import (
    AttachmentFileError,
    AttachmentNotFoundError,
    AttachmentQuotaExceededError,
    AttachmentRejectedError,
    AttachmentTooLargeError,
    AttachmentTypeNotAllowedError,
    AttachmentValidationError,
    ChatEndedError,
    ContentTypeUnknownError,
    DownloadFailedError,
    DownloadRefusedError,
    InvalidAttachmentNameError,
    ScanTimeoutError,
    StreamNotSupportedError,
    TargetExistsError,
    TargetPathError,
    TargetWriteError,
    TransferConfigError,
    TransferError,
    TransferFailedError,
    UploadFailedError,
    UploadRefusedError,
    UrlExpiredError,
)
from boto3_connectparticipant_ext.transfer.fileobj import ReadableBinary, WritableBinary
from boto3_connectparticipant_ext.transfer.naming import safe_file_name
from boto3_connectparticipant_ext.transfer.progress import ProgressBar
from boto3_connectparticipant_ext.transfer.upload import (
    upload_attachment,
    upload_attachment_fileobj,
)

__all__ = [
    "DEFAULT_ALLOWED_EXTENSIONS",
    "DEFAULT_MAX_SIZE_BYTES",
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
    "ProgressBar",
    "ReadableBinary",
    "ScanTimeoutError",
    "StreamNotSupportedError",
    "TargetExistsError",
    "TargetPathError",
    "TargetWriteError",
    "TransferConfig",
    "TransferConfigError",
    "TransferError",
    "TransferFailedError",
    "UploadFailedError",
    "UploadRefusedError",
    "UrlExpiredError",
    "WritableBinary",
    "download_attachment",
    "download_attachment_fileobj",
    "get_attachment_url",
    "safe_file_name",
    "upload_attachment",
    "upload_attachment_fileobj",
]
