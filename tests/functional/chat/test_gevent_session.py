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

from boto3_connectparticipant_ext.emulator import Emulator, Fault

pytest.importorskip("gevent")

SESSIONS = 200
MESSAGES = 3


def run_scenario(task: dict[str, object]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_gevent_scenario.py"))],
        input=json.dumps(task),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, object] = json.loads(done.stdout)
    return report


@pytest.mark.parametrize("max_age", [3540.0, 0.5], ids=["no-refresh", "refreshing"])
def test_dropped_sockets_reconnect_and_fill_the_gap_each_message_once(
    connect_chat_emulator: Emulator, max_age: float
) -> None:
    token = connect_chat_emulator.start_chat(display_name="user")["ParticipantToken"]
    report = run_scenario(
        {
            "endpoint_url": connect_chat_emulator.endpoint_url,
            "tokens": [token],
            "drop": True,
            "max_age": max_age,
            "linger": 1.5 if max_age < 1 else 0.0,
        }
    )
    assert report["error"] is None, report
    seen, sent = report["seen"], report["sent"]
    assert isinstance(seen, list) and isinstance(sent, list)
    assert len(sent) == 10
    assert sorted(seen) == sorted(sent)  # every message, each exactly once
    kinds = report["kinds"]
    assert isinstance(kinds, list)
    assert kinds.count("connection.lost") == 2, kinds
    assert kinds.count("connection.reestablished") == 2, kinds
    # The six messages sent while the socket was down came from GetTranscript.
    filled = report["filled"]
    assert isinstance(filled, int) and filled >= 6, report
    refreshes = report["refreshes"]
    assert isinstance(refreshes, int)
    assert refreshes >= 1 if max_age < 1 else refreshes == 0, report


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
    report = run_scenario(task)
    results = report["results"]
    assert isinstance(results, list)
    assert len(results) == SESSIONS
    for result in results:
        assert isinstance(result, list), result
        assert len(result) == MESSAGES and len(set(result)) == MESSAGES, result
    # botocore, the emulator client and gevent's resolver may add a few; never one per session.
    threads = report["threads"]
    assert isinstance(threads, int) and threads < 10, threads


def test_the_gevent_gap_fill_walks_after_the_anchor_by_id_by_time_or_whole(
    connect_chat_emulator: Emulator,
) -> None:
    # The walk's calls are plain botocore calls: no monkey-patching needed to run them here.
    from boto3_connectparticipant_ext.chat._stream_api import ChatGone
    from boto3_connectparticipant_ext.chat.gevent_session import GeventChatSession, _Hooks

    token = connect_chat_emulator.start_chat(display_name="user")["ParticipantToken"]
    session = GeventChatSession(token, endpoint_url=connect_chat_emulator.endpoint_url)
    session._bind(
        session.client.create_participant_connection(
            ParticipantToken=token, Type=["CONNECTION_CREDENTIALS"], ConnectParticipant=True
        )
    )
    sent = [str(session.send_message(f"m{n}").id) for n in range(3)]
    hooks = _Hooks(session)
    whole = list(hooks.transcript_after(None, None))
    assert [item["Id"] for item in whole][-3:] == sent
    # A known anchor: what follows it, not the anchor itself.
    assert [item["Id"] for item in hooks.transcript_after(sent[0], None)] == sent[1:]
    # An id the service does not know: by the anchor's time (inclusive: repeats, no loss).
    at = next(item for item in whole if item["Id"] == sent[1])["AbsoluteTime"]
    by_time = [item["Id"] for item in hooks.transcript_after("no-such-item", at)]
    assert by_time[-2:] == sent[1:]
    # Unknown and no time: the whole transcript again.
    again = [item["Id"] for item in hooks.transcript_after("no-such-item", None)]
    assert again == [item["Id"] for item in whole]
    # A refused participant (403) is the chat gone, for the engine to end the chat offline.
    connect_chat_emulator.inject_fault(Fault.EXPIRE_TOKEN)
    with pytest.raises(ChatGone):
        list(hooks.transcript_after(sent[0], None))
