"""``aio/transcript.py``, the asyncio driver of the transcript walk, over an in-memory service.

What reaches the wire is tested with real aiobotocore in
``tests/functional/ecosystem/test_aiobotocore.py``; these tests pin the behaviour of the async
transcript driver (resume after an error, no loss, no repeat, a NextToken cycle).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from boto3_connectparticipant_ext.aio.transcript import iter_transcript
from boto3_connectparticipant_ext.transcript import (
    TranscriptArgumentError,
    TranscriptPaginationError,
)


class PagedService:
    """An async ``get_transcript`` over 7 items, 3 per page, failing when told to."""

    def __init__(self) -> None:
        self.items = [{"Id": f"item-{number}"} for number in range(7)]
        self.calls: list[dict[str, Any]] = []
        self.fail_next = 0

    async def get_transcript(self, **parameters: Any) -> dict[str, Any]:
        self.calls.append(parameters)
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("the network dropped")
        start = int(parameters.get("NextToken") or 0)
        page = self.items[start : start + parameters["MaxResults"]]
        response: dict[str, Any] = {"Transcript": page, "InitialContactId": "contact-1"}
        if start + len(page) < len(self.items):
            response["NextToken"] = str(start + len(page))
        return response


def test_async_walk_survives_an_error_without_loss_or_repeat() -> None:
    service = PagedService()

    async def walk() -> list[str]:
        iterator = iter_transcript(service, ConnectionToken="token", MaxResults=3)
        seen = [(await iterator.__anext__())["Id"] for _ in range(6)]  # two whole pages
        service.fail_next = 1
        with pytest.raises(ConnectionError):
            await iterator.__anext__()
        seen += [item["Id"] async for item in iterator]
        assert iterator.pages == 3
        assert iterator.initial_contact_id == "contact-1"
        assert iterator.last_id == "item-6"
        return seen

    assert asyncio.run(walk()) == [f"item-{number}" for number in range(7)]
    # The failed page was asked for again with the same NextToken.
    tokens = [call.get("NextToken") for call in service.calls]
    assert tokens == [None, "3", "6", "6"]
    first = service.calls[0]
    assert first["ScanDirection"] == "FORWARD" and first["SortOrder"] == "ASCENDING"


def test_bad_arguments_fail_before_any_call() -> None:
    service = PagedService()
    with pytest.raises(TranscriptArgumentError):
        iter_transcript(service, Order="sideways")
    with pytest.raises(TranscriptArgumentError):
        iter_transcript(service, AfterId="a", BeforeId="b")
    assert service.calls == []


def test_async_walk_stops_on_a_next_token_cycle() -> None:
    following = {None: "A", "A": "B", "B": "A"}
    calls: list[Any] = []

    class CyclingService:
        async def get_transcript(self, **parameters: Any) -> dict[str, Any]:
            token = parameters.get("NextToken")
            calls.append(token)
            items = [{"Id": f"item-{len(calls)}"}]
            return {"Transcript": items, "NextToken": following[token]}

    async def walk() -> None:
        iterator = iter_transcript(CyclingService(), ConnectionToken="token")
        for _ in range(50):  # bounded: a walk that never stops fails instead of hanging
            await iterator.__anext__()

    with pytest.raises(TranscriptPaginationError):
        asyncio.run(walk())
    assert calls == [None, "A", "B"]
