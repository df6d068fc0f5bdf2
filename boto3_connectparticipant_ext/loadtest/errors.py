"""Failures of a load test, one type per kind, so Locust's statistics show them apart.

Locust groups failures by the exception's ``repr``: each kind here is its own class and its
message leads with a stable kind name, so "throttled" and "quota" never merge into one
error row. Messages never contain tokens or URLs (they come from redacted texts).

Examples
--------
>>> from botocore.exceptions import ClientError
>>> error = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}},
...                     "SendMessage")
>>> failure = classify(error, "SendMessage")
>>> type(failure).__name__, failure.kind
('Throttled', 'throttled')
>>> classify(TimeoutError(), "expect").kind
'timeout'
"""

from __future__ import annotations

from typing import ClassVar, Optional

from ..errors import ConnectParticipantExtError
from ..redact import describe_error

_QUOTA_CODES = frozenset({"LimitExceededException", "ServiceQuotaExceededException"})
_THROTTLE_CODES = frozenset({"ThrottlingException", "TooManyRequestsException", "Throttling"})
_DENIED_CODES = frozenset({"AccessDeniedException", "UnauthorizedException", "AccessDenied"})


class LoadTestError(ConnectParticipantExtError):
    """Base class of the load tester's errors."""


class LoadTestArgumentError(LoadTestError, ValueError):
    """A load-test setting is invalid (raised before any call)."""


class StepFailure(LoadTestError):
    """A step of a simulated customer failed; ``kind`` names the failure for reports."""

    kind: ClassVar[str] = "error"

    def __init__(self, step: str, detail: str, *, code: Optional[str] = None) -> None:
        super().__init__(f"{self.kind}: {step}: {detail}")
        self.step = step
        self.code = code

    def __repr__(self) -> str:
        # Locust's error table groups by repr: keep it to the kind and step, not the detail
        # (ids and times in the detail would make one row per failure).
        return f"{type(self).__name__}({self.step!r})"


class Throttled(StepFailure):
    """The service throttled the call (ThrottlingException / TooManyRequestsException)."""

    kind = "throttled"


class QuotaExceeded(StepFailure):
    """A quota was reached (LimitExceededException: too many concurrent chats)."""

    kind = "quota"


class AccessDenied(StepFailure):
    """The credentials or the participant token were refused."""

    kind = "access_denied"


class StepTimeout(StepFailure):
    """Nothing (or not the expected reply) came in time."""

    kind = "timeout"


class UnexpectedReply(StepFailure):
    """A reply came but not the expected one (or the chat ended instead)."""

    kind = "unexpected_reply"


class OtherFailure(StepFailure):
    """Any other error (a connection error, a service error of another kind)."""

    kind = "error"


def _code(error: BaseException) -> Optional[str]:
    code = getattr(error, "code", None)
    if isinstance(code, str):
        return code
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        value = (response.get("Error") or {}).get("Code")
        return None if value is None else str(value)
    return None


def classify(error: BaseException, step: str) -> StepFailure:
    """The :class:`StepFailure` of ``error`` raised by ``step`` (redacted message)."""
    if isinstance(error, StepFailure):
        return error
    from ..conversation.errors import (
        ChatAccessDeniedError,
        ChatQuotaExceededError,
        ChatThrottledError,
        ExpectationFailed,
    )

    code = _code(error)
    detail = describe_error(error)
    kind: type[StepFailure] = OtherFailure
    if isinstance(error, ChatThrottledError) or code in _THROTTLE_CODES:
        kind = Throttled
    elif isinstance(error, ChatQuotaExceededError) or code in _QUOTA_CODES:
        kind = QuotaExceeded
    elif isinstance(error, ChatAccessDeniedError) or code in _DENIED_CODES:
        kind = AccessDenied
    elif isinstance(error, ExpectationFailed):
        # The engine says "timed out" / "within" when nothing matched in time; anything
        # else (the chat ended, another reply) is an unexpected reply.
        timed_out = "nothing matched within" in str(error).split("\n", 1)[0]
        kind = StepTimeout if timed_out else UnexpectedReply
        detail = error.expected or "expectation"
    elif isinstance(error, TimeoutError):
        kind = StepTimeout
    return kind(step, detail, code=code)
