"""Bots from YAML and JSON files, served by ``cpx emulator --bot``, and a recorded chat replayed."""

from __future__ import annotations

import base64
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from boto3_connectparticipant_ext.chat import (
    AttachmentEvent,
    ChatEndedEvent,
    ChatSession,
    MessageEvent,
)
from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.emulator.bots import (
    Recording,
    bot_from_recording,
    load_bot,
    load_recording,
    save_recording,
)
from boto3_connectparticipant_ext.interactive import (
    INTERACTIVE_CONTENT_TYPE,
    INTERACTIVE_RESPONSE_CONTENT_TYPE,
    parse_interactive,
    response_for,
)

from .conftest import FAST, expect, start_chat, wait_for

JSON_FLOW = "22222222-2222-4333-8444-555555555555"
YAML_FLOW = "33333333-2222-4333-8444-555555555555"
MENU = b"pizza 10\npasta 8\n"


def script(flow_id: str, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "flow_id": flow_id,
        "participant": {"role": "SYSTEM", "display_name": name},
        "greeting": [{"typing": True}, {"delay": {"min": 0.01, "max": 0.05}}, f"Hello from {name}"],
        "rules": [
            {
                "when": {"text": "(?i)menu"},
                "then": [
                    {
                        "attachment": {
                            "name": "menu.txt",
                            "content_base64": base64.b64encode(MENU).decode(),
                            "content_type": "text/plain",
                        }
                    }
                ],
            },
            {
                "when": {"text": "(?i)order"},
                "then": [
                    {
                        "interactive": {
                            "templateType": "Panel",
                            "version": "1.0",
                            "data": {
                                "content": {
                                    "title": "Pick one",
                                    "elements": [{"title": "Pizza"}, {"title": "Pasta"}],
                                }
                            },
                        }
                    }
                ],
            },
            {"when": {"choice": "Pasta"}, "then": [{"stream": ["Pasta ", "is on ", "its way"]}]},
            {"when": {"text": "(?i)bye"}, "then": ["Bye!", {"end": True}]},
        ],
        "fallback": [{"say": "*Sorry?*", "content_type": "text/markdown"}],
    }


def write_scripts(folder: Path) -> tuple[Path, Path]:
    as_json = folder / "json-bot.json"
    as_json.write_text(json.dumps(script(JSON_FLOW, "JsonBot")))
    yaml: Any = importlib.import_module("yaml")
    as_yaml = folder / "yaml-bot.yaml"
    as_yaml.write_text(yaml.safe_dump(script(YAML_FLOW, "YamlBot")))
    return as_json, as_yaml


def reply(
    session: ChatSession, name: str, text: str, content_type: str = "text/plain"
) -> MessageEvent:
    """Send ``text``; the bot's first message after it (the greeting may still be arriving)."""
    sent = session.send_message(text, content_type=content_type)
    echoed = False

    def after_mine(event: Any) -> bool:
        nonlocal echoed
        echoed = echoed or getattr(event, "id", None) == sent
        return echoed and isinstance(event, MessageEvent) and event.display_name == name

    event = expect(session, after_mine)
    assert isinstance(event, MessageEvent)
    return event


def order_pasta(endpoint: Any, flow: str, name: str, tmp_path: Path) -> list[str]:
    """The customer's side of the test: what the bot said, in order (the same offline and live)."""
    started = start_chat(endpoint, flow)
    heard: list[str] = []
    with ChatSession(
        started["ParticipantToken"], endpoint_url=endpoint.endpoint_url, chat_config=FAST
    ) as session:
        wait_for(
            lambda: any(i.get("Content", "").startswith("Hello") for i in session.transcript())
        )
        heard += [
            i["Content"]
            for i in session.transcript()
            if i.get("DisplayName") == name and i["Type"] == "MESSAGE"
        ]
        heard.append(reply(session, name, "what?").content)
        sent = session.send_message("the menu")
        shared = expect(session, lambda e: isinstance(e, AttachmentEvent) and e.id != sent)
        assert isinstance(shared, AttachmentEvent)
        heard.append(f"attachment {shared.attachments[0].name}")
        panel_event = reply(session, name, "order")
        assert panel_event.content_type == INTERACTIVE_CONTENT_TYPE
        panel = parse_interactive(panel_event.content)
        heard.append(f"{panel.template_type}: {panel.title}")
        answer = response_for(panel, "Pasta")
        heard.append(reply(session, name, answer, INTERACTIVE_RESPONSE_CONTENT_TYPE).content)
        heard.append(reply(session, name, "bye").content)
        expect(session, lambda e: isinstance(e, ChatEndedEvent))
    heard.append(started["ContactId"])
    return heard


def expected_from(name: str) -> list[str]:
    return [
        f"Hello from {name}",
        "*Sorry?*",
        "attachment menu.txt",
        "Panel: Pick one",
        "Pasta is on its way",
        "Bye!",
    ]


def test_json_and_yaml_bots_play_their_own_flows(tmp_path: Path) -> None:
    as_json, as_yaml = write_scripts(tmp_path)
    with Emulator(bots=[load_bot(as_json), load_bot(as_yaml)]) as emulator:
        for flow, name in ((JSON_FLOW, "JsonBot"), (YAML_FLOW, "YamlBot")):
            assert order_pasta(emulator, flow, name, tmp_path)[:-1] == expected_from(name)


def test_cpx_emulator_serves_bots_from_files(tmp_path: Path) -> None:
    as_json, as_yaml = write_scripts(tmp_path)
    command = [
        sys.executable,
        "-m",
        "boto3_connectparticipant_ext",
        "emulator",
        "--port",
        "0",
        "--bot",
        str(as_yaml),
        "--bot",
        str(as_json),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines: dict[str, str] = {}
        bots: list[str] = []
        deadline = time.monotonic() + 30
        while len(bots) < 2 and time.monotonic() < deadline:
            line = process.stdout.readline().strip()
            if not line:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                continue
            if line.startswith("bot="):
                bots.append(line)
            else:
                key, _, value = line.partition("=")
                lines[key] = value
        assert bots == [f"bot=YamlBot flow_id={YAML_FLOW}", f"bot=JsonBot flow_id={JSON_FLOW}"]
        served = SimpleNamespace(
            endpoint_url=lines["endpoint_url"],
            region=lines["region"],
            instance_id=lines["instance_id"],
        )
        assert order_pasta(served, YAML_FLOW, "YamlBot", tmp_path)[:-1] == expected_from("YamlBot")
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize(
    ("content", "says"),
    [("name: [", "not YAML"), ("name: x\nflow_id: f\ngreeting: [{say: ''}]", "greeting[0].say")],
)
def test_cpx_emulator_refuses_a_bad_script(tmp_path: Path, content: str, says: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    done = subprocess.run(
        [sys.executable, "-m", "boto3_connectparticipant_ext", "emulator", "--bot", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert says in done.stderr and "endpoint_url" not in done.stdout


def test_a_recorded_chat_replays_offline(tmp_path: Path) -> None:
    as_json, _ = write_scripts(tmp_path)
    with Emulator(bots=[load_bot(as_json)]) as live:
        heard_live = order_pasta(live, JSON_FLOW, "JsonBot", tmp_path)
        contact_id = heard_live.pop()
        items = live.transcript(contact_id)
        customer = next(i["ParticipantId"] for i in items if i.get("ParticipantRole") == "CUSTOMER")
    save_recording(tmp_path / "chat.json", Recording(contact_id, customer, items=items))
    replay = bot_from_recording(load_recording(tmp_path / "chat.json"), flow_id=YAML_FLOW)
    assert replay.participant.display_name == "JsonBot" and replay.turns is not None
    with Emulator(bots=[replay]) as offline:
        heard_offline = order_pasta(offline, YAML_FLOW, "JsonBot", tmp_path)
    assert heard_offline[:-1] == heard_live == expected_from("JsonBot")
