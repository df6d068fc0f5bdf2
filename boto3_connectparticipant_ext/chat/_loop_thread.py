"""A private event loop on a daemon thread: how the sync session runs the async engine."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, Callable, Optional, TypeVar

from .errors import ChatUsageError

T = TypeVar("T")


class LoopThread:
    """Run coroutines on one event loop owned by a background thread.

    Examples
    --------
    >>> runner = LoopThread(name="demo")
    >>> async def answer() -> int:
    ...     return 42
    >>> runner.run(answer())
    42
    >>> runner.stop()
    """

    def __init__(self, *, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._stopped = False

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._ensure_started()

    def in_loop_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def _ensure_started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._stopped:
                raise ChatUsageError("this session is closed")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()
                thread = threading.Thread(
                    target=self._serve, args=(loop, ready), name=self._name, daemon=True
                )
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
            return self._loop

    @staticmethod
    def _serve(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            loop.close()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coroutine`` on the loop; the caller waits on the returned future."""
        try:
            loop = self._loop_for_caller()
        except BaseException:
            coroutine.close()
            raise
        return asyncio.run_coroutine_threadsafe(coroutine, loop)

    def call(self, function: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        """Run the plain ``function(*args)`` on the loop in one turn (no task: a third of
        :meth:`submit`'s cost); it must not block. A future cancelled before the loop
        picks it up never runs ``function``."""
        loop = self._loop_for_caller()
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

    def _loop_for_caller(self) -> asyncio.AbstractEventLoop:
        loop = self._ensure_started()
        if self.in_loop_thread():
            raise ChatUsageError(
                "a ChatSession method was called from its own event-loop thread "
                "(for example inside an awaited callback); use AsyncChatSession there"
            )
        return loop

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

    def stop(self) -> None:
        """Cancel what is left on the loop, stop it and join the thread (idempotent)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._stopped = True
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        if threading.current_thread() is thread:
            loop.call_soon(loop.stop)
            return
        # A stuck task must not keep the loop alive: stop it whatever happens.
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_cancel_everything(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


async def _cancel_everything() -> None:
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()
