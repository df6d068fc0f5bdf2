"""The package's one way to run blocking work from async code (_offload.run_blocking)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import threading

import pytest

from boto3_connectparticipant_ext._offload import BlockingCallTimeoutError, run_blocking
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError

_VAR: contextvars.ContextVar[str] = contextvars.ContextVar("_VAR", default="unset")


def test_returns_the_result_and_passes_arguments() -> None:
    assert asyncio.run(run_blocking(divmod, 17, 5)) == (3, 2)


def test_exceptions_propagate() -> None:
    with pytest.raises(ZeroDivisionError):
        asyncio.run(run_blocking(divmod, 1, 0))


def test_the_loop_keeps_running_while_the_call_blocks() -> None:
    released = threading.Event()

    def blocking() -> str:
        # Only the event loop can set the event: a blocked loop would make this wait forever.
        assert released.wait(10)
        return "done"

    async def main() -> str:
        task = asyncio.ensure_future(run_blocking(blocking))
        await asyncio.sleep(0)
        released.set()
        return await task

    assert asyncio.run(main()) == "done"


def test_timeout_raises_a_typed_error_and_leaves_the_loop_free() -> None:
    release = threading.Event()

    def stuck() -> None:
        release.wait(10)

    async def main() -> None:
        try:
            with pytest.raises(BlockingCallTimeoutError) as caught:
                await run_blocking(functools.partial(stuck), timeout=0.01)
        finally:
            release.set()
        assert isinstance(caught.value, ConnectParticipantExtError)
        assert isinstance(caught.value, TimeoutError)
        assert (
            caught.value.name
            == "test_timeout_raises_a_typed_error_and_leaves_the_loop_free.<locals>.stuck"
        )
        assert caught.value.timeout == 0.01

    asyncio.run(main())


def test_context_variables_reach_the_thread() -> None:
    async def main() -> str:
        _VAR.set("from-the-task")
        return await run_blocking(_VAR.get)

    assert asyncio.run(main()) == "from-the-task"


def test_uses_the_given_executor() -> None:
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="offload-test") as pool:
        name = asyncio.run(run_blocking(lambda: threading.current_thread().name, executor=pool))
    assert name.startswith("offload-test")


@pytest.mark.parametrize("timeout", [-1.0, float("nan")])
def test_bad_timeout_is_refused(timeout: float) -> None:
    with pytest.raises(ValueError):
        asyncio.run(run_blocking(int, timeout=timeout))


def test_on_cancel_stops_the_call_and_waits_for_its_cleanup_on_timeout() -> None:
    stop = threading.Event()
    cleaned: list[str] = []

    def stoppable() -> None:
        assert stop.wait(10)
        cleaned.append("cleaned up")
        raise RuntimeError("stopped")

    async def main() -> None:
        with pytest.raises(BlockingCallTimeoutError):
            await run_blocking(stoppable, timeout=0.01, on_cancel=stop.set)
        assert cleaned == ["cleaned up"]  # the cleanup ended before the error was raised

    asyncio.run(main())


def test_on_cancel_runs_when_the_awaiting_task_is_cancelled() -> None:
    stop = threading.Event()
    started = threading.Event()
    cleaned: list[str] = []

    def stoppable() -> str:
        started.set()
        assert stop.wait(10)
        cleaned.append("cleaned up")
        return "unused"

    async def main() -> None:
        task = asyncio.ensure_future(run_blocking(stoppable, on_cancel=stop.set))
        while not started.is_set():
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert cleaned == ["cleaned up"]

    asyncio.run(main())


def test_on_cancel_is_not_called_when_the_call_succeeds() -> None:
    calls: list[int] = []
    assert asyncio.run(run_blocking(abs, -4, timeout=5, on_cancel=lambda: calls.append(1))) == 4
    assert calls == []
