"""The load tester's pure parts: pacing, failure kinds, reporting, the open-chat list."""

from __future__ import annotations

import sys
from typing import Any

import pytest

if sys.version_info < (3, 10):
    pytest.skip("the load tester needs Python 3.10 or newer", allow_module_level=True)

from botocore.exceptions import ClientError

from boto3_connectparticipant_ext.conversation.errors import (
    ChatQuotaExceededError,
    ExpectationFailed,
)
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError
from boto3_connectparticipant_ext.loadtest import (
    AccessDenied,
    LoadTestArgumentError,
    OpenChats,
    QuotaExceeded,
    Reporter,
    StepFailure,
    StepTimeout,
    Throttled,
    TokenBucket,
    UnexpectedReply,
    classify,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_bucket_lets_a_burst_through_then_paces() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=4.0, burst=2, clock=clock, sleep=clock.sleep)
    waits = [bucket.take() for _ in range(6)]
    assert waits[:2] == [0.0, 0.0]
    assert clock.slept == pytest.approx([0.25, 0.25, 0.25, 0.25])
    # Over the run, never faster than the rate after the burst.
    assert clock.now == pytest.approx((6 - 2) / 4.0)


@pytest.mark.parametrize(
    "rate, burst",
    [(0, 1), (-1, 1), (float("inf"), 1), (float("nan"), 1), (1, 0), (1, 1.5), (True, 1)],
)
def test_the_bucket_refuses_bad_settings(rate: Any, burst: Any) -> None:
    with pytest.raises(LoadTestArgumentError):
        TokenBucket(rate=rate, burst=burst)
    assert issubclass(LoadTestArgumentError, ConnectParticipantExtError)


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "no"}}, "SendMessage")


@pytest.mark.parametrize(
    "error, kind",
    [
        (_client_error("ThrottlingException"), Throttled),
        (_client_error("TooManyRequestsException"), Throttled),
        (_client_error("LimitExceededException"), QuotaExceeded),
        (ChatQuotaExceededError("x", code="LimitExceededException"), QuotaExceeded),
        (_client_error("AccessDeniedException"), AccessDenied),
        (ExpectationFailed("expected a: nothing matched within 5 s", expected="a"), StepTimeout),
        (ExpectationFailed("expected a: the chat ended", expected="a"), UnexpectedReply),
        (TimeoutError(), StepTimeout),
    ],
)
def test_failures_are_classified_by_kind(error: BaseException, kind: type[StepFailure]) -> None:
    failure = classify(error, "SendMessage")
    assert type(failure) is kind
    assert repr(failure) == f"{kind.__name__}('SendMessage')"


def test_a_failed_step_is_reported_with_its_kind_and_raised() -> None:
    fired: list[dict[str, Any]] = []
    reporter = Reporter(lambda **event: fired.append(event))
    with pytest.raises(Throttled), reporter.step("SendMessage"):
        raise _client_error("ThrottlingException")
    (event,) = fired
    assert event["request_type"] == "chat" and event["name"] == "SendMessage"
    assert isinstance(event["exception"], Throttled)
    assert event["response_time"] >= 0


class FakeSession:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.disconnected = 0
        self.stopped = 0
        self.reporter: Any = None

    def disconnect(self) -> None:
        self.disconnected += 1
        if self.fail:
            raise ConnectionError("gone")

    def stop_contact(self) -> bool:
        self.stopped += 1
        return True


def test_open_chats_end_once_and_stop_the_contact_when_leaving_fails() -> None:
    chats = OpenChats()
    ok, broken = FakeSession(), FakeSession(fail=True)
    fired: list[dict[str, Any]] = []
    broken.reporter = Reporter(lambda **event: fired.append(event))
    chats.add(ok)
    chats.add(broken)
    assert chats.end(ok) and not chats.end(ok)
    assert chats.end_all(settle=0) == 1
    assert (ok.disconnected, broken.disconnected, broken.stopped) == (1, 1, 1)
    assert len(chats) == 0 and chats.started == chats.ended == 2
    assert [event["name"] for event in fired] == ["EndChat"]
    assert fired[0]["exception"] is not None
