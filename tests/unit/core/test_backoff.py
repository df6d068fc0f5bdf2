"""The package's one backoff formula (boto3_connectparticipant_ext._backoff)."""

from __future__ import annotations

import random

import pytest

from boto3_connectparticipant_ext._backoff import Backoff


def test_exponential_and_capped_without_jitter() -> None:
    backoff = Backoff(base=0.5, factor=2.0, cap=5.0)
    assert [backoff.delay(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_attempt_zero_and_below_is_the_base() -> None:
    assert Backoff(base=1.5, cap=9.0).delay(0) == 1.5
    assert Backoff(base=1.5, cap=9.0).delay(-3) == 1.5


def test_huge_attempt_does_not_overflow() -> None:
    assert Backoff(base=1.0, factor=10.0, cap=60.0).delay(10_000) == 60.0


def test_deterministic_given_the_random_source() -> None:
    backoff = Backoff(base=1.0, cap=30.0, jitter=0.25)
    first = [backoff.delay(n, random.Random(42)) for n in range(1, 8)]
    second = [backoff.delay(n, random.Random(42)) for n in range(1, 8)]
    assert first == second
    assert len(set(first)) > 1


class _Fixed:
    def __init__(self, pick: str) -> None:
        self.pick = pick
        self.calls: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.calls.append((a, b))
        return a if self.pick == "low" else b


def test_proportional_jitter_bounds_and_cap() -> None:
    backoff = Backoff(base=1.0, cap=30.0, jitter=0.5)
    assert backoff.delay(2, _Fixed("low")) == 1.0
    assert backoff.delay(2, _Fixed("high")) == 3.0
    # Never above the cap, even when jitter scales up.
    assert backoff.delay(10, _Fixed("high")) == 30.0


def test_full_jitter_draws_from_zero_to_the_ceiling() -> None:
    backoff = Backoff(base=0.2, cap=1.0, full_jitter=True)
    source = _Fixed("high")
    assert backoff.delay(1, source) == pytest.approx(0.2)
    assert backoff.delay(4, source) == 1.0
    assert source.calls == [(0.0, pytest.approx(0.2)), (0.0, 1.0)]
    assert backoff.delay(3, _Fixed("low")) == 0.0


def test_zero_base_never_asks_for_randomness() -> None:
    source = _Fixed("high")
    assert Backoff(base=0.0, full_jitter=True).delay(3, source) == 0.0
    assert source.calls == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base": -1.0},
        {"base": 1.0, "factor": 0.5},
        {"base": 1.0, "cap": -1.0},
        {"base": 1.0, "jitter": 2.0},
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)  # type: ignore[arg-type]


def test_is_immutable() -> None:
    backoff = Backoff(base=1.0)
    with pytest.raises(AttributeError):
        backoff.base = 2.0  # type: ignore[misc]


def test_a_uniform_function_is_a_random_source_too() -> None:
    backoff = Backoff(base=2.0, cap=30.0, jitter=0.5)
    assert backoff.delay(1, lambda low, high: high) == 3.0
    assert backoff.delay(1, random.Random(5).uniform) == backoff.delay(1, random.Random(5))
