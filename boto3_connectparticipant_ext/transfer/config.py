"""``TransferConfig``: the knobs of attachment uploads and downloads.

Every number is checked when the config is built, before any request: whole
numbers are ``int`` (not ``bool``) within their range, seconds are finite and
at most :data:`MAX_SECONDS`. The service says nothing about these local knobs;
the one-day cap is ours: every presigned URL and chat token expires long
before, and a larger value (``1e300``) would only fail later inside the socket
or ``time.sleep`` with ``OverflowError``, after StartAttachmentUpload.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import Any, Optional

from boto3_connectparticipant_ext._backoff import Backoff
from boto3_connectparticipant_ext.service_limits import (
    ATTACHMENT_URL_EXPIRY_MAX_SECONDS,
    ATTACHMENT_URL_EXPIRY_MIN_SECONDS,
    DEFAULT_ATTACHMENT_EXTENSIONS,
    DEFAULT_ATTACHMENT_MAX_BYTES,
)
from boto3_connectparticipant_ext.transfer._policy import TransferRetry
from boto3_connectparticipant_ext.transfer.errors import TransferConfigError

#: The types Amazon Connect accepts by default (its "Feature specifications" page).
DEFAULT_ALLOWED_EXTENSIONS: frozenset[str] = DEFAULT_ATTACHMENT_EXTENSIONS
#: Amazon Connect's default attachment size limit, 20 MB.
DEFAULT_MAX_SIZE_BYTES = DEFAULT_ATTACHMENT_MAX_BYTES

#: The largest number of seconds any timeout, wait or backoff accepts (one day).
MAX_SECONDS = 24 * 60 * 60.0

_MIN_CHUNK = 4 * 1024
_MAX_CHUNK = 64 * 1024 * 1024


@dataclasses.dataclass(frozen=True, init=False)
class TransferConfig:
    """How attachment transfers behave. Immutable; build a new one with :meth:`replace`.

    Parameters
    ----------
    chunk_size
        Bytes read from disk or the network at a time (and progress granularity).
        Memory use of a transfer is about one chunk, whatever the file size.
    max_attempts
        Attempts of each PUT or GET, the first included. Throttling (429), 5xx,
        connection errors and truncated bodies are retried with exponential
        backoff and jitter while the presigned URL is valid.
    connect_timeout, read_timeout
        Seconds; ``None`` uses the client's ``Config(connect_timeout=...,
        read_timeout=...)``.
    max_size_bytes
        Largest attachment accepted locally (default 20 MB, Amazon Connect's
        default; instances can raise theirs to 100 MB).
    allowed_extensions
        File extensions accepted for upload, without the dot, case-insensitive.
        Default: the types Amazon Connect documents. ``None`` accepts any type
        (the service still decides).
    wait_for_scan
        After an upload (and before a download), wait until the attachment's
        scan status is APPROVED; REJECTED raises ``AttachmentRejectedError``.
    scan_timeout, scan_poll_interval
        Seconds to wait for the scan in total, and between two looks.
    backoff_base, backoff_max
        Seconds: the first retry waits up to ``backoff_base`` (full jitter),
        doubling each time, capped at ``backoff_max``, which must not be below
        ``backoff_base`` (set both to 0 to retry without waiting).
    url_expiry_seconds
        Lifetime requested for download URLs (GetAttachment
        ``UrlExpiryInSeconds``, 5..300); ``None`` uses the service's default.
    fsync
        Flush a downloaded file to disk before renaming it into place, so that
        even a power cut never leaves a truncated file under the final name.
        Off by default (like boto3's ``download_file``): the rename is atomic
        for every reader either way; the flush costs a disk write-back.

    Examples
    --------
    >>> config = TransferConfig(max_size_bytes=100 * 1024 * 1024, wait_for_scan=True)
    >>> config.max_attempts
    5
    >>> "zip" in config.replace(allowed_extensions={"zip", "pdf"}).allowed_extensions
    True
    """

    chunk_size: int
    max_attempts: int
    connect_timeout: Optional[float]
    read_timeout: Optional[float]
    max_size_bytes: int
    allowed_extensions: Optional[frozenset[str]]
    wait_for_scan: bool
    scan_timeout: float
    scan_poll_interval: float
    backoff_base: float
    backoff_max: float
    url_expiry_seconds: Optional[int]
    fsync: bool

    def __init__(
        self,
        *,
        chunk_size: int = 256 * 1024,
        max_attempts: int = 5,
        connect_timeout: Optional[float] = None,
        read_timeout: Optional[float] = None,
        max_size_bytes: int = DEFAULT_MAX_SIZE_BYTES,
        allowed_extensions: Optional[Iterable[str]] = DEFAULT_ALLOWED_EXTENSIONS,
        wait_for_scan: bool = False,
        scan_timeout: float = 60.0,
        scan_poll_interval: float = 1.0,
        backoff_base: float = 0.25,
        backoff_max: float = 8.0,
        url_expiry_seconds: Optional[int] = None,
        fsync: bool = False,
    ) -> None:
        values: dict[str, Any] = {
            "chunk_size": _whole("chunk_size", chunk_size, minimum=_MIN_CHUNK, maximum=_MAX_CHUNK),
            "max_attempts": _whole("max_attempts", max_attempts, minimum=1, maximum=100),
            "connect_timeout": _optional_seconds("connect_timeout", connect_timeout),
            "read_timeout": _optional_seconds("read_timeout", read_timeout),
            "max_size_bytes": _whole("max_size_bytes", max_size_bytes, minimum=1),
            "allowed_extensions": _extensions(allowed_extensions),
            "wait_for_scan": _flag("wait_for_scan", wait_for_scan),
            "scan_timeout": _seconds("scan_timeout", scan_timeout),
            "scan_poll_interval": _seconds("scan_poll_interval", scan_poll_interval),
            "backoff_base": _seconds("backoff_base", backoff_base, allow_zero=True),
            "backoff_max": _seconds("backoff_max", backoff_max, allow_zero=True),
            "url_expiry_seconds": (
                None
                if url_expiry_seconds is None
                else _whole(
                    "url_expiry_seconds",
                    url_expiry_seconds,
                    minimum=ATTACHMENT_URL_EXPIRY_MIN_SECONDS,
                    maximum=ATTACHMENT_URL_EXPIRY_MAX_SECONDS,
                )
            ),
            "fsync": _flag("fsync", fsync),
        }
        if values["backoff_max"] < values["backoff_base"]:
            raise TransferConfigError(
                f"TransferConfig backoff_max ({backoff_max}) is below backoff_base "
                f"({backoff_base}): the cap would override the first wait; raise backoff_max "
                "or lower backoff_base (0 for both retries without waiting)"
            )
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def retry(self) -> TransferRetry:
        """The retry policy built from ``max_attempts``, ``backoff_base`` and ``backoff_max``.

        Examples
        --------
        >>> policy = TransferConfig(max_attempts=3, backoff_base=0.5, backoff_max=4.0).retry
        >>> policy.total, policy.backoff.ceiling(5)
        (3, 4.0)
        """
        return TransferRetry(
            total=self.max_attempts,
            backoff=Backoff(
                base=self.backoff_base, factor=2.0, cap=self.backoff_max, full_jitter=True
            ),
        )

    def replace(self, **changes: Any) -> TransferConfig:
        """Return a copy with ``changes`` applied (validated like the constructor).

        Examples
        --------
        >>> TransferConfig().replace(max_attempts=2).max_attempts
        2
        """
        return dataclasses.replace(self, **changes)


def _whole(name: str, value: object, *, minimum: int, maximum: Optional[int] = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TransferConfigError(f"TransferConfig {name} must be an integer, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise TransferConfigError(f"TransferConfig {name} must be {bounds}, got {value}")
    return value


def _seconds(name: str, value: object, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TransferConfigError(f"TransferConfig {name} must be a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        number = math.inf
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        raise TransferConfigError(f"TransferConfig {name} must be a positive number, got {value}")
    if number > MAX_SECONDS:
        raise TransferConfigError(
            f"TransferConfig {name} must be at most {MAX_SECONDS:g} seconds (one day), got {value}"
        )
    return number


def _optional_seconds(name: str, value: object) -> Optional[float]:
    return None if value is None else _seconds(name, value)


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TransferConfigError(f"TransferConfig {name} must be True or False, got {value!r}")
    return value


def _extensions(value: Optional[Iterable[str]]) -> Optional[frozenset[str]]:
    if value is None:
        return None
    if isinstance(value, (str, bytes)):
        raise TransferConfigError(
            "TransferConfig allowed_extensions must be a collection of extensions such as "
            "{'pdf', 'png'}, not a single string"
        )
    if not isinstance(value, Iterable):
        raise TransferConfigError(
            "TransferConfig allowed_extensions must be a collection of extensions such as "
            f"{{'pdf', 'png'}} or None, got {type(value).__name__}"
        )
    cleaned = set()
    for extension in value:
        if not isinstance(extension, str) or not extension.strip(". "):
            raise TransferConfigError(f"not a file extension: {extension!r}")
        cleaned.add(extension.strip().lstrip(".").lower())
    if not cleaned:
        raise TransferConfigError(
            "TransferConfig allowed_extensions is empty: nothing could be uploaded "
            "(use None to accept every type)"
        )
    return frozenset(cleaned)
