"""ApiWorkers: a session's call threads, run through _offload.run_blocking."""

from __future__ import annotations

import asyncio
import threading

import pytest

from boto3_connectparticipant_ext.chat._workers import ApiWorkers
from boto3_connectparticipant_ext.chat.errors import ChatUsageError


def test_calls_run_on_the_sessions_own_threads_with_their_arguments() -> None:
    workers = ApiWorkers(2)

    def where(prefix: str, *, suffix: str) -> str:
        return f"{prefix}{threading.current_thread().name}{suffix}"

    async def main() -> str:
        return await workers.run(where, "<", suffix=">")

    try:
        assert not workers.started
        result = asyncio.run(main())
        assert result.startswith("<cpx-chat-api") and result.endswith(">")
        assert workers.started
    finally:
        workers.shutdown()


def test_at_most_max_workers_threads_serve_the_calls() -> None:
    workers = ApiWorkers(2)
    # Each call waits for a second one: with fewer than two threads this would hang.
    barrier = threading.Barrier(2, timeout=10)
    names: set[str] = set()

    def paired() -> None:
        barrier.wait()
        names.add(threading.current_thread().name)

    async def main() -> None:
        await asyncio.gather(*(workers.run(paired) for _ in range(8)))

    try:
        asyncio.run(main())
    finally:
        workers.shutdown()
    assert len(names) == 2


def test_after_shutdown_no_call_starts() -> None:
    workers = ApiWorkers(1)
    asyncio.run(workers.run(int, "1"))
    workers.shutdown()
    workers.shutdown()  # idempotent
    assert workers.closed and not workers.started
    with pytest.raises(ChatUsageError, match="closed"):
        asyncio.run(workers.run(int, "2"))


def test_errors_of_a_call_reach_the_caller() -> None:
    workers = ApiWorkers(1)
    try:
        with pytest.raises(ValueError):
            asyncio.run(workers.run(int, "not a number"))
    finally:
        workers.shutdown()
