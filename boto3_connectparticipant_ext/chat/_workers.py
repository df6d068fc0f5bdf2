"""The threads a session runs its blocking botocore calls on, through ``_offload.run_blocking``.

Each session keeps its own pool of ``ChatConfig.api_workers`` threads (created on the first
call, named ``cpx-chat-api``), so one busy session cannot starve another's calls and the limit
documented on ``api_workers`` holds. The calls are offloaded the package's one way
(:func:`~boto3_connectparticipant_ext._offload.run_blocking`); they carry no timeout of their
own, since every botocore call ends on the client's connect and read timeouts.

Examples
--------
>>> import asyncio
>>> workers = ApiWorkers(2)
>>> asyncio.run(workers.run(sum, [1, 2, 3]))
6
>>> workers.shutdown()
>>> workers.closed
True
"""

from __future__ import annotations

import concurrent.futures
import functools
import threading
from typing import Any, Callable, Optional, TypeVar

from .._offload import run_blocking
from .errors import ChatUsageError

T = TypeVar("T")


class ApiWorkers:
    """A session's pool of call threads; after :meth:`shutdown` no call may start."""

    def __init__(self, max_workers: int, *, name: str = "cpx-chat-api") -> None:
        self._max_workers = max_workers
        self._name = name
        self._lock = threading.Lock()
        self._executor: Optional[concurrent.futures.ThreadPoolExecutor] = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def started(self) -> bool:
        """Whether a thread pool exists (the first call creates it)."""
        return self._executor is not None

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` on one of the session's threads; ``ChatUsageError``
        once the workers were shut down."""
        call = functools.partial(function, *args, **kwargs)
        return await run_blocking(call, executor=self._pool())

    def shutdown(self) -> None:
        """Let running calls finish in the background; refuse new ones (idempotent)."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)

    def _pool(self) -> concurrent.futures.ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise ChatUsageError("this session is closed")
            if self._executor is None:
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=self._max_workers, thread_name_prefix=self._name
                )
            return self._executor


__all__ = ["ApiWorkers"]
