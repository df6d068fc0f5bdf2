"""``examples/sms_bridge.py`` runs against the emulator: texts in, agent answers out."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import TOPIC

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sms_bridge.py"


def test_sms_bridge_example(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECT_INSTANCE_ID", emulator.instance_id)
    monkeypatch.setenv("CONNECT_CONTACT_FLOW_ID", emulator.contact_flow_id)
    monkeypatch.setenv("STREAMING_TOPIC_ARN", TOPIC)
    monkeypatch.setenv("CPX_ENDPOINT_URL", emulator.endpoint_url)
    monkeypatch.setenv("AWS_REGION", emulator.region)
    # The Connect admin API needs SigV4 with any key (the Lambda role's, on AWS).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("BRIDGE_TABLE", raising=False)
    spec = importlib.util.spec_from_file_location("sms_bridge_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module: Any = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "sms_bridge_example", module)
    spec.loader.exec_module(module)
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(module, "send_sms", lambda to, text: sent.append((to, text)))
    emulator.contact_streaming.subscribe(TOPIC, module.lambda_handler)

    answer = module.inbound_sms_handler({"from": "+15550100", "text": "Where is my parcel?"})
    chat = module.bridge().store.get("+15550100")
    assert chat is not None
    assert answer["messageId"] in [i["Id"] for i in emulator.transcript(chat.contact_id)]
    agent = emulator.add_participant(chat.contact_id, role="AGENT", display_name="Ann")
    emulator.send_message(chat.contact_id, agent["ParticipantId"], "It ships today")
    assert emulator.contact_streaming.flush()
    assert sent == [("+15550100", "It ships today")]
    assert emulator.contact_streaming.failures == []
