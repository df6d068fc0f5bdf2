"""ReceiptQueue and OwnMessages on their own: no socket, no client, no waiting."""

from __future__ import annotations

import asyncio
import json

import pytest

from boto3_connectparticipant_ext.chat import _throttle
from boto3_connectparticipant_ext.chat._receipts import (
    DELIVERED_RECEIPT,
    READ_RECEIPT,
    OwnMessages,
    ReceiptQueue,
)


def test_flush_sends_one_receipt_per_message_a_read_replacing_a_delivered() -> None:
    sent: list[tuple[str, str]] = []

    async def send(content_type: str, content: str) -> None:
        sent.append((content_type, json.loads(content)["messageId"]))

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        queue = ReceiptQueue(_throttle.ReceiptBook(), delay=3600.0, send=send)
        assert queue.request("m1", _throttle.DELIVERED, loop)
        assert queue.request("m1", _throttle.READ, loop)
        assert queue.request("m2", _throttle.DELIVERED, loop)
        assert not queue.request("m2", _throttle.DELIVERED, loop)
        await queue.flush()
        await queue.flush()

    asyncio.run(scenario())
    assert sorted(sent) == [(DELIVERED_RECEIPT, "m2"), (READ_RECEIPT, "m1")]


def test_a_failed_send_lets_the_receipt_be_requested_again() -> None:
    calls: list[str] = []

    async def send(content_type: str, content: str) -> None:
        calls.append(content_type)
        if len(calls) == 1:
            raise ConnectionError("down")

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        queue = ReceiptQueue(_throttle.ReceiptBook(), delay=3600.0, send=send)
        queue.request("m1", _throttle.READ, loop)
        with pytest.raises(ConnectionError):
            await queue.flush()
        assert queue.request("m1", _throttle.READ, loop)
        await queue.flush()

    asyncio.run(scenario())
    assert calls == [READ_RECEIPT, READ_RECEIPT]


def item(item_id: str, sender: str) -> dict[str, str]:
    return {"Id": item_id, "ParticipantId": sender, "Type": "MESSAGE"}


def test_the_participant_id_is_learnt_from_an_own_message_either_order() -> None:
    book = _throttle.ReceiptBook()
    own = OwnMessages(book, None)
    own.observe(item("a", "other"))
    own.observe(item("b", "me"))  # came back on the socket before SendMessage answered
    own.sent("b")
    assert own.participant_id == "me"
    own.observe(item("c", "me"))
    assert book.is_own("c") and not book.is_own("a")

    later = OwnMessages(_throttle.ReceiptBook(), None)
    later.sent("x")
    later.observe(item("x", "me"))
    assert later.participant_id == "me"


def test_events_and_unknown_shapes_teach_nothing() -> None:
    own = OwnMessages(_throttle.ReceiptBook(), None)
    own.observe({"Id": "e", "ParticipantId": "me", "Type": "EVENT"})
    own.observe({"Id": 5, "ParticipantId": "me", "Type": "MESSAGE"})
    own.sent("e")
    assert own.participant_id is None
