"""The emulator's clock and the timers that follow it (no real-time waits)."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator import EmulatorConfigError
from boto3_connectparticipant_ext.emulator._clock import ClockTimers, EmulatorClock


class FrozenTime:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_clock_is_real_time_plus_the_advance() -> None:
    real = FrozenTime()
    clock = EmulatorClock(time_source=real)
    assert clock.now() == clock() == 1_000.0
    clock.advance(30)
    clock.advance(0)
    real.now += 5
    assert clock.now() == 1_035.0 and clock.offset == 30.0


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf, "5", True, None])
def test_clock_never_goes_back_nor_takes_nonsense(bad: Any) -> None:
    clock = EmulatorClock(time_source=FrozenTime())
    with pytest.raises(EmulatorConfigError):
        clock.advance(bad)
    assert clock.offset == 0.0


def test_advance_fires_due_timers_in_deadline_order_and_rearms_the_rest() -> None:
    clock = EmulatorClock(time_source=FrozenTime())
    loop = asyncio.new_event_loop()
    try:
        timers = ClockTimers(clock, loop)
        fired: list[str] = []
        timers.after(3600, lambda: fired.append("hour"))
        timers.after(60, lambda: fired.append("minute"))
        cancelled = timers.after(30, lambda: fired.append("cancelled"))
        timers.after(86400, lambda: fired.append("day"))
        cancelled.cancel()
        clock.advance(4000)
        assert fired == ["minute", "hour"]
        clock.advance(90000)
        assert fired == ["minute", "hour", "day"]
        clock.advance(10**6)
        assert fired == ["minute", "hour", "day"]  # each fires once
    finally:
        loop.close()


def test_a_timer_runs_on_the_loop_when_its_time_comes() -> None:
    real = FrozenTime()
    clock = EmulatorClock(time_source=real)
    loop = asyncio.new_event_loop()
    try:
        timers = ClockTimers(clock, loop)
        fired: list[float] = []
        timers.after(0, lambda: fired.append(clock.now()))
        early = timers.at(real.now + 100, lambda: fired.append(-1))
        loop.run_until_complete(asyncio.sleep(0.01))
        assert fired == [1_000.0] and not early.done
        timers.cancel_all()
        clock.advance(200)
        assert fired == [1_000.0]
    finally:
        loop.close()


def test_a_failing_action_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    clock = EmulatorClock(time_source=FrozenTime())
    loop = asyncio.new_event_loop()
    try:
        timers = ClockTimers(clock, loop)
        fired: list[str] = []

        def broken() -> None:
            raise RuntimeError("secret-token-value")

        timers.after(1, broken)
        timers.after(2, lambda: fired.append("second"))
        clock.advance(5)
        assert fired == ["second"]
        assert "RuntimeError" in caplog.text and "secret-token-value" not in caplog.text
    finally:
        loop.close()
