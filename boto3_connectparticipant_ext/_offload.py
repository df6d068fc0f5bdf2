"""The package's one way to run blocking work from async code.

:func:`run_blocking` runs a synchronous callable in a thread (the loop's default executor
unless one is given), with the caller's context variables, and never blocks the event loop.
With ``timeout`` the await gives up after that many seconds and raises
:class:`BlockingCallTimeoutError`; Python cannot stop a thread, so the call itself runs on to
its end in the background and its result is discarded (the callables offloaded by this
package - botocore calls, file and socket I/O - all end on their own timeouts). Cancelling the
awaiting task behaves the same way.

Work that can be told to stop (the attachment transfers check a flag between chunks) passes
``on_cancel``: on a timeout or a cancellation it is called, and the await then lasts until the
call has ended (its cleanup done) before the timeout error or the cancellation is raised.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
from typing import Callable, Optional, TypeVar

from boto3_connectparticipant_ext.errors import ConnectParticipantExtError

T = TypeVar("T")


class BlockingCallTimeoutError(ConnectParticipantExtError, TimeoutError):
    """A call offloaded with :func:`run_blocking` did not finish within its timeout."""

    def __init__(self, name: str, timeout: float) -> None:
        super().__init__(f"{name} did not finish within {timeout:g} s")
        self.name = name
        self.timeout = timeout


async def run_blocking(
    fn: Callable[..., T],
    *args: object,
    timeout: Optional[float] = None,
    executor: Optional[concurrent.futures.Executor] = None,
    on_cancel: Optional[Callable[[], object]] = None,
) -> T:
    """Run ``fn(*args)`` in a thread and await its result.

    Examples
    --------
    >>> import asyncio
    >>> asyncio.run(run_blocking(sum, [1, 2, 3], timeout=5))
    6
    """
    if timeout is not None and not timeout >= 0:
        raise ValueError("timeout must be a number of seconds >= 0 or None")
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    call = functools.partial(context.run, fn, *args)
    future = loop.run_in_executor(executor, call)
    if on_cancel is None:
        if timeout is None:
            return await future
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise BlockingCallTimeoutError(_name(fn), timeout) from None
    try:
        return await asyncio.wait_for(asyncio.shield(future), timeout)
    except (asyncio.CancelledError, asyncio.TimeoutError) as stopped:
        on_cancel()
        # Let the call stop and clean up before reporting; its own error is not the news.
        with contextlib.suppress(Exception):
            await future
        if isinstance(stopped, asyncio.CancelledError) or timeout is None:
            raise
        raise BlockingCallTimeoutError(_name(fn), timeout) from None


def _name(fn: Callable[..., object]) -> str:
    target = fn.func if isinstance(fn, functools.partial) else fn
    return str(getattr(target, "__qualname__", None) or type(target).__name__)
