"""The runner inside an in-process ChatState: greeting, rules, turns, steps, hooks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._state import ChatState, Contact
from boto3_connectparticipant_ext.emulator.bots import (
    Bot,
    BotParticipant,
    delay,
    disconnect,
    end,
    event,
    interactive,
    say,
    stream,
    transfer,
    typing,
    when,
)
from boto3_connectparticipant_ext.emulator.bots.runner import BotHost, customer_turn, plain_text
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError
from boto3_connectparticipant_ext.interactive import (
    INTERACTIVE_CONTENT_TYPE,
    INTERACTIVE_RESPONSE_CONTENT_TYPE,
    Element,
    QuickReply,
    response_for,
)

FLOW = "11111111-2222-4333-8444-555555555555"
QUICK = QuickReply("Happy?", [Element("Yes"), Element("No")])


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    asyncio.run(coroutine)


async def settle() -> None:
    """Let the bots' tasks run to their end (they never sleep for real here)."""
    for _ in range(200):
        pending = [
            t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()
        ]
        if not pending:
            return
        await asyncio.sleep(0)
    raise AssertionError("the bot did not finish")


class Harness:
    def __init__(self, *bots: Bot) -> None:
        self.state = ChatState(EmulatorConfig())
        self.host = BotHost(self.state)
        for bot in bots:
            self.host.add(bot)

    async def start(self, flow: str = FLOW) -> tuple[Contact, Any]:
        chat = self.state.start_chat(display_name="Customer", contact_flow_id=flow)
        contact = self.state.contact(chat["ContactId"])
        customer = contact.participants[chat["ParticipantId"]]
        await settle()
        return contact, customer

    async def customer_says(
        self, customer: Any, text: str, content_type: str = "text/plain"
    ) -> None:
        self.state.post_message(customer, content_type, text)
        await settle()


def said(contact: Contact) -> list[tuple[str, str, str]]:
    return [
        (
            i.data.get("ParticipantRole", ""),
            i.data["ContentType"].split("/")[-1].rsplit(".", 1)[-1],
            i.data.get("Content", ""),
        )
        for i in contact.items
        if i.data["Type"] == "MESSAGE"
    ]


def events(contact: Contact) -> list[str]:
    return [
        f"{i.data.get('ParticipantRole', '-')}:{i.data['ContentType'].rsplit('event.', 1)[-1]}"
        for i in contact.items
        if i.data["Type"] == "EVENT"
    ]


BOT = (
    Bot(
        "shop", FLOW, BotParticipant("CUSTOM_BOT", "Shop"), greeting=(say("Hi"), interactive(QUICK))
    )
    .on(when(choice="yes"), say("Great"))
    .on(when(text="(?i)stream"), stream("a", "b"))
    .on(when(text="agent"), transfer("Alice"), say("Alice here"))
    .on(when(text="idle"), event("participant.idle"), event("transfer.failed"))
    .on(when(text="bye"), disconnect(), say("never said"))
    .on(when(text="stop"), end(), say("never said"))
    .on(when(any=True), typing(), say("Sorry?"))
)


def test_greeting_rules_and_fallback() -> None:
    async def scenario() -> None:
        harness = Harness(BOT)
        contact, customer = await harness.start()
        assert events(contact)[:2] == [
            "CUSTOMER:participant.joined",
            "CUSTOM_BOT:participant.joined",
        ]
        assert said(contact) == [
            ("CUSTOM_BOT", "plain", "Hi"),
            ("CUSTOM_BOT", "interactive", QUICK.to_content()),
        ]
        await harness.customer_says(
            customer, response_for(QUICK, "Yes"), INTERACTIVE_RESPONSE_CONTENT_TYPE
        )
        await harness.customer_says(customer, "NO")  # falls through to the fallback
        await harness.customer_says(customer, "please stream")
        texts = [content for role, _, content in said(contact) if role == "CUSTOM_BOT"]
        assert texts[2:] == ["Great", "Sorry?", "ab"]

    run(scenario())


def test_transfer_events_and_the_agent_takes_over() -> None:
    async def scenario() -> None:
        harness = Harness(BOT)
        contact, customer = await harness.start()
        await harness.customer_says(customer, "idle")
        await harness.customer_says(customer, "agent")
        await harness.customer_says(customer, "hmm")
        assert events(contact)[2:] == [
            "CUSTOM_BOT:participant.idle",
            "-:transfer.failed",
            "-:transfer.succeeded",
            "CUSTOM_BOT:participant.left",
            "AGENT:participant.joined",
        ]
        assert said(contact)[-3:] == [
            ("AGENT", "plain", "Alice here"),
            ("CUSTOMER", "plain", "hmm"),
            ("AGENT", "plain", "Sorry?"),
        ]

    run(scenario())


@pytest.mark.parametrize(
    ("word", "last_event"), [("bye", "CUSTOM_BOT:participant.left"), ("stop", "-:chat.ended")]
)
def test_disconnect_and_end_stop_the_bot(word: str, last_event: str) -> None:
    async def scenario() -> None:
        harness = Harness(BOT)
        contact, customer = await harness.start()
        await harness.customer_says(customer, word)
        assert events(contact)[-1] == last_event
        assert "never said" not in [c for _, _, c in said(contact)]
        if word == "bye":
            await harness.customer_says(customer, "anyone?")
            assert said(contact)[-1] == ("CUSTOMER", "plain", "anyone?")

    run(scenario())


def test_system_bot_has_no_joined_event_and_streams_as_system() -> None:
    async def scenario() -> None:
        bot = Bot("flow", FLOW, greeting=(say("Welcome"), stream("x", "y")))
        harness = Harness(bot)
        contact, _ = await harness.start()
        assert events(contact) == ["CUSTOMER:participant.joined"]
        assert said(contact) == [("SYSTEM", "plain", "Welcome"), ("SYSTEM", "plain", "xy")]

    run(scenario())


def test_only_the_bots_flow_is_played_and_other_flows_are_refused() -> None:
    async def scenario() -> None:
        harness = Harness(BOT)
        contact, _ = await harness.start(EmulatorConfig().contact_flow_id)
        assert said(contact) == []
        with pytest.raises(ServiceError):
            harness.state.start_chat(display_name="C", contact_flow_id="unknown-flow")

    run(scenario())


def test_turns_and_initial_message_order() -> None:
    async def scenario() -> None:
        bot = Bot(
            "replay",
            FLOW,
            greeting=(say("g"),),
            turns=((say("t1"),), (say("t2"),)),
            fallback=(say("f"),),
        )
        harness = Harness(bot)
        chat = harness.state.start_chat(
            display_name="C",
            contact_flow_id=FLOW,
            initial_message={"ContentType": "text/plain", "Content": "first"},
        )
        contact = harness.state.contact(chat["ContactId"])
        customer = contact.participants[chat["ParticipantId"]]
        await settle()
        await harness.customer_says(customer, "second")
        await harness.customer_says(customer, "third")
        assert [c for _, _, c in said(contact)] == [
            "first",
            "g",
            "t1",
            "second",
            "t2",
            "third",
            "f",
        ]

    run(scenario())


def test_interactive_goes_as_plain_text_when_the_contact_does_not_support_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = ChatState.start_chat

    def start_chat(self: ChatState, **kwargs: Any) -> dict[str, Any]:
        # What StartChatContact's SupportedMessagingContentTypes sets (another branch adds it).
        monkeypatch.setattr(Contact, "supported_content_types", ["text/plain"], raising=False)
        return original(self, **kwargs)

    monkeypatch.setattr(ChatState, "start_chat", start_chat)

    async def scenario() -> None:
        harness = Harness(Bot("b", FLOW, greeting=(interactive(QUICK),)))
        contact, _ = await harness.start()
        assert said(contact) == [("SYSTEM", "plain", "Happy?\n1. Yes\n2. No")]

    run(scenario())


def test_random_delays_are_seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)

    async def scenario(seed: int) -> list[float]:
        slept.clear()
        harness = Harness(
            Bot("d", FLOW, greeting=(delay(0.5), delay(1, 2), delay(1, 2)), seed=seed)
        )
        chat = harness.state.start_chat(display_name="C", contact_flow_id=FLOW)
        task = harness.host._chats[chat["ContactId"]].task  # the greeting's task
        assert task is not None
        await task
        return list(slept)

    first, again, other = (asyncio.run(scenario(s)) for s in (7, 7, 8))
    assert first == again != other
    assert first[0] == 0.5 and all(1 <= s <= 2 for s in first[1:])


def test_a_refused_step_ends_the_conversation_quietly() -> None:
    async def scenario() -> None:
        harness = Harness(Bot("b", FLOW, rules=(), fallback=(say("late"),)))
        contact, customer = await harness.start()
        harness.state.post_message(customer, "text/plain", "hi")
        harness.state.end_contact(contact)  # before the bot's task runs
        await settle()
        assert [c for _, _, c in said(contact)] == ["hi"]

    run(scenario())


def test_host_refuses_two_bots_for_one_flow_and_non_bots() -> None:
    harness = Harness(BOT)
    harness.host.add(BOT)  # the same bot again is fine
    with pytest.raises(EmulatorConfigError, match="already"):
        harness.host.add(Bot("other", FLOW))
    with pytest.raises(EmulatorConfigError):
        harness.host.add("bot")  # type: ignore[arg-type]
    assert harness.host.bots == [BOT]


def test_customer_turns_and_plain_text() -> None:
    response = {
        "Type": "MESSAGE",
        "ContentType": INTERACTIVE_RESPONSE_CONTENT_TYPE,
        "Content": response_for(QUICK, 1),
    }
    turn = customer_turn(response)
    assert turn is not None and (turn.kind, turn.text) == ("response", "No")
    broken = customer_turn({**response, "Content": "not json"})
    assert broken is not None and (broken.kind, broken.text) == ("text", "not json")
    attached = customer_turn({"Type": "ATTACHMENT", "Attachments": [{"AttachmentName": "a.pdf"}]})
    assert attached is not None and (attached.kind, attached.text) == ("attachment", "a.pdf")
    assert customer_turn({"Type": "EVENT"}) is None
    assert json.loads(QUICK.to_content())["templateType"] == "QuickReply"
    assert plain_text(QUICK) == "Happy?\n1. Yes\n2. No"
    assert INTERACTIVE_CONTENT_TYPE.endswith("interactive")
