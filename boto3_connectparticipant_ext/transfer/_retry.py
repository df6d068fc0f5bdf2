"""The one retry loop of uploads and downloads, and what an S3 error answer says.

:func:`run_attempts` applies a :class:`~.._policy.TransferRetry` to any attempt function:
each attempt returns its result or a :class:`Failure`; the loop rewinds progress, asks the
policy for the next attempt (or its give-up error), checks the presigned URL's lifetime
through a :class:`UrlLease` (renewed when the policy allows, else a typed expiry error), and
sleeps through the transfer's ``OSUtils``.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from collections.abc import Mapping
from typing import Any, Callable, Optional, Protocol, TypeVar, Union

from botocore.utils import parse_timestamp

from boto3_connectparticipant_ext.redact import redact_text
from boto3_connectparticipant_ext.transfer._policy import TransferRetry
from boto3_connectparticipant_ext.transfer.osutils import OSUtils
from boto3_connectparticipant_ext.transfer.progress import ProgressTracker

T = TypeVar("T")
_ERROR_BODY_LIMIT = 16 * 1024
_XML_CODE = re.compile(rb"<Code>\s*([^<]{1,100}?)\s*</Code>")
_XML_MESSAGE = re.compile(rb"<Message>\s*([^<]{0,300}?)\s*</Message>")
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


@dataclasses.dataclass(frozen=True)
class Failure:
    """One failed attempt: what went wrong, the server's ``Retry-After``, and its kind."""

    error: str
    retry_after: Optional[float] = None
    #: S3 said the presigned URL expired: renewed without waiting when the policy allows.
    url_expired: bool = False
    #: No retry can fix it (an untrusted certificate): give up at once.
    permanent: bool = False


class UrlLease(Protocol):
    """The presigned URL of a transfer, as the retry loop sees it."""

    def seconds_left(self) -> float:
        """Seconds before the URL expires (minus a safety margin); ``inf`` when unknown."""

    def renew(self) -> None:
        """Replace the URL by a fresh one (only called when the policy refreshes URLs)."""

    def expired_error(self, policy: TransferRetry, *, before_wait: bool) -> Exception:
        """The error for a URL that expired (or would, during the next wait)."""


def run_attempts(
    attempt: Callable[[TransferRetry], Union[T, Failure]],
    *,
    policy: TransferRetry,
    lease: UrlLease,
    progress: ProgressTracker,
    osutil: OSUtils,
) -> T:
    """Run ``attempt`` until it returns a result; raise the policy's errors otherwise."""
    while True:
        if lease.seconds_left() <= 0:
            if not policy.refresh_url_on_expiry:
                raise lease.expired_error(policy, before_wait=False)
            lease.renew()
        outcome = attempt(policy)
        if not isinstance(outcome, Failure):
            return outcome
        if outcome.permanent:
            raise policy.give_up(outcome.error) from None
        if outcome.url_expired and policy.refresh_url_on_expiry:
            lease.renew()
            progress.rewind()
            policy = policy.increment(outcome.error)
            continue
        progress.rewind()
        policy = policy.increment(outcome.error, retry_after=outcome.retry_after)
        delay = policy.backoff_time()
        if not policy.refresh_url_on_expiry and lease.seconds_left() <= delay:
            raise lease.expired_error(policy, before_wait=True)
        osutil.sleep(delay)
