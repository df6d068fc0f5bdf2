"""The participant-API side of transfers: tokens, error translation, scan status."""

from __future__ import annotations

from typing import Any, Optional

from botocore.exceptions import ClientError, ParamValidationError

from boto3_connectparticipant_ext._validation import optional_token
from boto3_connectparticipant_ext.redact import redact_text
from boto3_connectparticipant_ext.transcript import NEWEST_FIRST, iter_transcript
from boto3_connectparticipant_ext.transfer.config import TransferConfig
from boto3_connectparticipant_ext.transfer.errors import (
    AttachmentNotFoundError,
    AttachmentQuotaExceededError,
    AttachmentRejectedError,
    AttachmentValidationError,
    ChatEndedError,
    ScanTimeoutError,
    TransferConfigError,
    TransferError,
)
from boto3_connectparticipant_ext.transfer.osutils import OSUtils

APPROVED = "APPROVED"
REJECTED = "REJECTED"


def token_arguments(connection_token: Optional[str]) -> dict[str, str]:
    """``{"ConnectionToken": ...}`` when the caller gave one, else nothing (botocore decides)."""
    token = optional_token(connection_token, name="ConnectionToken", error=TransferConfigError)
    return {} if token is None else {"ConnectionToken": token}


def translated(
    error: ClientError, *, operation: str, attachment_id: Optional[str] = None
) -> Optional[TransferError]:
    """The typed error for a service refusal of ``operation``, or ``None`` to let it through."""
    details = error.response.get("Error", {})
    code = str(details.get("Code", ""))
    message = redact_text(str(details.get("Message", "")))[:300]
    lowered = message.lower()
    suffix = f": {message}" if message else ""
    if attachment_id is not None and "reject" in lowered:
        return AttachmentRejectedError(attachment_id=attachment_id)
    if code in ("AccessDeniedException", "AccessDenied"):
        return ChatEndedError(
            f"{operation} was refused (AccessDeniedException): the chat has ended or the "
            f"ConnectionToken has expired{suffix}"
        )
    if code == "ServiceQuotaExceededException":
        return AttachmentQuotaExceededError(
            f"{operation}: the chat has reached its attachment quota{suffix}"
        )
    if code == "ResourceNotFoundException" or (
        code == "ValidationException" and attachment_id is not None and "not found" in lowered
    ):
        return AttachmentNotFoundError(f"{operation}: the attachment is unknown{suffix}")
    if code == "ValidationException":
        hint = ""
        if operation == "GetAttachment":
            hint = " (an attachment still being scanned can be awaited with wait_for_scan=True)"
        return AttachmentValidationError(f"{operation} rejected the request{suffix}{hint}")
    return None


def call(
    client: Any,
    operation: str,
    method: str,
    *,
    attachment_id: Optional[str] = None,
    **arguments: Any,
) -> Any:
    """Call ``client.<method>(**arguments)``, raising typed errors for known refusals."""
    try:
        return getattr(client, method)(**arguments)
    except ParamValidationError as error:
        # botocore's report echoes the values it refused; a token must not travel with it.
        raise ParamValidationError(
            report=redact_text(str(error.kwargs.get("report", "")))
        ) from None
    except ClientError as error:
        typed = translated(error, operation=operation, attachment_id=attachment_id)
        if typed is None:
            raise
        raise typed from error


def find_attachment(
    client: Any, *, attachment_id: str, token: dict[str, str]
) -> Optional[dict[str, Any]]:
    """The transcript's ``AttachmentItem`` for ``attachment_id`` (newest first), or ``None``."""
    try:
        walk = iter_transcript(
            client, Order=NEWEST_FIRST, ConnectionToken=token.get("ConnectionToken")
        )
        for item in walk:
            for attachment in item.get("Attachments") or ():
                if attachment.get("AttachmentId") == attachment_id:
                    return dict(attachment)
    except ClientError as error:
        typed = translated(error, operation="GetTranscript")
        if typed is None:
            raise
        raise typed from error
    return None


def wait_for_scan(
    client: Any,
    *,
    attachment_id: str,
    token: dict[str, str],
    config: TransferConfig,
    osutil: OSUtils,
) -> dict[str, Any]:
    """Wait until the attachment's scan status is APPROVED; raise on REJECTED or timeout."""
    deadline = osutil.monotonic() + config.scan_timeout
    status = "not in the transcript yet"
    while True:
        attachment = find_attachment(client, attachment_id=attachment_id, token=token)
        if attachment is not None:
            status = str(attachment.get("Status") or "IN_PROGRESS")
            if status == APPROVED:
                return attachment
            if status == REJECTED:
                raise AttachmentRejectedError(attachment_id=attachment_id)
        remaining = deadline - osutil.monotonic()
        if remaining <= 0:
            raise ScanTimeoutError(
                f"attachment {attachment_id} scan did not finish within "
                f"{config.scan_timeout:g} s (last status: {status})"
            )
        osutil.sleep(min(config.scan_poll_interval, remaining))
