"""LoopThread: coroutines and plain calls run on its one background loop."""

from __future__ import annotations

import threading

import pytest

from boto3_connectparticipant_ext.chat._loop_thread import LoopThread
from boto3_connectparticipant_ext.chat.errors import ChatUsageError


def test_call_runs_a_plain_function_on_the_loop_thread() -> None:
    runner = LoopThread(name="test-call")
    try:
        assert runner.call(threading.current_thread).result(timeout=5) is not (
            threading.current_thread()
        )
        assert runner.call(divmod, 7, 2).result(timeout=5) == (3, 1)
        with pytest.raises(ZeroDivisionError):
            runner.call(divmod, 1, 0).result(timeout=5)
    finally:
        runner.stop()
    with pytest.raises(ChatUsageError):
        runner.call(divmod, 7, 2)


def test_call_from_the_loop_thread_itself_is_refused() -> None:
    runner = LoopThread(name="test-call-own")
    try:
        error = runner.call(lambda: _refused(runner)).result(timeout=5)
        assert isinstance(error, ChatUsageError)
    finally:
        runner.stop()


def _refused(runner: LoopThread) -> BaseException | None:
    try:
        runner.call(divmod, 7, 2)
    except ChatUsageError as error:
        return error
    return None


def test_a_call_cancelled_before_the_loop_runs_it_never_runs() -> None:
    runner = LoopThread(name="test-call-cancel")
    ran: list[int] = []
    release = threading.Event()
    try:
        runner.call(release.wait, 5)  # keeps the loop busy
        future = runner.call(ran.append, 1)
        assert future.cancel()
        release.set()
        runner.call(ran.append, 2).result(timeout=5)
    finally:
        runner.stop()
    assert ran == [2]
