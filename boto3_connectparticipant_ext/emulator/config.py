"""The emulator's settings: lifetimes, limits, attachment rules.

An :class:`EmulatorConfig` is live: the running emulator reads it on every
request, so changing a field changes the behaviour of later requests.

Examples
--------
>>> config = EmulatorConfig(connection_token_ttl=60, scan_delay=0.5)
>>> config.attachment_max_bytes
20971520
>>> "pdf" in config.allowed_attachment_extensions
True
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Callable
from typing import Any, Optional

from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError
from boto3_connectparticipant_ext.service_limits import (
    DEFAULT_ATTACHMENT_EXTENSIONS,
    DEFAULT_ATTACHMENT_MAX_BYTES,
    MAX_MESSAGE_CONTENT_BYTES,
    SEND_MESSAGE_CONTENT_TYPES,
)

ScanRule = Callable[[str, int], str]


def approve_everything(name: str, size: int) -> str:
    """The default scan rule: every attachment is ``APPROVED``."""
    del name, size
    return "APPROVED"


# Keyword-only where the language allows it (3.10+); 3.9 still gets named use in all docs.
_KEYWORD_ONLY: dict[str, Any] = {"kw_only": True} if sys.version_info >= (3, 10) else {}


@dataclasses.dataclass(**_KEYWORD_ONLY)
class EmulatorConfig:
    """Settings of an :class:`~boto3_connectparticipant_ext.emulator.Emulator`.

    Durations are in seconds. Defaults follow the service's documented values.

    Examples
    --------
    >>> def reject_exe(name: str, size: int) -> str:
    ...     return "REJECTED" if name.endswith(".exe") else "APPROVED"
    >>> config = EmulatorConfig(scan_rule=reject_exe, attachments_per_contact=3)
    >>> config.scan_rule("virus.exe", 10)
    'REJECTED'
    """

    connection_token_ttl: float = 86400.0
    """Lifetime of a ConnectionToken (``ConnectionCredentials.Expiry``)."""
    websocket_connection_expiry: float = 100.0
    """Time within which a websocket URL must be opened (``Websocket.ConnectionExpiry``)."""
    websocket_max_age: Optional[float] = 7200.0
    """Close open sockets (code 1001, "Going away") at this age, as API Gateway does after
    2 hours; ``None`` keeps them open."""
    websocket_idle_timeout: Optional[float] = 600.0
    """Close a socket (code 1001) after this long without a frame in either direction
    (API Gateway: 10 minutes); ``None`` never does."""
    websocket_max_frame_bytes: Optional[int] = 32 * 1024
    """A client frame larger than this closes the socket with code 1009 (API Gateway's
    32 KB frame quota); ``None`` takes any size."""
    participant_token_ttl: float = 1500 * 60.0
    """Lifetime reported for ParticipantTokens (CreateParticipant's ``Expiry``)."""
    attachment_max_bytes: int = DEFAULT_ATTACHMENT_MAX_BYTES
    allowed_attachment_extensions: frozenset[str] = DEFAULT_ATTACHMENT_EXTENSIONS
    attachments_per_contact: Optional[int] = 100
    """Attachments a contact may start; the next is ServiceQuotaExceeded (402)."""
    upload_url_ttl: float = 300.0
    """Lifetime of the presigned upload URL (``UploadMetadata.UrlExpiry``)."""
    scan_delay: float = 0.0
    """Seconds an attachment stays ``IN_PROGRESS`` after CompleteAttachmentUpload."""
    scan_rule: ScanRule = approve_everything
    """``scan_rule(name, size)`` gives ``"APPROVED"`` or ``"REJECTED"``."""
    s3_endpoint_url: Optional[str] = None
    """Hand out presigned URLs of this S3-compatible server (moto) instead of our own.
    Its URLs expire by real time: ``Emulator.advance_clock`` does not reach them."""
    s3_bucket: str = "connect-emulator-attachments"
    max_request_bytes: int = 1024 * 1024
    """Largest API request body; larger gets 413 like API Gateway."""
    message_content_limits: dict[str, int] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(SEND_MESSAGE_CONTENT_TYPES, MAX_MESSAGE_CONTENT_BYTES)
    )
    """Allowed SendMessage content types and their longest ``Content``."""
    chat_duration_minutes: Optional[int] = 1500
    """Lifetime of a contact whose StartChatContact gave no ``ChatDurationInMinutes``
    (the service's default is 25 hours); ``None``: such chats never expire."""
    tokens_work_after_chat_end: bool = False
    """Keep ConnectionTokens working after the chat ended (reads only). The service stops
    them (every participant call is AccessDenied); ``True`` is the emulator's old behaviour."""
    strict_ids: bool = False
    """Accept only ``instance_id`` and ``contact_flow_id`` (ResourceNotFound otherwise).
    By default any InstanceId and ContactFlowId is accepted, so code with real ids runs."""
    region: str = "us-east-1"
    account_id: str = "123456789012"
    instance_id: str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    contact_flow_id: str = "ffffffff-1111-4222-8333-444444444444"
    max_recorded_requests: int = 100_000
    max_recorded_frames: int = 100_000
    accept_connection_acknowledged: bool = False
    """Accept SendEvent's retired ``connection.acknowledged`` (the service refuses it
    since 2024-12-31 with a ValidationException)."""
    unknown_start_id_is_error: bool = False
    """GetTranscript with an unknown ``StartPosition.Id``: a ValidationException
    instead of an empty page (the mobile SDKs expect the empty page; inferred)."""
    message_processing_status: Optional[str] = None
    """SendMessage's ``MessageMetadata.MessageProcessingStatus`` (PROCESSING, FAILED or
    REJECTED), as when the instance has a message processor; ``None`` (no processor)
    leaves ``MessageMetadata`` out of the answer."""
    cors: bool = True
    """Answer browsers' CORS checks (preflights, ``Access-Control-*`` headers); ``False``: none."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise :class:`EmulatorConfigError` for values the emulator cannot honour."""
        for name in (
            "connection_token_ttl",
            "websocket_connection_expiry",
            "participant_token_ttl",
            "upload_url_ttl",
        ):
            _require_number(name, getattr(self, name), minimum=0, inclusive=False)
        _require_number("scan_delay", self.scan_delay, minimum=0, inclusive=True)
        for name in ("websocket_max_age", "websocket_idle_timeout"):
            if getattr(self, name) is not None:
                _require_number(name, getattr(self, name), minimum=0, inclusive=False)
        for name in ("websocket_max_frame_bytes", "chat_duration_minutes"):
            if getattr(self, name) is not None:
                _require_number(name, getattr(self, name), minimum=0, inclusive=False, whole=True)
        for name in (
            "tokens_work_after_chat_end",
            "strict_ids",
            "accept_connection_acknowledged",
            "unknown_start_id_is_error",
            "cors",
        ):
            if not isinstance(getattr(self, name), bool):
                raise EmulatorConfigError(f"{name} must be True or False")
        if self.attachments_per_contact is not None:
            _require_number(
                "attachments_per_contact",
                self.attachments_per_contact,
                minimum=0,
                inclusive=True,
                whole=True,
            )
        for name in (
            "attachment_max_bytes",
            "max_request_bytes",
            "max_recorded_requests",
            "max_recorded_frames",
        ):
            _require_number(name, getattr(self, name), minimum=0, inclusive=False, whole=True)
        if not callable(self.scan_rule):
            raise EmulatorConfigError("scan_rule must be callable(name, size) -> status")
        if isinstance(self.allowed_attachment_extensions, (str, bytes)):
            raise EmulatorConfigError(
                "allowed_attachment_extensions must be a collection of extensions such as "
                "{'pdf', 'png'}, not a single string"
            )
        try:
            self.allowed_attachment_extensions = frozenset(
                str(extension).lower().lstrip(".")
                for extension in self.allowed_attachment_extensions
            )
        except TypeError:
            raise EmulatorConfigError("allowed_attachment_extensions must be strings") from None
        limits = self.message_content_limits
        if not isinstance(limits, dict) or not all(
            isinstance(key, str)
            and isinstance(value, int)
            and not isinstance(value, bool)
            and 0 < value <= sys.maxsize
            for key, value in limits.items()
        ):
            raise EmulatorConfigError("message_content_limits maps content types to lengths")
        _check_processing_status(self.message_processing_status)

    def update(self, **changes: Any) -> None:
        """Change several fields at once, validated together.

        Examples
        --------
        >>> config = EmulatorConfig()
        >>> config.update(scan_delay=1.0, upload_url_ttl=5)
        >>> config.upload_url_ttl
        5
        """
        known = {field.name for field in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise EmulatorConfigError(f"unknown EmulatorConfig fields: {', '.join(unknown)}")
        previous = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        try:
            self.validate()
        except EmulatorConfigError:
            for name, value in previous.items():
                setattr(self, name, value)
            raise

    def to_json(self) -> dict[str, Any]:
        """The JSON-representable fields (for the HTTP control API)."""
        result: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if callable(value):
                continue
            if isinstance(value, frozenset):
                value = sorted(value)
            result[field.name] = value
        return result


# The longest duration the emulator can honour: an expiry must still be a date (year < 10000).
_MAX_SECONDS = 100 * 365.25 * 86400.0


def _require_number(
    name: str, value: Any, *, minimum: float, inclusive: bool, whole: bool = False
) -> None:
    # Finite, and within what the emulator can use: a float (durations up to a century) or a
    # size the runtime can index (sys.maxsize). NaN, infinity and ints too large for a float
    # used to pass here and fail later with OverflowError, or stall the server.
    kinds = (int,) if whole else (int, float)
    maximum = sys.maxsize if whole else _MAX_SECONDS
    valid = isinstance(value, kinds) and not isinstance(value, bool)
    try:
        valid = valid and math.isfinite(value) and value <= maximum
    except OverflowError:
        valid = False
    if not valid or value < minimum or (value == minimum and not inclusive):
        relation = "at least" if inclusive else "more than"
        kind = "an integer" if whole else "a number"
        raise EmulatorConfigError(
            f"{name} must be {kind} {relation} {minimum} and at most {maximum:.0f}, "
            f"got {value!r:.40}"
        )


MESSAGE_PROCESSING_STATUSES = ("PROCESSING", "FAILED", "REJECTED")


def _check_processing_status(status: Optional[str]) -> None:
    if status is not None and status not in MESSAGE_PROCESSING_STATUSES:
        raise EmulatorConfigError(
            "message_processing_status must be None or one of "
            f"{', '.join(MESSAGE_PROCESSING_STATUSES)}, got {status!r}"
        )
