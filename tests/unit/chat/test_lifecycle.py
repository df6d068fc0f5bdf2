"""Lifecycle (open, close, leave, the chat's end) of parts built by _parts.build_parts,
over real HTTP to the emulator."""

from __future__ import annotations

import asyncio
from typing import Any, Optional

import pytest

from boto3_connectparticipant_ext.chat import _throttle
from boto3_connectparticipant_ext.chat._lifecycle import CLOSED, NEW, OPEN
from boto3_connectparticipant_ext.chat._parts import SessionParts, build_parts
from boto3_connectparticipant_ext.chat.errors import ChatEndedError, ChatUsageError
from boto3_connectparticipant_ext.chat.state import SessionState
from boto3_connectparticipant_ext.emulator import Emulator


def parts_for(
    emulator: Emulator, token: Optional[str], *, state: Optional[SessionState] = None
) -> SessionParts:
    return build_parts(
        token,
        client=None,
        session=None,
        region_name="us-east-1",
        endpoint_url=emulator.endpoint_url,
        config=None,
        chat_config=None,
        websocket=False,
        leave_on_exit=True,
        participant_id=None,
        state=state,
    )


def operations(emulator: Emulator) -> list[Any]:
    return [request.operation for request in emulator.requests]


def test_open_then_close_and_no_second_open(connect_chat_emulator: Emulator) -> None:
    token = connect_chat_emulator.start_chat(display_name="Customer")["ParticipantToken"]
    parts = parts_for(connect_chat_emulator, token)
    life = parts.lifecycle

    async def scenario() -> None:
        assert life.phase == NEW and not life.connected
        await life.connect()
        await life.connect()  # idempotent while open
        assert life.phase == OPEN and life.is_open and life.connected
        await life.close()
        await life.close()
        assert life.phase == CLOSED and not life.connected
        with pytest.raises(ChatUsageError, match="closed session"):
            await life.connect()

    asyncio.run(scenario())
    assert parts.calls.workers.closed and parts.events.session_closed
    assert operations(connect_chat_emulator).count("CreateParticipantConnection") == 1


def test_closing_a_session_never_used_makes_no_request(connect_chat_emulator: Emulator) -> None:
    token = connect_chat_emulator.start_chat(display_name="Customer")["ParticipantToken"]
    parts = parts_for(connect_chat_emulator, token)
    before = len(connect_chat_emulator.requests)
    asyncio.run(parts.lifecycle.close())
    assert parts.lifecycle.phase == CLOSED and parts.calls.workers.closed
    assert len(connect_chat_emulator.requests) == before


def test_disconnect_leaves_sends_queued_receipts_first_and_ends_the_chat(
    connect_chat_emulator: Emulator,
) -> None:
    token = connect_chat_emulator.start_chat(display_name="Customer")["ParticipantToken"]
    parts = parts_for(connect_chat_emulator, token)
    life = parts.lifecycle

    async def scenario() -> None:
        await life.connect()
        loop = asyncio.get_running_loop()
        assert parts.receipts.request("m-1", _throttle.READ, loop)
        await life.disconnect(None)
        assert life.chat_ended and life.phase == CLOSED
        with pytest.raises(ChatEndedError):
            life.require_not_ended()
        assert not parts.receipts.request("m-2", _throttle.READ, loop)  # nothing after the end

    asyncio.run(scenario())
    done = operations(connect_chat_emulator)
    assert done.index("SendEvent") < done.index("DisconnectParticipant")


def test_the_end_learnt_outside_the_stream_is_marked_once(connect_chat_emulator: Emulator) -> None:
    token = connect_chat_emulator.start_chat(display_name="Customer")["ParticipantToken"]
    parts = parts_for(connect_chat_emulator, token)

    async def scenario() -> None:
        await parts.lifecycle.learn_chat_ended()
        await parts.lifecycle.learn_chat_ended()

    asyncio.run(scenario())
    assert parts.lifecycle.chat_ended
    assert parts.calls.credentials.refresh_due() is None  # no refresh after the end
