"""Gap fill from the anchor: a known anchor, an unknown one (error or empty page)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any, Callable, Optional

import pytest
from botocore.exceptions import ClientError

from boto3_connectparticipant_ext.chat._consumer import EventConsumer
from boto3_connectparticipant_ext.chat._receipts import OwnMessages
from boto3_connectparticipant_ext.chat._stream_hooks import SessionHooks
from boto3_connectparticipant_ext.chat._throttle import ReceiptBook

ITEMS = [{"Id": f"i{n}", "AbsoluteTime": f"2024-01-01T00:00:0{n}.000Z"} for n in range(5)]


class FakeSession:
    """The transcript as a service would answer it; ``unknown`` says how it treats a bad Id."""

    def __init__(self, unknown: str) -> None:
        self.unknown = unknown
        self.calls: list[dict[str, Any]] = []

    async def transcript_iterator(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls.append(kwargs)
        position = kwargs.get("StartPosition") or {}
        ids = [item["Id"] for item in ITEMS]
        if "Id" in position:
            if position["Id"] not in ids:
                if self.unknown == "error":
                    raise ClientError(
                        {"Error": {"Code": "ValidationException", "Message": "no such Id"}},
                        "GetTranscript",
                    )
                return iter([])
            return iter(ITEMS[ids.index(position["Id"]) :])
        if "AbsoluteTime" in position:
            return iter([i for i in ITEMS if i["AbsoluteTime"] >= position["AbsoluteTime"]])
        return iter(ITEMS)

    async def run_blocking(self, function: Callable[..., Any], *args: Any) -> Any:
        return function(*args)


def fill(session: FakeSession, anchor_id: Optional[str], anchor_time: Optional[str]) -> list[str]:
    hooks = SessionHooks(
        session,  # type: ignore[arg-type]
        EventConsumer(websocket=True),
        OwnMessages(ReceiptBook(), None),
        on_chat_ended=lambda: None,
    )

    async def collect() -> list[str]:
        return [item["Id"] async for item in hooks.transcript_after(anchor_id, anchor_time)]

    return asyncio.run(collect())


@pytest.mark.parametrize("unknown", ["error", "empty"])
def test_a_known_anchor_gives_the_items_after_it(unknown: str) -> None:
    assert fill(FakeSession(unknown), "i2", ITEMS[2]["AbsoluteTime"]) == ["i3", "i4"]


@pytest.mark.parametrize("unknown", ["error", "empty"])
def test_an_unknown_anchor_goes_by_its_time_and_loses_nothing(unknown: str) -> None:
    session = FakeSession(unknown)
    assert fill(session, "gone", ITEMS[1]["AbsoluteTime"]) == ["i1", "i2", "i3", "i4"]
    assert "AbsoluteTime" in session.calls[-1]["StartPosition"]


@pytest.mark.parametrize("unknown", ["error", "empty"])
def test_an_unknown_anchor_without_a_time_gives_the_whole_transcript(unknown: str) -> None:
    assert fill(FakeSession(unknown), "gone", None) == [item["Id"] for item in ITEMS]


def test_offer_puts_at_once_with_room_and_leaves_a_full_buffer_to_deliver() -> None:
    from boto3_connectparticipant_ext.chat.events import ConnectionEstablishedEvent

    consumer = EventConsumer(websocket=True)
    hooks = SessionHooks(
        FakeSession("empty"),  # type: ignore[arg-type]
        consumer,
        OwnMessages(ReceiptBook(), None),
        on_chat_ended=lambda: None,
    )
    first, second = ConnectionEstablishedEvent(), ConnectionEstablishedEvent()
    assert hooks.offer(first)  # not connected: no buffer, nothing to wait for

    async def scenario() -> list[Any]:
        buffer = consumer.open(1)
        assert hooks.offer(first)
        assert not hooks.offer(second)  # full: nothing done, the caller awaits deliver()
        assert len(buffer) == 1
        late = asyncio.ensure_future(hooks.deliver(second))
        await asyncio.sleep(0)
        taken = buffer.take_ready(10)
        await late
        return taken + buffer.take_ready(10)

    assert asyncio.run(scenario()) == [first, second]
