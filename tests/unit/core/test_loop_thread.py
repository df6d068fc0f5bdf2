"""The package's one background event-loop runner (_loop_thread.LoopThread)."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import AsyncIterator, Iterator

import pytest

from boto3_connectparticipant_ext._loop_thread import LoopThread


class Misuse(Exception):
    """The error type a user of the runner chooses."""


@pytest.fixture
def runner() -> Iterator[LoopThread]:
    thread = LoopThread(
        name="test-loop", error=Misuse, stopped_message="stopped", reentry_message="reentry"
    )
    yield thread
    thread.stop(timeout=10)


def test_coroutines_and_functions_run_on_the_loop_thread(runner: LoopThread) -> None:
    async def where() -> str:
        return threading.current_thread().name

    assert runner.run(where()) == "test-loop"
    assert runner.call(lambda: threading.current_thread().name) == "test-loop"
    assert runner.submit(where()).result(timeout=10) == "test-loop"
    assert runner.running


def test_errors_of_the_work_reach_the_caller(runner: LoopThread) -> None:
    async def fail() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        runner.run(fail())
    with pytest.raises(ZeroDivisionError):
        runner.call(lambda: 1 // 0)


def test_stop_cancels_pending_work_and_finishes_async_generators(runner: LoopThread) -> None:
    cleaned: list[str] = []

    async def pending() -> None:
        try:
            await asyncio.Event().wait()  # forever
        finally:
            cleaned.append("task")

    async def generator() -> AsyncIterator[int]:
        try:
            yield 1
            await asyncio.Event().wait()  # forever
        finally:
            cleaned.append("generator")

    async def start_both() -> None:
        asyncio.get_running_loop().create_task(pending())
        iterator = generator()
        await iterator.__anext__()
        started.append(iterator)  # keep it alive: the loop must finish it, not the GC

    started: list[AsyncIterator[int]] = []
    runner.run(start_both())
    loop = runner.loop
    runner.stop(timeout=10)
    assert not runner.running
    assert loop.is_closed()
    assert sorted(cleaned) == ["generator", "task"]


def test_a_stopped_runner_refuses_work_and_closes_the_coroutine(runner: LoopThread) -> None:
    runner.run(asyncio.sleep(0))
    runner.stop(timeout=10)
    runner.stop(timeout=10)  # idempotent

    async def never() -> None:  # pragma: no cover - must not run
        raise AssertionError("ran after stop")

    coroutine = never()
    with pytest.raises(Misuse, match="stopped"):
        runner.submit(coroutine)
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED  # no "never awaited"


def test_waiting_on_the_loop_from_its_own_thread_is_refused(runner: LoopThread) -> None:
    async def inner() -> None:
        pass

    def nested() -> str:
        try:
            runner.run(inner())
        except Misuse as error:
            return str(error)
        return "ran"

    assert runner.call(nested) == "reentry"


def test_setup_runs_first_and_its_error_is_raised_from_start() -> None:
    order: list[str] = []

    async def setup() -> None:
        order.append("setup")

    async def teardown() -> None:
        order.append("teardown")

    runner = LoopThread(name="test-setup")
    runner.start(setup=setup, teardown=teardown, timeout=10)
    runner.call(lambda: order.append("work"))
    runner.stop(timeout=10)
    assert order == ["setup", "work", "teardown"]

    async def broken() -> None:
        raise OSError("cannot serve")

    failing = LoopThread(name="test-broken")
    loop = failing.loop
    with pytest.raises(OSError, match="cannot serve"):
        failing.start(setup=broken, timeout=10)
    failing.stop(timeout=10)
    assert loop.is_closed()


def test_a_runner_never_started_closes_its_loop_without_a_thread() -> None:
    runner = LoopThread(name="test-idle")
    loop = runner.loop
    assert not runner.running
    runner.stop()
    assert loop.is_closed()


def test_call_soon_runs_a_plain_function_on_the_loop_thread(runner: LoopThread) -> None:
    assert runner.call_soon(threading.current_thread).result(timeout=5) is not (
        threading.current_thread()
    )
    assert runner.call_soon(divmod, 7, 2).result(timeout=5) == (3, 1)
    with pytest.raises(ZeroDivisionError):
        runner.call_soon(divmod, 1, 0).result(timeout=5)
    runner.stop(timeout=10)
    with pytest.raises(Misuse):
        runner.call_soon(divmod, 7, 2)


def test_call_soon_from_the_loop_thread_itself_is_refused(runner: LoopThread) -> None:
    def refused() -> object:
        try:
            runner.call_soon(divmod, 7, 2)
        except Misuse as error:
            return error
        return None

    assert isinstance(runner.call_soon(refused).result(timeout=5), Misuse)


def test_a_call_soon_cancelled_before_the_loop_runs_it_never_runs(runner: LoopThread) -> None:
    ran: list[int] = []
    release = threading.Event()
    runner.call_soon(release.wait, 5)  # keeps the loop busy
    future = runner.call_soon(ran.append, 1)
    assert future.cancel()
    release.set()
    runner.call_soon(ran.append, 2).result(timeout=5)
    assert ran == [2]


def test_post_runs_a_plain_function_on_the_loop_without_waiting(runner: LoopThread) -> None:
    ran = threading.Event()
    where: list[str] = []

    def note() -> None:
        where.append(threading.current_thread().name)
        ran.set()

    runner.post(note)
    assert ran.wait(10)
    assert where == ["test-loop"]


def test_post_after_stop_is_refused(runner: LoopThread) -> None:
    runner.run(asyncio.sleep(0))
    runner.stop(timeout=10)
    with pytest.raises(Misuse, match="stopped"):
        runner.post(lambda: None)
