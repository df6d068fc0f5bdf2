"""GeventChatSession under a monkey-patched gevent: many sessions, one process, no thread each.

The patched interpreter runs in a subprocess (monkey-patching must not reach
this pytest process); the emulator runs here, so the sessions talk to it over
real HTTP and websockets on 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from boto3_connectparticipant_ext.emulator import Emulator

pytest.importorskip("gevent")

SESSIONS = 200
MESSAGES = 3


def test_200_sessions_each_receive_every_message_once_without_a_thread_each(
    connect_chat_emulator: Emulator,
) -> None:
    tokens = [
        connect_chat_emulator.start_chat(display_name=f"user{n}")["ParticipantToken"]
        for n in range(SESSIONS)
    ]
    task = {
        "endpoint_url": connect_chat_emulator.endpoint_url,
        "tokens": tokens,
        "messages": MESSAGES,
    }
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_gevent_scenario.py"))],
        input=json.dumps(task),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    results = report["results"]
    assert len(results) == SESSIONS
    for result in results:
        assert isinstance(result, list), result
        assert len(result) == MESSAGES and len(set(result)) == MESSAGES, result
    # botocore, the emulator client and gevent's resolver may add a few; never one per session.
    assert report["threads"] < 10, report["threads"]
