"""A multi-turn conversation against the emulator, in sync and in asyncio code.

The flow: a bot greets, offers a list picker, a time picker and a quick reply, receives an
attachment and sends one, streams an answer, transfers to an agent who then ends the chat.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import boto3

from boto3_connectparticipant_ext.conversation import (
    AsyncConversation,
    Conversation,
    start_async_chat,
    start_chat,
)
from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import FarSide, far_side, start_options

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 customer receipt\n")
    invoice = tmp_path / "invoice.txt"
    invoice.write_text("invoice 42: paid\n")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    return receipt, invoice, downloads


def test_multi_turn_flow_sync(
    emulator: Emulator, aws: boto3.session.Session, tmp_path: Path
) -> None:
    receipt, invoice, downloads = files(tmp_path)
    chat = start_chat(display_name="Pat", **start_options(emulator, aws))
    far = far_side(emulator, chat.contact.contact_id)
    with Conversation(chat, timeout=10) as talk:
        far.bot_says("Welcome to Example Corp!")
        assert talk.expect(role="SYSTEM", text="Welcome").display_name == "BOT"

        far.list_picker()
        picker = talk.expect(template="ListPicker")
        assert "How can we help?" in picker.content
        talk.choose("Billing")
        talk.expect_event("message", role="CUSTOMER")  # our answer, echoed by the socket
        assert (far.last_response().title, far.last_response().index) == ("Billing", 0)

        far.time_picker()
        talk.expect(template="TimePicker")
        talk.choose(1)
        assert far.last_response().title == "2030-01-02T10:00+00:00"

        far.quick_reply()
        talk.expect(template="QuickReply", text="Anything else?")
        talk.choose("yes")
        assert far.last_response().title == "Yes"

        talk.send_attachment(receipt)
        mine = talk.expect_attachment(role="CUSTOMER", name="receipt.pdf")
        assert mine.status == "APPROVED"

        far.stream(["Your balance ", "is ", "$0.00."])
        streamed = talk.expect(role="SYSTEM", text=re.compile(r"balance is \$0\.00"))
        assert len(streamed.chunks) == 3

        far.transfer_to_agent()
        talk.expect_event("transfer.succeeded", role=None)
        talk.expect_event("participant.joined", role="AGENT")
        far.agent_says("Hi Pat, Ann here. Here is your invoice.")
        talk.expect(role="AGENT", text="invoice")
        far.agent_attaches(invoice)
        theirs = talk.expect_attachment(role="AGENT")
        written = talk.download(theirs, downloads)
        assert Path(written).read_text() == "invoice 42: paid\n"

        talk.expect_silence(0.3)
        far.end()
        talk.expect_end()
        kinds = [event.kind for event in talk.transcript()]
        assert kinds[-1] == "chat.ended" and "transfer.succeeded" in kinds
        # Replies that followed a customer message: time picker, quick reply, streamed answer.
        measured = [sample.expected for sample in talk.latencies]
        assert measured == [
            "a message from anyone but the customer with template TimePicker",
            "a message from anyone but the customer with template QuickReply containing "
            "'Anything else?'",
            "a message from SYSTEM matching /balance is \\$0\\.00/",
        ]
        assert all(0 <= sample.seconds < 10 for sample in talk.latencies)
    assert chat.chat_ended


def test_multi_turn_flow_async(
    emulator: Emulator, aws: boto3.session.Session, tmp_path: Path
) -> None:
    receipt, invoice, downloads = files(tmp_path)

    async def scenario() -> list[str]:
        chat = await start_async_chat(display_name="Pat", **start_options(emulator, aws))
        far: FarSide = await asyncio.to_thread(far_side, emulator, chat.contact.contact_id)
        async with AsyncConversation(chat, timeout=10) as talk:
            await asyncio.to_thread(far.bot_says, "Welcome to Example Corp!")
            await talk.expect(role="SYSTEM", text="Welcome")
            await asyncio.to_thread(far.list_picker)
            await talk.expect(template="ListPicker")
            await talk.choose(1)
            await talk.expect_event("message", role="CUSTOMER")
            assert (await asyncio.to_thread(far.last_response)).title == "Orders"
            await asyncio.to_thread(far.time_picker)
            await talk.expect(template="TimePicker")
            await talk.choose("2030-01-02T09:30+00:00")
            await asyncio.to_thread(far.quick_reply)
            await talk.expect(template="QuickReply")
            await talk.choose("No")
            await talk.send_attachment(receipt)
            await talk.expect_attachment(role="CUSTOMER", name="receipt")
            await asyncio.to_thread(far.stream, ["Streamed ", "answer"])
            await talk.expect(role="SYSTEM", text="Streamed answer")
            await asyncio.to_thread(far.transfer_to_agent)
            await talk.expect_event("transfer.succeeded")
            await talk.expect_event("participant.joined", role="AGENT")
            await asyncio.to_thread(far.agent_attaches, invoice)
            theirs = await talk.expect_attachment(role="AGENT", name="invoice.txt")
            written = await talk.download(theirs, downloads / "copy.txt")
            assert Path(written).read_text() == "invoice 42: paid\n"
            await talk.expect_silence(0.3)
            await asyncio.to_thread(far.end)
            await talk.expect_end()
            return [event.kind for event in talk.transcript()]

    kinds = run(scenario())
    assert kinds[-1] == "chat.ended"
    assert kinds.count("attachment") >= 2
