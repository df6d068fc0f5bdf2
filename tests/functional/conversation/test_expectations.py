"""Failed expectations read like a test report: what was expected, then the conversation."""

from __future__ import annotations

import asyncio
import re

import boto3
import pytest

from boto3_connectparticipant_ext.conversation import (
    AsyncConversation,
    Conversation,
    ExpectationFailed,
    start_async_chat,
    start_chat,
)
from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import far_side, start_options

PRESIGNED = "https://bucket.s3.amazonaws.com/f.pdf?X-Amz-Signature=0123456789abcdef&X-Amz-Date=1"


def test_a_failed_expectation_shows_the_conversation(
    emulator: Emulator, aws: boto3.session.Session
) -> None:
    chat = start_chat(display_name="Pat", **start_options(emulator, aws))
    far = far_side(emulator, chat.contact.contact_id)
    token = chat.save_state().participant_token
    assert token
    with Conversation(chat, timeout=5) as talk:
        far.bot_says("Welcome!")
        talk.expect(text="Welcome")
        talk.say("I want a refund")
        far.bot_says(f"Sorry, I did not get that. Your file: {PRESIGNED}")
        with pytest.raises(AssertionError) as caught:
            talk.expect(role="AGENT", text=re.compile(r"refund (approved|issued)"), timeout=0.5)
    error = caught.value
    assert isinstance(error, ExpectationFailed)
    text = str(error)
    first, *rest = text.splitlines()
    assert first == (
        "expected a message from AGENT matching /refund (approved|issued)/: "
        "nothing matched within 0.5 s"
    )
    assert rest[0] == "last 4 items of the conversation:"
    assert rest[1].endswith("CUSTOMER   Pat: <participant.joined>")  # from the transcript
    assert re.search(r'\d\d:\d\d:\d\d\.\d{3}  SYSTEM     BOT: "Welcome!"', text)
    assert re.search(r'CUSTOMER   Pat: "I want a refund"', text)
    assert "Sorry, I did not get that" in text
    assert "0123456789abcdef" not in text and "X-Amz-Signature" in text
    assert token not in text
    assert error.expected.startswith("a message from AGENT")


def test_the_chat_ending_fails_an_expectation_at_once(
    emulator: Emulator, aws: boto3.session.Session
) -> None:
    chat = start_chat(**start_options(emulator, aws))
    far = far_side(emulator, chat.contact.contact_id)
    with Conversation(chat, timeout=30) as talk:
        far.bot_says("Goodbye")
        far.end()
        with pytest.raises(ExpectationFailed, match="the chat ended") as caught:
            talk.expect(role="AGENT")
        assert "<chat.ended>" in str(caught.value)
        talk.expect_end(timeout=1)


def test_silence_is_broken_by_the_other_side(
    emulator: Emulator, aws: boto3.session.Session
) -> None:
    async def scenario() -> str:
        chat = await start_async_chat(**start_options(emulator, aws))
        far = await asyncio.to_thread(far_side, emulator, chat.contact.contact_id)
        async with AsyncConversation(chat) as talk:
            await talk.say("hello?")
            await talk.expect_silence(0.2)
            await asyncio.to_thread(far.bot_says, "Still here")
            try:
                await talk.expect_silence(5)
            except ExpectationFailed as error:
                return str(error)
        return "no failure"

    text = asyncio.run(scenario())
    assert text.startswith("expected silence for 5 s: the other side wrote")
    assert text.rstrip().endswith('"Still here"')


def test_choose_without_an_interactive_message_fails_clearly(
    emulator: Emulator, aws: boto3.session.Session
) -> None:
    chat = start_chat(**start_options(emulator, aws))
    far = far_side(emulator, chat.contact.contact_id)
    with Conversation(chat, timeout=5) as talk:
        with pytest.raises(ExpectationFailed, match="an interactive message to answer"):
            talk.choose(0)
        far.list_picker()
        talk.expect(template="ListPicker")
        with pytest.raises(ExpectationFailed, match="'Refunds' is not one of its options") as e:
            talk.choose("Refunds")
        assert "[ListPicker] How can we help? (1. Billing; 2. Orders)" in str(e.value)
