"""Bot scripts: the model, the YAML/JSON loader and its errors."""

from __future__ import annotations

import base64
import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator.bots import (
    Bot,
    BotParticipant,
    BotScriptError,
    CustomerTurn,
    Delay,
    Disconnect,
    End,
    Event,
    Interactive,
    Say,
    SendAttachment,
    Stream,
    Transfer,
    Typing,
    bot_from_dict,
    load_bot,
    say,
    when,
)
from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError
from boto3_connectparticipant_ext.interactive import ListPicker, parse_response

PICKER = {
    "templateType": "ListPicker",
    "version": "1.0",
    "data": {"content": {"title": "Menu", "elements": [{"title": "Pizza"}, {"title": "Pasta"}]}},
}
SCRIPT: dict[str, Any] = {
    "name": "order-bot",
    "flow_id": "11111111-2222-4333-8444-555555555555",
    "participant": {"role": "CUSTOM_BOT", "display_name": "OrderBot"},
    "seed": 3,
    "greeting": [{"typing": True}, {"delay": {"min": 0.1, "max": 0.2}}, "Welcome!"],
    "rules": [
        {"when": {"text": "(?i)order"}, "then": [{"interactive": PICKER}]},
        {"when": {"choice": "pizza"}, "then": [{"stream": ["Pizza ", "coming"]}]},
        {
            "when": {"attachment": True},
            "then": [{"say": "**Got it**", "content_type": "text/markdown"}],
        },
        {"when": {"text": "agent"}, "then": [{"transfer": {"agent": "Alice"}}, "Alice here"]},
        {
            "when": {"text": "file"},
            "then": [
                {
                    "attachment": {
                        "name": "menu.txt",
                        "content_base64": base64.b64encode(b"menu").decode(),
                        "content_type": "text/plain",
                    }
                }
            ],
        },
        {"when": {"text": "idle"}, "then": [{"event": "participant.idle"}, {"delay": 0}]},
        {"when": {"text": "bye"}, "then": [{"disconnect": True}, {"end": True}]},
    ],
    "fallback": ["Sorry?"],
}


def reaction(bot: Bot, turn: CustomerTurn) -> list[Any]:
    return list(bot.reaction(turn, 0))


def test_a_script_becomes_the_model() -> None:
    bot = bot_from_dict(SCRIPT)
    assert bot.participant == BotParticipant("CUSTOM_BOT", "OrderBot")
    assert bot.greeting == (Typing(), Delay(0.1, 0.2), Say("Welcome!"))
    [picker] = reaction(bot, CustomerTurn("text", "I want to ORDER"))
    assert isinstance(picker, Interactive) and isinstance(picker.message, ListPicker)
    assert json.loads(picker.content or "") == PICKER
    answer = parse_response('{"templateType": "ListPicker", "data": {"title": "Pizza"}}')
    assert reaction(bot, CustomerTurn("response", "Pizza", response=answer)) == [
        Stream(("Pizza ", "coming"))
    ]
    assert reaction(bot, CustomerTurn("text", "pizza")) == [Stream(("Pizza ", "coming"))]
    assert reaction(bot, CustomerTurn("attachment", "a.pdf")) == [
        Say("**Got it**", "text/markdown")
    ]
    assert reaction(bot, CustomerTurn("text", "an agent please")) == [
        Transfer("Alice"),
        Say("Alice here"),
    ]
    [attached] = reaction(bot, CustomerTurn("text", "file"))
    assert attached == SendAttachment("menu.txt", b"menu", "text/plain")
    assert reaction(bot, CustomerTurn("text", "idle")) == [Event("participant.idle"), Delay(0)]
    assert reaction(bot, CustomerTurn("text", "bye")) == [Disconnect(), End()]
    assert reaction(bot, CustomerTurn("text", "hmm")) == [Say("Sorry?")]


def test_turns_play_in_order_then_the_fallback() -> None:
    bot = bot_from_dict(
        {
            "name": "t",
            "flow_id": "f",
            "turns": [{"then": ["one"]}, {"then": ["two"]}],
            "fallback": ["done"],
        }
    )
    turn = CustomerTurn("text", "x")
    assert [bot.reaction(turn, i)[0] for i in range(3)] == [Say("one"), Say("two"), Say("done")]


def test_python_rules_may_be_callables() -> None:
    echo = Bot("echo", "f").on(
        when(predicate=lambda turn: turn.kind == "text"),
    )
    assert echo.reaction(CustomerTurn("text", "x"), 0) == ()
    from boto3_connectparticipant_ext.emulator.bots import Rule

    dynamic = Bot(
        "dyn", "f", rules=(Rule(when(any=True), lambda turn: [say(f"you said {turn.text}")]),)
    )
    assert dynamic.reaction(CustomerTurn("text", "hi"), 0) == (Say("you said hi"),)
    broken = Bot("bad", "f", rules=(Rule(when(any=True), lambda turn: ["not a step"]),))  # type: ignore[list-item]
    with pytest.raises(BotScriptError):
        broken.reaction(CustomerTurn("text", "hi"), 0)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"name": ""}, "name"),
        ({"flow_id": 5}, "flow_id"),
        ({"colour": "red"}, "unknown keys"),
        ({"participant": {"role": "CUSTOMER"}}, "participant.role"),
        ({"greeting": "hi"}, "greeting"),
        ({"greeting": [{"say": "a", "typing": True}]}, "greeting[0]"),
        ({"greeting": [{"shout": "a"}]}, "unknown step"),
        ({"greeting": [{"say": ""}]}, "greeting[0].say"),
        ({"greeting": [{"say": "x" * 16385}]}, "16384"),
        ({"greeting": [{"say": "x", "content_type": "image/png"}]}, "image/png"),
        ({"greeting": [{"delay": -1}]}, "delay"),
        ({"greeting": [{"delay": {"min": 2, "max": 1}}]}, "delay"),
        ({"greeting": [{"typing": "yes"}]}, "typing"),
        ({"greeting": [{"stream": []}]}, "stream"),
        ({"greeting": [{"stream": "abc"}]}, "stream"),
        ({"greeting": [{"event": "chat.ended"}]}, "chat.ended"),
        ({"greeting": [{"event": "nope"}]}, "nope"),
        ({"greeting": [{"transfer": {}}]}, "transfer"),
        ({"greeting": [{"attachment": {"name": "a.txt", "content_base64": "***"}}]}, "base64"),
        ({"greeting": [{"interactive": {"templateType": "ListPicker"}}]}, "interactive"),
        (
            {
                "greeting": [
                    {
                        "interactive": {
                            **PICKER,
                            "data": {
                                "content": {
                                    "title": "x",
                                    "elements": [{"title": str(i)} for i in range(7)],
                                }
                            },
                        }
                    }
                ]
            },
            "ListPicker.elements",
        ),
        ({"rules": [{"when": {"text": "("}, "then": []}]}, "rules[0]"),
        ({"rules": [{"when": {}, "then": []}]}, "rules[0]"),
        ({"rules": [{"when": {"mood": "x"}, "then": []}]}, "rules[0].when"),
        ({"rules": [{"when": {"any": "yes"}, "then": []}]}, "rules[0].when.any"),
        ({"turns": [{"then": []}]}, "rules or turns"),
        ({"seed": "x"}, "seed"),
    ],
)
def test_script_errors_name_the_place(change: dict[str, Any], where: str) -> None:
    with pytest.raises(BotScriptError) as caught:
        bot_from_dict({**SCRIPT, **change}, source="bot.yaml")
    assert isinstance(caught.value, EmulatorConfigError)
    assert "bot.yaml" in str(caught.value) and where in str(caught.value)


def test_files_in_json_and_yaml(tmp_path: Path) -> None:
    (tmp_path / "bot.json").write_text(json.dumps(SCRIPT))
    yaml: Any = importlib.import_module("yaml")
    (tmp_path / "bot.yaml").write_text(yaml.safe_dump(SCRIPT))
    assert (
        load_bot(tmp_path / "bot.json") == load_bot(tmp_path / "bot.yaml") == bot_from_dict(SCRIPT)
    )
    (tmp_path / "broken.json").write_text("{")
    (tmp_path / "broken.yml").write_text("a: [")
    (tmp_path / "latin1.yaml").write_bytes(b"name: \xe9")
    for name, says in (
        ("broken.json", "not JSON"),
        ("broken.yml", "not YAML"),
        ("missing.yaml", "cannot read"),
        ("latin1.yaml", "UTF-8"),
    ):
        with pytest.raises(BotScriptError, match=says):
            load_bot(tmp_path / name)
    with pytest.raises(BotScriptError, match="format"):
        load_bot(tmp_path / "bot.json", format="toml")
