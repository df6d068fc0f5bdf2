"""A multi-turn conversation with an emulator bot (examples/support-flow.yaml), sync and async.

The bot greets, offers a list picker, a time picker and a quick reply, asks for an
attachment, streams an answer, transfers to an agent who sends an attachment, and ends the
chat. The same sync test then runs against a replay of its own recording.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import boto3
import pytest

from boto3_connectparticipant_ext.conversation import (
    AsyncConversation,
    Conversation,
    start_async_chat,
    start_chat,
)
from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.emulator.bots import (
    Bot,
    bot_from_recording,
    load_bot,
    load_recording,
)

from .conftest import start_options

SUPPORT_FLOW = Path(__file__).resolve().parents[3] / "examples" / "support-flow.yaml"


@pytest.fixture
def bot(emulator: Emulator) -> Bot:
    loaded = load_bot(SUPPORT_FLOW)
    emulator.add_bot(loaded)
    return loaded


@pytest.fixture
def receipt(tmp_path: Path) -> Path:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(b"%PDF-1.4 customer receipt\n")
    return path


def support_conversation(talk: Conversation, receipt: Path, downloads: Path) -> Path:
    """The customer's side of the support flow up to their thanks; returns the invoice file."""
    greeting = talk.expect(role="SYSTEM", text="Welcome")
    assert greeting.display_name == "BOT"
    talk.expect(template="ListPicker", text="How can we help?")
    talk.choose("Billing")
    talk.expect(template="TimePicker")
    talk.choose(1)
    talk.expect(text="Booked.")
    talk.expect(template="QuickReply")
    talk.choose("Yes")
    talk.expect(text="receipt")
    talk.send_attachment(receipt)
    streamed = talk.expect(role="SYSTEM", text=re.compile(r"balance is \$0\.00"))
    assert streamed.content == "Your balance is $0.00."
    talk.expect_event("transfer.succeeded")
    talk.expect(role="AGENT", text="Ann here")
    invoice = talk.expect_attachment(role="AGENT", name="invoice.txt")
    written = Path(talk.download(invoice, downloads))
    assert written.name == "invoice.txt" and written.stat().st_size > 0
    talk.say("thanks!")
    return written


def goodbye(talk: Conversation) -> None:
    """The agent answers the thanks; the customer's bye makes the flow end the chat."""
    talk.expect(role="AGENT", text="You're welcome")
    talk.say("bye")
    talk.expect(role="AGENT", text="Bye!")
    talk.expect_end()


def test_support_flow_sync(
    emulator: Emulator, aws: boto3.session.Session, bot: Bot, receipt: Path, tmp_path: Path
) -> None:
    options = {**start_options(emulator, aws), "contact_flow_id": bot.flow_id}
    with Conversation(start_chat(display_name="Pat", **options), timeout=10) as talk:
        invoice = support_conversation(talk, receipt, tmp_path)
        assert invoice.read_text() == "invoice 42: paid"
        goodbye(talk)
        kinds = [event.kind for event in talk.transcript()]
    assert kinds[-1] == "chat.ended" and "transfer.succeeded" in kinds
    assert kinds.count("attachment") >= 2
    # Every reply after a customer message was timed, each once.
    assert [sample.expected for sample in talk.latencies] == [
        "a message from anyone but the customer with template TimePicker",
        "a message from anyone but the customer containing 'Booked.'",
        "a message from anyone but the customer containing 'receipt'",
        "a message from SYSTEM matching /balance is \\$0\\.00/",
        'a message from AGENT containing "You\'re welcome"',
        "a message from AGENT containing 'Bye!'",
    ]
    assert all(0 <= sample.seconds < 10 for sample in talk.latencies)


def test_support_flow_async(
    emulator: Emulator, aws: boto3.session.Session, bot: Bot, receipt: Path, tmp_path: Path
) -> None:
    async def scenario() -> list[str]:
        options = {**start_options(emulator, aws), "contact_flow_id": bot.flow_id}
        chat = await start_async_chat(display_name="Pat", **options)
        async with AsyncConversation(chat, timeout=10) as talk:
            await talk.expect(role="SYSTEM", text="Welcome")
            await talk.expect(template="ListPicker")
            await talk.choose(0)
            await talk.expect(template="TimePicker")
            await talk.choose("2030-01-02T09:30+00:00")
            await talk.expect(template="QuickReply")
            await talk.choose("yes")
            await talk.expect(text="receipt")
            await talk.send_attachment(receipt)
            await talk.expect(role="SYSTEM", text="Your balance is $0.00.")
            await talk.expect_event("transfer.succeeded")
            invoice = await talk.expect_attachment(role="AGENT")
            written = await talk.download(invoice, tmp_path / "copy.txt")
            assert Path(written).read_text() == "invoice 42: paid"
            await talk.say("bye")
            await talk.expect(role="AGENT", text="Bye!")
            await talk.expect_end()
            return [event.kind for event in talk.transcript()]

    kinds = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert kinds[-1] == "chat.ended"


def test_a_recorded_chat_replays_offline_and_the_same_test_passes(
    emulator: Emulator, aws: boto3.session.Session, bot: Bot, receipt: Path, tmp_path: Path
) -> None:
    recording = tmp_path / "support.json"
    options = {**start_options(emulator, aws), "contact_flow_id": bot.flow_id}
    chat = start_chat(display_name="Pat", **options)
    with Conversation(chat, timeout=10) as talk:
        support_conversation(talk, receipt, tmp_path)
        talk.expect(role="AGENT", text="You're welcome")
        # Saved while the chat is on: the service refuses the token once the chat is over.
        talk.save(recording)

    saved = load_recording(recording)
    assert saved.contact_id == chat.contact.contact_id
    assert saved.customer_participant_id == chat.participant_id
    assert saved.contact_flow_id == bot.flow_id
    replay = bot_from_recording(saved, flow_id="replayed-support-flow")
    emulator.add_bot(replay)
    replayed = {**options, "contact_flow_id": replay.flow_id}
    downloads = tmp_path / "replayed"
    downloads.mkdir()
    with Conversation(start_chat(display_name="Pat", **replayed), timeout=10) as again:
        support_conversation(again, receipt, downloads)
        again.expect(role="AGENT", text="You're welcome")
        again.expect_silence(0.2)  # the recording ends here: nothing more is replayed
