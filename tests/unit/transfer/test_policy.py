"""``TransferRetry`` tested alone: attempts, give-up error, backoff, Retry-After, what retries."""

from __future__ import annotations

import random

import pytest

from boto3_connectparticipant_ext._backoff import Backoff
from boto3_connectparticipant_ext.transfer import TransferConfig
from boto3_connectparticipant_ext.transfer._policy import TransferRetry
from boto3_connectparticipant_ext.transfer.errors import (
    DownloadFailedError,
    TransferFailedError,
    UploadFailedError,
)


def _policy(total: int = 3, *, base: float = 0.5, cap: float = 4.0) -> TransferRetry:
    return TransferRetry(total=total, backoff=Backoff(base=base, cap=cap, full_jitter=True))


class _High:
    def uniform(self, a: float, b: float) -> float:
        return b


def test_increment_returns_a_new_policy_and_leaves_the_old_one() -> None:
    first = _policy()
    second = first.increment("HTTP 503", retry_after=1.5)
    assert (first.attempt, first.last_error, first.retry_after) == (1, "", None)
    assert (second.attempt, second.last_error, second.retry_after) == (2, "HTTP 503", 1.5)
    with pytest.raises(AttributeError):
        second.attempt = 5  # type: ignore[misc]


def test_the_last_failure_raises_the_give_up_error_of_the_action() -> None:
    policy = _policy(2).for_action("the upload", UploadFailedError, refresh_url_on_expiry=False)
    policy = policy.increment("HTTP 500")
    with pytest.raises(UploadFailedError) as caught:
        policy.increment("connection reset")
    assert caught.value.attempts == 2
    assert caught.value.last_error == "connection reset"
    assert str(caught.value).startswith("the upload failed after 2 attempt(s)")


def test_a_single_attempt_policy_gives_up_at_once() -> None:
    with pytest.raises(TransferFailedError):
        _policy(1).increment("HTTP 503")


def test_give_up_builds_the_error_for_the_current_attempt() -> None:
    policy = _policy(5).for_action("the download", DownloadFailedError, refresh_url_on_expiry=True)
    error = policy.increment("x").give_up("untrusted certificate")
    assert isinstance(error, DownloadFailedError)
    assert error.attempts == 2


def test_backoff_time_doubles_with_full_jitter_and_is_capped() -> None:
    policy = _policy(10)
    assert policy.backoff_time(_High()) == 0.0  # nothing failed yet
    waits = []
    for _ in range(6):
        policy = policy.increment("HTTP 503")
        waits.append(policy.backoff_time(_High()))
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    seeded = [policy.backoff_time(random.Random(3)) for _ in range(2)]
    assert seeded[0] == seeded[1] and 0 <= seeded[0] <= 4.0


def test_retry_after_raises_the_wait_up_to_the_cap() -> None:
    low = _policy().increment("HTTP 503", retry_after=3.0)
    assert low.backoff_time(random.Random(1)) == 3.0
    assert _policy().increment("HTTP 503", retry_after=60.0).backoff_time(_High()) == 4.0
    ignoring = TransferRetry(
        total=3, backoff=Backoff(base=0.0, full_jitter=True), respect_retry_after=False
    )
    assert ignoring.increment("HTTP 503", retry_after=3.0).backoff_time() == 0.0


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (408, None, True),
        (429, None, True),
        (500, None, True),
        (503, "SlowDown", True),
        (599, None, True),
        (400, "RequestTimeout", True),
        (400, None, False),
        (403, "AccessDenied", False),
        (404, "NoSuchKey", False),
    ],
)
def test_what_is_retryable(status: int, code: str, expected: bool) -> None:
    assert _policy().is_retryable(status, code) is expected


def test_transfer_config_builds_the_policy_from_its_fields() -> None:
    policy = TransferConfig(max_attempts=4, backoff_base=0.25, backoff_max=2.0).retry
    assert policy.total == 4
    assert policy.backoff == Backoff(base=0.25, factor=2.0, cap=2.0, full_jitter=True)
    assert policy.refresh_url_on_expiry is False
    assert TransferConfig(backoff_base=0, backoff_max=0).retry.increment("x").backoff_time() == 0
