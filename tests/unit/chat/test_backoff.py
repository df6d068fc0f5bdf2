"""Reconnect delays."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from boto3_connectparticipant_ext.chat._backoff import Backoff


def test_doubles_from_one_second_up_to_the_cap_without_jitter() -> None:
    backoff = Backoff(initial=1.0, multiplier=2.0, cap=30.0, jitter=0.0)
    assert [backoff.next_delay() for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]
    assert backoff.attempts == 8
    backoff.reset()
    assert backoff.next_delay() == 1.0


def test_jitter_uses_the_given_range() -> None:
    seen: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        seen.append((low, high))
        return low

    backoff = Backoff(initial=1.0, multiplier=2.0, cap=30.0, jitter=0.3, uniform=uniform)
    assert backoff.next_delay() == 0.7
    assert seen == [(0.7, 1.3)]


@given(
    initial=st.floats(0.0, 5.0),
    cap=st.floats(0.0, 60.0),
    jitter=st.floats(0.0, 0.99),
    attempts=st.integers(1, 40),
)
def test_every_delay_stays_within_jitter_of_the_capped_exponential(
    initial: float, cap: float, jitter: float, attempts: int
) -> None:
    backoff = Backoff(initial=initial, multiplier=2.0, cap=cap, jitter=jitter)
    for attempt in range(attempts):
        base = min(cap, initial * 2.0**attempt)
        delay = backoff.next_delay()
        assert 0.0 <= delay <= cap
        assert base * (1 - jitter) - 1e-9 <= delay <= min(cap, base * (1 + jitter)) + 1e-9
