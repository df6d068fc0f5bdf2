"""``TransferRetry``: the whole retry policy of an attachment transfer, in one immutable object.

Modelled on urllib3's ``Retry``: :meth:`TransferRetry.increment` records one failed attempt and
returns a new policy, or raises the give-up error once the attempts are spent;
:meth:`TransferRetry.backoff_time` is the wait before the next attempt (the package's
:class:`~boto3_connectparticipant_ext._backoff.Backoff` with full jitter, raised to the
server's ``Retry-After`` up to the backoff cap). :class:`TransferConfig` builds one from its
public fields (``TransferConfig.retry``); the loop that applies it is ``_retry.run_attempts``.

What counts as retryable is S3's documented set: 408, 429, every 5xx, and the error codes
``RequestTimeout``, ``SlowDown``, ``InternalError``, ``ServiceUnavailable``, ``Throttling``.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from boto3_connectparticipant_ext._backoff import Backoff, RandomSource
from boto3_connectparticipant_ext.transfer.errors import TransferFailedError

#: HTTP statuses retried by default: timeouts, throttling and every server error.
RETRY_ON_STATUS: frozenset[int] = frozenset({408, 429, *range(500, 1000)})
#: S3 error codes retried by default, whatever the status.
RETRY_ON_CODES: frozenset[str] = frozenset(
    {"RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable", "Throttling"}
)


@dataclasses.dataclass(frozen=True)
class TransferRetry:
    """How many attempts, how long between them, what is retried, and whether to refresh URLs.

    ``attempt`` (1-based), ``last_error`` and ``retry_after`` describe the attempt in progress;
    the other fields are the policy. ``total`` counts every attempt, the first included.

    Examples
    --------
    >>> from boto3_connectparticipant_ext._backoff import Backoff
    >>> policy = TransferRetry(total=3, backoff=Backoff(base=0.0, full_jitter=True))
    >>> policy = policy.increment("HTTP 503")
    >>> policy.attempt, policy.last_error, policy.backoff_time()
    (2, 'HTTP 503', 0.0)
    >>> try:
    ...     policy.increment("HTTP 503").increment("HTTP 500")
    ... except TransferFailedError as error:
    ...     print(error)
    the transfer failed after 3 attempt(s); last error: HTTP 500
    """

    total: int
    backoff: Backoff
    retry_on_status: frozenset[int] = RETRY_ON_STATUS
    retry_on_codes: frozenset[str] = RETRY_ON_CODES
    refresh_url_on_expiry: bool = False
    respect_retry_after: bool = True
    action: str = "the transfer"
    failure: type[TransferFailedError] = TransferFailedError
    attempt: int = 1
    last_error: str = ""
    retry_after: Optional[float] = None

    def for_action(
        self, action: str, failure: type[TransferFailedError], *, refresh_url_on_expiry: bool
    ) -> TransferRetry:
        """This policy for one transfer: its wording, give-up error and URL behaviour."""
        return dataclasses.replace(
            self, action=action, failure=failure, refresh_url_on_expiry=refresh_url_on_expiry
        )

    def is_retryable(self, status: int, code: Optional[str]) -> bool:
        """Whether an HTTP answer with this status and S3 error code is worth another attempt."""
        return status in self.retry_on_status or (code or "") in self.retry_on_codes

    @property
    def exhausted(self) -> bool:
        """True when the attempt in progress is the last one allowed."""
        return self.attempt >= self.total

    def increment(self, error: str, *, retry_after: Optional[float] = None) -> TransferRetry:
        """The policy for the next attempt after a failure described by ``error``.

        Raises ``failure`` (a :class:`TransferFailedError`) when no attempt is left.
        """
        if self.exhausted:
            raise self.failure(action=self.action, attempts=self.attempt, last_error=error)
        return dataclasses.replace(
            self, attempt=self.attempt + 1, last_error=error, retry_after=retry_after
        )

    def give_up(self, error: str) -> TransferFailedError:
        """The give-up error for a failure no retry can fix (raised by the caller)."""
        return self.failure(action=self.action, attempts=self.attempt, last_error=error)

    def backoff_time(self, random: Optional[RandomSource] = None) -> float:
        """Seconds to wait before the attempt in progress (``Retry-After`` up to the cap)."""
        if self.attempt <= 1:
            return 0.0
        delay = self.backoff.delay(self.attempt - 1, random)
        if self.respect_retry_after and self.retry_after is not None:
            delay = max(delay, min(self.retry_after, self.backoff.cap))
        return delay
