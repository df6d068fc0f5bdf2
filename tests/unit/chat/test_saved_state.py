"""_saved_state: what save_state takes from the components and resume gives back."""

from __future__ import annotations

import dataclasses

import pytest

from boto3_connectparticipant_ext.chat import _throttle
from boto3_connectparticipant_ext.chat._client import build_client
from boto3_connectparticipant_ext.chat._consumer import EventConsumer
from boto3_connectparticipant_ext.chat._credentials import Credentials
from boto3_connectparticipant_ext.chat._receipts import OwnMessages
from boto3_connectparticipant_ext.chat._saved_state import capture, restore, resume_target
from boto3_connectparticipant_ext.chat._workers import ApiWorkers
from boto3_connectparticipant_ext.chat.config import ChatConfig
from boto3_connectparticipant_ext.chat.errors import ChatArgumentError, ChatNotConnectedError
from boto3_connectparticipant_ext.chat.state import SessionState

STATE = SessionState(
    connection_token="connection-token",
    connection_expiry="2030-01-01T00:00:00.000Z",
    participant_token="participant-token",
    region_name="eu-west-2",
    endpoint_url="http://127.0.0.1:1",
    participant_id="me",
    last_item_id="item-9",
    last_item_time="2024-01-01T00:00:09.000Z",
    own_message_ids=("own-1", "own-2"),
    receipts_sent=(("theirs-1", _throttle.READ),),
    typing_sent_at=1000.0,
    chat_ended=False,
)


class Components:
    def __init__(self, participant_token: str = "participant-token") -> None:
        client = build_client(
            client=None,
            session=None,
            region_name="eu-west-2",
            endpoint_url="http://127.0.0.1:1",
            config=None,
        )

        async def gone() -> None:
            pass

        self.credentials = Credentials(
            client,
            participant_token,
            config=ChatConfig(),
            run_sync=ApiWorkers(1).run,
            ended=lambda: False,
            on_gone=gone,
        )
        self.events = EventConsumer(websocket=True)
        self.book = _throttle.ReceiptBook()
        self.own = OwnMessages(self.book, "me")
        self.typing = _throttle.TypingThrottle(interval=10.0, clock=lambda: 1005.0)


def test_what_is_restored_is_what_is_captured_again() -> None:
    parts = Components()
    sequencer = restore(
        STATE,
        config=ChatConfig(),
        credentials=parts.credentials,
        events=parts.events,
        book=parts.book,
        typing=parts.typing,
    )
    assert sequencer.anchor_id == "item-9"
    assert parts.book.is_own("own-1") and not parts.typing.try_acquire()  # 5 s after 1000.0
    again = capture(
        credentials=parts.credentials,
        events=parts.events,
        own=parts.own,
        book=parts.book,
        typing=parts.typing,
        region_name="eu-west-2",
        endpoint_url="http://127.0.0.1:1",
        chat_ended=False,
    )
    assert again == STATE


def test_nothing_to_capture_before_a_connection_token() -> None:
    parts = Components()
    with pytest.raises(ChatNotConnectedError):
        capture(
            credentials=parts.credentials,
            events=parts.events,
            own=parts.own,
            book=parts.book,
            typing=parts.typing,
            region_name=None,
            endpoint_url=None,
            chat_ended=False,
        )


def test_resume_fills_in_only_what_is_not_given() -> None:
    assert resume_target(STATE, region_name=None, endpoint_url=None, client=None) == (
        "eu-west-2",
        "http://127.0.0.1:1",
    )
    assert resume_target(STATE, region_name="us-east-1", endpoint_url=None, client=None) == (
        "us-east-1",
        "http://127.0.0.1:1",
    )
    # A client brings its own region and endpoint; an empty saved value counts as not saved.
    assert resume_target(STATE, region_name=None, endpoint_url=None, client=object()) == (
        None,
        None,
    )
    blank = dataclasses.replace(STATE, region_name="", endpoint_url="")
    assert resume_target(blank, region_name=None, endpoint_url=None, client=None) == (None, None)
    with pytest.raises(ChatArgumentError):
        resume_target(STATE.to_json(), region_name=None, endpoint_url=None, client=None)
