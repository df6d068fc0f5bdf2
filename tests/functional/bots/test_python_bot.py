"""A whole conversation with a Python bot over real HTTP and websockets (sync and async)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from boto3_connectparticipant_ext.chat import (
    AsyncChatSession,
    AttachmentEvent,
    ChatEndedEvent,
    ChatSession,
    MessageEvent,
    ParticipantJoinedEvent,
    ParticipantLeftEvent,
    TransferSucceededEvent,
    TypingEvent,
)
from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.emulator.bots import (
    Bot,
    BotParticipant,
    attachment,
    end,
    interactive,
    say,
    stream,
    transfer,
    typing,
    when,
)
from boto3_connectparticipant_ext.interactive import (
    INTERACTIVE_CONTENT_TYPE,
    INTERACTIVE_RESPONSE_CONTENT_TYPE,
    Element,
    ListPicker,
    QuickReply,
    TimePicker,
    TimeSlot,
    parse_interactive,
    response_for,
)

from .conftest import FAST, expect, message_from, start_chat, wait_for

FLOW = "11111111-2222-4333-8444-555555555555"
PICKER = ListPicker("What would you like?", [Element("Pizza"), Element("Pasta")])
TIMES = TimePicker(
    "When should we deliver?",
    [TimeSlot("2030-05-01T18:00+00:00", 30), TimeSlot("2030-05-01T19:00+00:00", 30)],
)
RATING = QuickReply("How was it?", [Element("Great"), Element("Bad")])
RECEIPT = b"1 x Pizza\nthank you\n"


def answered_time(turn: Any) -> bool:
    return turn.response is not None and turn.response.template_type == "TimePicker"


ORDER_BOT = (
    Bot("order-bot", FLOW, BotParticipant("CUSTOM_BOT", "OrderBot"), greeting=(say("Welcome!"),))
    .on(when(text="(?i)order"), typing(), interactive(PICKER))
    .on(when(choice="Pizza"), say("Pizza it is."), interactive(TIMES))
    .on(when(predicate=answered_time), say("Booked."), interactive(RATING))
    .on(
        when(choice="Great"),
        stream("Thanks ", "a lot!"),
        attachment("receipt.txt", RECEIPT, "text/plain"),
    )
    .on(when(attachment=True), say("Got your file."))
    .on(when(text="(?i)agent"), transfer("Alice"), say("Hi, Alice here."))
    .on(when(text="(?i)bye"), say("Goodbye"), end())
    .on(when(any=True), say("Sorry?"))
)


def interactive_from(session: ChatSession, kind: type) -> Any:
    event = expect(session, message_from("CUSTOM_BOT", content_type=INTERACTIVE_CONTENT_TYPE))
    assert isinstance(event, MessageEvent)
    message = parse_interactive(event.content)
    assert isinstance(message, kind)
    return message


def test_a_whole_conversation_with_a_python_bot(tmp_path: Path) -> None:
    with Emulator(bots=[ORDER_BOT]) as emulator:
        started = start_chat(emulator, FLOW)
        with ChatSession(
            started["ParticipantToken"], endpoint_url=emulator.endpoint_url, chat_config=FAST
        ) as session:
            # The greeting was played as the customer joined: it is in the transcript.
            wait_for(lambda: any(i.get("Content") == "Welcome!" for i in session.transcript()))
            joined = [i.get("DisplayName") for i in session.transcript() if i["Type"] == "EVENT"]
            assert joined[:2] == ["Customer", "OrderBot"]

            session.send_message("I would like to order")
            typing_event = expect(session, lambda e: isinstance(e, TypingEvent))
            assert typing_event.display_name == "OrderBot"  # type: ignore[attr-defined]
            picker = interactive_from(session, ListPicker)
            assert [c.title for c in picker.choices] == ["Pizza", "Pasta"]

            session.send_message(
                response_for(picker, "Pizza"), content_type=INTERACTIVE_RESPONSE_CONTENT_TYPE
            )
            expect(session, message_from("CUSTOM_BOT", "Pizza it is."))
            times = interactive_from(session, TimePicker)
            slot = datetime(2030, 5, 1, 19, tzinfo=timezone.utc)
            session.send_message(
                response_for(times, slot), content_type=INTERACTIVE_RESPONSE_CONTENT_TYPE
            )
            expect(session, message_from("CUSTOM_BOT", "Booked."))
            rating = interactive_from(session, QuickReply)

            session.send_message("great")  # the hosted widget's plain-text answer
            streamed = expect(session, message_from("CUSTOM_BOT", "Thanks a lot!"))
            assert isinstance(streamed, MessageEvent) and len(streamed.chunks) == 2
            shared = expect(
                session,
                lambda e: isinstance(e, AttachmentEvent) and e.participant_role == "CUSTOM_BOT",
            )
            assert isinstance(shared, AttachmentEvent)
            [file] = shared.attachments
            assert (file.name, file.content_type) == ("receipt.txt", "text/plain")
            copy = session.download_attachment(file.attachment_id or "", tmp_path / "receipt.txt")
            assert Path(copy).read_bytes() == RECEIPT

            photo = tmp_path / "photo.png"
            photo.write_bytes(b"\x89PNG fake image")
            session.upload_attachment(photo)
            expect(session, message_from("CUSTOM_BOT", "Got your file."))

            session.send_message("an agent please")
            expect(session, lambda e: isinstance(e, TransferSucceededEvent))
            left = expect(session, lambda e: isinstance(e, ParticipantLeftEvent))
            assert left.display_name == "OrderBot"  # type: ignore[attr-defined]
            agent = expect(session, lambda e: isinstance(e, ParticipantJoinedEvent))
            assert (agent.participant_role, agent.display_name) == ("AGENT", "Alice")  # type: ignore[attr-defined]
            expect(session, message_from("AGENT", "Hi, Alice here."))

            session.send_message("what?")
            expect(session, message_from("AGENT", "Sorry?"))
            session.send_message("bye")
            expect(session, message_from("AGENT", "Goodbye"))
            expect(session, lambda e: isinstance(e, ChatEndedEvent))
        assert rating.title == "How was it?"
        kept = emulator.transcript(started["ContactId"])
        answers = [
            json.loads(i["Content"])
            for i in kept
            if i["ContentType"] == INTERACTIVE_RESPONSE_CONTENT_TYPE
        ]
        assert [a["data"]["title"] for a in answers] == ["Pizza", "2030-05-01T19:00+00:00"]


def test_the_same_bot_from_async_code() -> None:
    async def conversation(endpoint_url: str, token: str) -> list[str]:
        seen: list[str] = []
        async with AsyncChatSession(token, endpoint_url=endpoint_url, chat_config=FAST) as session:
            await session.send_message("order")
            async for event in session.events(timeout=10):
                if (
                    isinstance(event, MessageEvent)
                    and event.content_type == INTERACTIVE_CONTENT_TYPE
                ):
                    picker = parse_interactive(event.content)
                    seen.append(picker.template_type)
                    if isinstance(picker, ListPicker):
                        answer = response_for(picker, 0)
                        await session.send_message(
                            answer, content_type=INTERACTIVE_RESPONSE_CONTENT_TYPE
                        )
                    else:
                        await session.send_message("bye")
                elif isinstance(event, MessageEvent) and event.participant_role == "CUSTOM_BOT":
                    seen.append(event.content)
                elif isinstance(event, ChatEndedEvent):
                    seen.append("ended")
                    break
        return seen

    with Emulator(bots=[ORDER_BOT]) as emulator:
        started = start_chat(emulator, FLOW)
        seen = asyncio.run(conversation(emulator.endpoint_url, started["ParticipantToken"]))
    assert seen == ["ListPicker", "Pizza it is.", "TimePicker", "Goodbye", "ended"]


def test_bots_added_while_running_and_other_flows_untouched() -> None:
    with Emulator() as emulator:
        plain = emulator.start_chat()
        emulator.add_bot(ORDER_BOT)
        started = start_chat(emulator, FLOW)
        wait_for(
            lambda: any(
                i.get("Content") == "Welcome!" for i in emulator.transcript(started["ContactId"])
            )
        )
        assert [i["Type"] for i in emulator.transcript(plain["ContactId"])] == ["EVENT"]
        assert emulator.bots == [ORDER_BOT]
