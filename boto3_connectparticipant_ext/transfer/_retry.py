"""What to do with an S3 answer or a transport error: succeed, retry, or give up typed."""

from __future__ import annotations

import dataclasses
import datetime
import json
import random
import re
from collections.abc import Mapping
from typing import Any, Optional

from botocore.utils import parse_timestamp

from boto3_connectparticipant_ext.redact import redact_text
from boto3_connectparticipant_ext.transfer.config import TransferConfig

_ERROR_BODY_LIMIT = 16 * 1024
_XML_CODE = re.compile(rb"<Code>\s*([^<]{1,100}?)\s*</Code>")
_XML_MESSAGE = re.compile(rb"<Message>\s*([^<]{0,300}?)\s*</Message>")
_RETRYABLE_CODES = frozenset(
    {"RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable", "Throttling"}
)
#: Seconds before the stated expiry at which a URL is treated as expired (clock skew).
EXPIRY_MARGIN = 2.0


@dataclasses.dataclass(frozen=True)
class S3Answer:
    """An unsuccessful HTTP answer from the presigned URL."""

    status: int
    code: Optional[str]
    message: str
    retry_after: Optional[float]

    @property
    def expired(self) -> bool:
        return self.status in (400, 403) and (
            "expired" in self.message.lower() or (self.code or "") in ("ExpiredToken",)
        )

    @property
    def retryable(self) -> bool:
        return (
            self.status in (408, 429) or self.status >= 500 or (self.code or "") in _RETRYABLE_CODES
        )

    def describe(self) -> str:
        text = f"HTTP {self.status}"
        if self.code:
            text += f" {self.code}"
        if self.message:
            text += f": {self.message}"
        return text


def read_error_answer(response: Any) -> S3Answer:
    """Read (at most 16 KiB of) an error response and release its connection."""
    try:
        body = response.read(_ERROR_BODY_LIMIT, decode_content=True) or b""
    except Exception:
        body = b""
    finally:
        response.release_conn()
    code, message = _parse_error_body(body)
    headers = response.headers
    code = code or headers.get("x-amz-error-code") or headers.get("x-amzn-ErrorType")
    message = message or headers.get("x-amz-error-message") or ""
    return S3Answer(
        status=int(response.status),
        code=_clean(code) if code else None,
        message=_clean(message),
        retry_after=_retry_after(headers),
    )


def _parse_error_body(body: bytes) -> tuple[Optional[str], str]:
    code_match = _XML_CODE.search(body)
    if code_match is not None:
        message_match = _XML_MESSAGE.search(body)
        message = message_match.group(1).decode("utf-8", "replace") if message_match else ""
        return code_match.group(1).decode("utf-8", "replace"), message
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, ""
    if not isinstance(document, dict):
        return None, ""
    code = document.get("Code") or document.get("code") or document.get("__type")
    message = document.get("Message") or document.get("message") or ""
    return (str(code) if code else None), str(message)


def _clean(text: str) -> str:
    # Only the code and message are kept: S3 puts the string it signed next to them.
    return redact_text(" ".join(text.split()))[:300]


def _retry_after(headers: Mapping[str, str]) -> Optional[float]:
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def backoff_delay(
    *, attempt: int, config: TransferConfig, retry_after: Optional[float] = None
) -> float:
    """Seconds to wait before attempt ``attempt + 1``: exponential, full jitter, capped."""
    ceiling = min(config.backoff_max, config.backoff_base * (2 ** (attempt - 1)))
    delay = random.uniform(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, config.backoff_max))
    return delay


def parse_expiry(value: object) -> Optional[datetime.datetime]:
    """The ``UrlExpiry`` of a response as an aware datetime, or ``None`` when unknown."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = parse_timestamp(value)
        except (ValueError, TypeError, OverflowError):
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def seconds_left(expiry: Optional[datetime.datetime], now: datetime.datetime) -> float:
    """Seconds until ``expiry`` minus a safety margin; infinite when the expiry is unknown."""
    if expiry is None:
        return float("inf")
    return (expiry - now).total_seconds() - EXPIRY_MARGIN
