"""The package's one background event-loop runner: an asyncio loop owned by a daemon thread.

Both users run on it: the chat's thread driver (``chat.ChatSession`` runs its
``AsyncChatSession`` on one) and the emulator (its aiohttp server lives on one).

A :class:`LoopThread` creates its loop on first use (:attr:`LoopThread.loop`, not yet
running, so a user may build loop-bound objects first) and its thread on :meth:`start`
(or the first :meth:`submit`). ``start(setup=...)`` runs ``setup()`` on the loop before
anything else and raises its error; ``start(teardown=...)`` gives what runs on the loop
once it stops. :meth:`stop` ends the loop from any thread, bounded in time: the loop stops,
then, on its own thread, ``teardown()``, every task still pending is cancelled and awaited
(at most ``cancel_timeout`` seconds; one that ignores cancellation is logged), async
generators and the default executor are finished, and the loop is closed. Nothing is
left for asyncio to complain about at exit ("Task was destroyed but it is pending").

Misuse raises what the user passes as ``error`` (the chat's ``ChatUsageError``): using a
stopped runner, or waiting on the loop from the loop's own thread (a deadlock).

Examples
--------
>>> runner = LoopThread(name="demo")
>>> async def answer() -> int:
...     return 42
>>> runner.run(answer())
42
>>> runner.call(lambda: 6 * 7)
42
>>> runner.stop()
>>> runner.running
False
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Coroutine
from typing import Any, Callable, Optional, TypeVar

logger = logging.getLogger("boto3_connectparticipant_ext")

T = TypeVar("T")

#: How long a stop waits for the cancelled tasks, and for the default executor's threads.
CANCEL_TIMEOUT = 10.0
EXECUTOR_TIMEOUT = 1.0

Step = Callable[[], Awaitable[None]]


class LoopThread:
    """One event loop on one daemon thread; usable from any other thread."""

    def __init__(
        self,
        *,
        name: str,
        error: Callable[[str], Exception] = RuntimeError,
        stopped_message: str = "the event-loop thread was stopped",
        reentry_message: str = "a blocking call was made from the event-loop thread it waits for",
        cancel_timeout: float = CANCEL_TIMEOUT,
    ) -> None:
        self._name = name
        self._error = error
        self._stopped_message = stopped_message
        self._reentry_message = reentry_message
        self._cancel_timeout = cancel_timeout
        self._lock = threading.Lock()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._ready: Optional[concurrent.futures.Future[None]] = None
        self._stopped = False

    # -- state ---------------------------------------------------------------------------

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop (created on first use; running once :meth:`start` returned)."""
        with self._lock:
            return self._loop_locked()

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def in_loop_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def _loop_locked(self) -> asyncio.AbstractEventLoop:
        if self._stopped:
            raise self._error(self._stopped_message)
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop

    # -- start -----------------------------------------------------------------------------

    def start(
        self,
        *,
        setup: Optional[Step] = None,
        teardown: Optional[Step] = None,
        timeout: Optional[float] = None,
    ) -> asyncio.AbstractEventLoop:
        """Start the thread (idempotent); raise what ``setup()`` raised (the loop is then
        closed) or ``TimeoutError`` when it did not finish within ``timeout`` seconds."""
        with self._lock:
            loop = self._loop_locked()
            if self._thread is not None:
                return loop
            ready: concurrent.futures.Future[None] = concurrent.futures.Future()
            self._ready = ready
            self._thread = threading.Thread(
                target=self._serve, args=(loop, ready, setup, teardown), name=self._name
            )
            self._thread.daemon = True
            self._thread.start()
        try:
            ready.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            raise TimeoutError(f"{self._name} did not start within {timeout} s") from None
        return loop

    def _serve(
        self,
        loop: asyncio.AbstractEventLoop,
        ready: concurrent.futures.Future[None],
        setup: Optional[Step],
        teardown: Optional[Step],
    ) -> None:
        asyncio.set_event_loop(loop)
        try:
            if setup is not None:
                try:
                    loop.run_until_complete(setup())
                except BaseException as error:
                    ready.set_exception(error)
                    return
            loop.call_soon(ready.set_result, None)
            loop.run_forever()
        finally:
            try:
                if teardown is not None:
                    loop.run_until_complete(teardown())
            except Exception as error:
                logger.debug("%s: teardown failed: %s", self._name, type(error).__name__)
            finally:
                self._close(loop)

    def _close(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            loop.run_until_complete(_cancel_pending(self._name, self._cancel_timeout))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(
                asyncio.wait_for(loop.shutdown_default_executor(), timeout=EXECUTOR_TIMEOUT)
            )
        except Exception as error:
            logger.debug("%s: closing the event loop: %s", self._name, type(error).__name__)
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    # -- work ------------------------------------------------------------------------------

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coroutine`` on the loop (starting it); the caller waits on the future."""
        try:
            loop = self.start()
            if self.in_loop_thread():
                raise self._error(self._reentry_message)
        except BaseException:
            coroutine.close()
            raise
        return asyncio.run_coroutine_threadsafe(coroutine, loop)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the loop and wait for its result."""
        future = self.submit(coroutine)
        try:
            return future.result()
        except BaseException:
            # An interrupt while waiting: do not leave the coroutine running unseen.
            if not future.done():
                future.cancel()
            raise

    def call_soon(self, function: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        """Run the plain ``function(*args)`` on the loop in one turn (no task: a third of
        :meth:`submit`'s cost); it must not block. A future cancelled before the loop picks
        it up never runs ``function``. Refused from the loop's own thread, as :meth:`submit`."""
        loop = self.start()
        if self.in_loop_thread():
            raise self._error(self._reentry_message)
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(function(*args))
            except BaseException as error:
                future.set_exception(error)

        loop.call_soon_threadsafe(run)
        return future

    def post(self, function: Callable[[], object]) -> None:
        """Run the plain ``function()`` on the loop soon, without waiting for it (from any
        thread); it must not block. Raises the stopped error once the loop is stopped."""
        loop = self.start()
        try:
            loop.call_soon_threadsafe(function)
        except RuntimeError:  # closed between start() and here: stopped meanwhile
            raise self._error(self._stopped_message) from None

    def call(self, function: Callable[[], T], *, timeout: Optional[float] = None) -> T:
        """Run ``function()`` on the loop thread (at once when already there); its result."""
        if self.in_loop_thread():
            return function()
        return self.call_soon(function).result(timeout=timeout)

    # -- stop ------------------------------------------------------------------------------

    def stop(self, *, timeout: Optional[float] = None) -> None:
        """Stop the loop and (from another thread) wait for its thread (idempotent)."""
        with self._lock:
            loop, thread, ready = self._loop, self._thread, self._ready
            self._stopped = True
            self._loop = self._thread = self._ready = None
        if loop is None:
            return
        if thread is None or ready is None:
            loop.close()  # created, never run
            return
        if threading.current_thread() is thread:
            loop.stop()
            return
        failed = ready.done() and ready.exception() is not None
        if not failed:  # a failed setup never runs forever: its thread is closing the loop
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=timeout)


async def _cancel_pending(name: str, timeout: float) -> None:
    """Cancel every other task of the running loop; wait at most ``timeout`` for them."""
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            # Retrieved here so that asyncio does not report it at collection.
            logger.debug("%s: a task failed at stop: %s", name, type(task.exception()).__name__)
    if pending:
        logger.warning("%s: %d task(s) ignored cancellation at stop", name, len(pending))


__all__ = ["LoopThread"]
