"""Recordings: the shared file format and the bot that replays one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator.bots import (
    BotParticipant,
    BotScriptError,
    Delay,
    Disconnect,
    End,
    Event,
    Interactive,
    Recording,
    Say,
    SendAttachment,
    Transfer,
    bot_from_recording,
    load_recording,
    recording_from_dict,
    save_recording,
)
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.interactive import (
    INTERACTIVE_CONTENT_TYPE,
    Element,
    ListPicker,
    UnknownTemplate,
)

EVENT = "application/vnd.amazonaws.connect.event."
PICKER = ListPicker("Menu", [Element("Pizza")])
second = 0


def item(
    role: str,
    kind: str = "MESSAGE",
    content: str = "",
    content_type: str = "text/plain",
    name: str = "",
    **extra: Any,
) -> dict[str, Any]:
    global second
    second += 1
    participant = {"CUSTOMER": "cust", "CUSTOM_BOT": "bot", "AGENT": "agent"}.get(role, "sys")
    data: dict[str, Any] = {
        "Type": kind,
        "ContentType": content_type,
        "Id": f"i{second}",
        "AbsoluteTime": f"2030-01-01T00:00:{second:02}.000Z",
    }
    if role:
        data.update(
            ParticipantRole=role, ParticipantId=participant, DisplayName=name or role.title()
        )
    if content:
        data["Content"] = content
    data.update(extra)
    return data


def ev(role: str, event: str, **extra: Any) -> dict[str, Any]:
    return item(role, "EVENT", content_type=EVENT + event, **extra)


def live_chat() -> list[dict[str, Any]]:
    return [
        ev("CUSTOMER", "participant.joined"),
        ev("CUSTOM_BOT", "participant.joined", name="OrderBot"),
        item("CUSTOM_BOT", content="Hello", name="OrderBot"),
        item(
            "CUSTOM_BOT",
            content=PICKER.to_content(),
            content_type=INTERACTIVE_CONTENT_TYPE,
            name="OrderBot",
        ),
        item("CUSTOMER", content="Pizza"),
        item(
            "CUSTOM_BOT",
            "ATTACHMENT",
            content_type="application/pdf",
            name="OrderBot",
            Attachments=[{"AttachmentName": "menu.pdf", "ContentType": "application/pdf"}],
        ),
        ev("CUSTOM_BOT", "participant.idle", name="OrderBot"),
        ev("CUSTOMER", "participant.idle"),
        item(
            "CUSTOMER",
            "ATTACHMENT",
            content_type="image/png",
            Attachments=[{"AttachmentName": "me.png"}],
        ),
        ev("", "transfer.succeeded"),
        ev("CUSTOM_BOT", "participant.left", name="OrderBot"),
        ev("AGENT", "participant.joined", name="Alice"),
        item("AGENT", content="Alice here", name="Alice"),
        item("CUSTOMER", content="bye"),
        item("AGENT", content="**Bye**", content_type="text/markdown", name="Alice"),
        ev("AGENT", "participant.left", name="Alice"),
        ev("", "chat.ended"),
    ]


def test_the_other_side_becomes_greeting_and_turns() -> None:
    recording = Recording("c-1", "cust", items=live_chat())
    bot = bot_from_recording(recording, flow_id="flow-9")
    assert (bot.flow_id, bot.participant) == ("flow-9", BotParticipant("CUSTOM_BOT", "OrderBot"))
    assert bot.greeting[0] == Say("Hello")
    replayed = bot.greeting[1]
    assert isinstance(replayed, Interactive) and replayed.content == PICKER.to_content()
    note = b"(recorded attachment menu.pdf: its content is not in the transcript)"
    assert bot.turns == (
        (SendAttachment("menu.pdf", note, "application/pdf"), Event("participant.idle")),
        (Transfer("Alice"), Say("Alice here")),
        (Say("**Bye**", "text/markdown"), End()),
    )


def test_timing_replays_the_pauses() -> None:
    items = [
        item("SYSTEM", content="a"),
        item("CUSTOMER", content="b"),
        item("SYSTEM", content="c"),
        item("SYSTEM", content="d"),
    ]
    bot = bot_from_recording(Recording("c", "cust", items=items), timing=True)
    assert bot.participant == BotParticipant("SYSTEM", "System")
    assert bot.greeting == (Say("a"),)
    assert bot.turns == ((Delay(1.0), Say("c"), Delay(1.0), Say("d")),)
    assert bot.flow_id == EmulatorConfig().contact_flow_id


def test_bot_disconnect_and_unknown_templates_survive() -> None:
    odd = '{"templateType": "Mystery", "version": "9", "data": {}}'
    items = [
        item("CUSTOM_BOT", content=odd, content_type=INTERACTIVE_CONTENT_TYPE),
        ev("CUSTOM_BOT", "participant.left"),
    ]
    bot = bot_from_recording(
        {
            "format": "connect-chat-recording",
            "version": 1,
            "contact_id": "c",
            "customer_participant_id": "cust",
            "items": items,
            "contact_flow_id": "from-file",
        }
    )
    first = bot.greeting[0]
    assert isinstance(first, Interactive) and isinstance(first.message, UnknownTemplate)
    assert first.content == odd and bot.greeting[1] == Disconnect() and bot.flow_id == "from-file"


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    recording = Recording(
        "c-1", "cust", items=tuple(live_chat()), contact_flow_id="f", extra={"recorded_by": "test"}
    )
    path = tmp_path / "chat.json"
    save_recording(path, recording)
    assert load_recording(path) == recording
    assert json.loads(path.read_text())["format"] == "connect-chat-recording"
    assert [p.name for p in tmp_path.iterdir()] == ["chat.json"]  # no temporary file left


def test_save_leaves_nothing_when_it_fails(tmp_path: Path) -> None:
    bad = Recording("c", "cust", items=({"x": object()},))
    with pytest.raises(TypeError):
        save_recording(tmp_path / "chat.json", bad)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ([], "not a connect-chat-recording"),
        ({"format": "other"}, "not a connect-chat-recording"),
        ({"format": "connect-chat-recording", "version": 2}, "version 2"),
        (
            {"format": "connect-chat-recording", "version": 1, "contact_id": "c"},
            "customer_participant_id",
        ),
        (
            {
                "format": "connect-chat-recording",
                "version": 1,
                "contact_id": "c",
                "customer_participant_id": "p",
                "items": [1],
            },
            "items",
        ),
    ],
)
def test_bad_recordings_are_refused(data: Any, says: str) -> None:
    with pytest.raises(BotScriptError, match=says):
        recording_from_dict(data)


def test_bad_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(BotScriptError, match="not JSON"):
        load_recording(tmp_path / "bad.json")
    with pytest.raises(BotScriptError, match="cannot read"):
        load_recording(tmp_path / "missing.json")
    broken = Recording(
        "c", "cust", items=[item("SYSTEM", content="{", content_type=INTERACTIVE_CONTENT_TYPE)]
    )
    with pytest.raises(BotScriptError, match="recording c"):
        bot_from_recording(broken)
