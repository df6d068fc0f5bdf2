"""ServiceCalls over real HTTP to the emulator: loop binding, tokens, messages, transcript."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from boto3_connectparticipant_ext.chat._client import build_client
from boto3_connectparticipant_ext.chat._credentials import Credentials
from boto3_connectparticipant_ext.chat._service_calls import ServiceCalls
from boto3_connectparticipant_ext.chat._workers import ApiWorkers
from boto3_connectparticipant_ext.chat.config import ChatConfig
from boto3_connectparticipant_ext.chat.errors import (
    ChatNotConnectedError,
    ChatUsageError,
    MessageRefusedError,
)
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig


def service_calls(emulator: Emulator) -> tuple[ServiceCalls, str]:
    started = emulator.start_chat(display_name="Customer")
    client = build_client(
        client=None,
        session=None,
        region_name="us-east-1",
        endpoint_url=emulator.endpoint_url,
        config=None,
    )
    workers = ApiWorkers(2)

    async def gone() -> None:
        raise AssertionError("the chat did not end")

    credentials = Credentials(
        client,
        started["ParticipantToken"],
        config=ChatConfig(),
        run_sync=workers.run,
        ended=lambda: False,
        on_gone=gone,
    )
    return ServiceCalls(client, credentials, workers), started["ContactId"]


def test_calls_carry_the_connection_token_and_messages_come_back_in_the_transcript(
    connect_chat_emulator: Emulator,
) -> None:
    calls, _ = service_calls(connect_chat_emulator)

    async def scenario() -> tuple[str, list[dict[str, Any]]]:
        with pytest.raises(ChatNotConnectedError):
            await calls.call("describe_view", ViewToken="v")  # no ConnectionToken yet
        await calls.credentials.create_connection(
            ["CONNECTION_CREDENTIALS"], connect_participant=True
        )
        sent = await calls.send_message("hello", "text/plain")
        items = [item async for item in calls.transcript()]
        return sent, items

    try:
        sent, items = asyncio.run(scenario())
    finally:
        calls.workers.shutdown()
    assert [item["Content"] for item in items if item.get("Id") == sent] == ["hello"]
    token = calls.credentials.connection_token
    send = [r for r in connect_chat_emulator.requests if r.operation == "SendMessage"]
    assert token and send and send[0].headers.get("X-Amz-Bearer") == token


def test_a_refused_message_is_a_message_refused_error(connect_chat_emulator: Emulator) -> None:
    connect_chat_emulator.config = EmulatorConfig(message_content_limits={"text/plain": 1024})
    calls, _ = service_calls(connect_chat_emulator)

    async def scenario() -> None:
        await calls.credentials.create_connection(["CONNECTION_CREDENTIALS"])
        with pytest.raises(MessageRefusedError) as refused:
            await calls.send_message("**bold**", "text/markdown")
        assert refused.value.code == "ValidationException"

    try:
        asyncio.run(scenario())
    finally:
        calls.workers.shutdown()


def test_the_session_is_bound_to_the_loop_of_its_first_use(
    connect_chat_emulator: Emulator,
) -> None:
    calls, _ = service_calls(connect_chat_emulator)

    async def bind() -> None:
        calls.bind_loop()

    assert not calls.loop_bound
    asyncio.run(bind())
    assert calls.loop_bound
    with pytest.raises(ChatUsageError, match="event loop"):
        asyncio.run(bind())
    calls.workers.shutdown()
