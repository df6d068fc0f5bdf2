"""``_retry.run_attempts``: the one retry loop of uploads and downloads, driven alone."""

from __future__ import annotations

from typing import Union

import pytest

from boto3_connectparticipant_ext._backoff import Backoff
from boto3_connectparticipant_ext.transfer._policy import TransferRetry
from boto3_connectparticipant_ext.transfer._retry import Failure, run_attempts
from boto3_connectparticipant_ext.transfer.errors import TransferFailedError, UrlExpiredError
from boto3_connectparticipant_ext.transfer.progress import ProgressTracker

from .fakes import RecordingOSUtils


class _Lease:
    def __init__(self, left: list[float]) -> None:
        self.left = left
        self.renewals = 0
        self.errors: list[bool] = []

    def seconds_left(self) -> float:
        return self.left.pop(0) if len(self.left) > 1 else self.left[0]

    def renew(self) -> None:
        self.renewals += 1

    def expired_error(self, policy: TransferRetry, *, before_wait: bool) -> Exception:
        self.errors.append(before_wait)
        return UrlExpiredError(f"expired after {policy.attempt - 1}: {policy.last_error}")


def _policy(total: int, *, refresh: bool) -> TransferRetry:
    return TransferRetry(
        total=total, backoff=Backoff(base=1.0, cap=4.0), refresh_url_on_expiry=refresh
    )


def _script(*outcomes: Union[int, Failure]):  # type: ignore[no-untyped-def]
    pending = list(outcomes)
    seen: list[int] = []

    def attempt(policy: TransferRetry) -> Union[int, Failure]:
        seen.append(policy.attempt)
        return pending.pop(0)

    return attempt, seen


def test_retries_with_backoff_until_success() -> None:
    attempt, seen = _script(Failure("HTTP 503"), Failure("reset", retry_after=3.0), 42)
    osutil = RecordingOSUtils()
    result = run_attempts(
        attempt,
        policy=_policy(5, refresh=False),
        lease=_Lease([float("inf")]),
        progress=ProgressTracker(None),
        osutil=osutil,
    )
    assert result == 42
    assert seen == [1, 2, 3]
    assert osutil.sleeps == [1.0, 3.0]


def test_gives_up_with_the_policy_error_and_no_last_wait() -> None:
    attempt, _ = _script(Failure("a"), Failure("b"))
    osutil = RecordingOSUtils()
    with pytest.raises(TransferFailedError) as caught:
        run_attempts(
            attempt,
            policy=_policy(2, refresh=False),
            lease=_Lease([float("inf")]),
            progress=ProgressTracker(None),
            osutil=osutil,
        )
    assert (caught.value.attempts, caught.value.last_error) == (2, "b")
    assert osutil.sleeps == [1.0]


def test_a_permanent_failure_is_not_retried() -> None:
    attempt, seen = _script(Failure("bad certificate", permanent=True), 1)
    with pytest.raises(TransferFailedError):
        run_attempts(
            attempt,
            policy=_policy(5, refresh=True),
            lease=_Lease([float("inf")]),
            progress=ProgressTracker(None),
            osutil=RecordingOSUtils(),
        )
    assert seen == [1]


def test_an_expired_url_is_renewed_without_waiting_when_the_policy_refreshes() -> None:
    attempt, seen = _script(Failure("HTTP 403 expired", url_expired=True), 7)
    lease = _Lease([0.0, 100.0])
    osutil = RecordingOSUtils()
    assert (
        run_attempts(
            attempt,
            policy=_policy(3, refresh=True),
            lease=lease,
            progress=ProgressTracker(None),
            osutil=osutil,
        )
        == 7
    )
    assert lease.renewals == 2  # once before the first attempt, once after S3's answer
    assert osutil.sleeps == [] and seen == [1, 2]


def test_a_url_that_would_expire_during_the_wait_ends_the_transfer() -> None:
    attempt, seen = _script(Failure("HTTP 503"), 1)
    lease = _Lease([10.0, 0.5])
    with pytest.raises(UrlExpiredError, match="expired after 1: HTTP 503"):
        run_attempts(
            attempt,
            policy=_policy(3, refresh=False),
            lease=lease,
            progress=ProgressTracker(None),
            osutil=RecordingOSUtils(),
        )
    assert lease.errors == [True] and seen == [1]
