"""amazon-connect-chatjs 5 in Node (browser globals stood in for; see conformance/chatjs-node.js).

A whole customer chat: connect, messages both ways, typing, read receipts, an
attachment (upload, scan result, download), a streamed bot message shown whole, a
reconnect after a dropped socket, the transcript and the chat end.
"""

from __future__ import annotations

import pytest

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import Check, assert_check, run_script

CHAT_CHECKS = (
    "chatjs connect",
    "chatjs send message",
    "chatjs receive message",
    "chatjs typing",
    "chatjs read receipts",
    "chatjs attachment upload",
    "chatjs attachment scan result pushed",
    "chatjs attachment download",
    "chatjs streamed bot message shows the whole text",
    "chatjs reconnect after a dropped socket",
    "chatjs getTranscript",
    "chatjs chat end",
)


@pytest.fixture(scope="module")
def checks(emulator: Emulator) -> dict[str, Check]:
    return run_script("chatjs-node.js", emulator, timeout=90)


@pytest.mark.parametrize("name", CHAT_CHECKS)
def test_chatjs_in_node(checks: dict[str, Check], name: str) -> None:
    assert_check(checks, name)
