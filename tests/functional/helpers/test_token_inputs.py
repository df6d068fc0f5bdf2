"""Tokens as users really pass them, through every entry point, against the emulator.

A token read from a file ends in a newline: it is stripped and works. A token
given as bytes, a number or with a control character inside is refused with
the entry point's typed error before any request, and its value shows in no
message, traceback or DEBUG log line.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any, Callable

import pytest
from botocore.exceptions import ParamValidationError

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.chat import AsyncChatSession, ChatSession
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError, InvalidTokenError
from boto3_connectparticipant_ext.transcript import iter_transcript
from boto3_connectparticipant_ext.transfer import (
    download_attachment,
    get_attachment_url,
    upload_attachment,
)

from .conftest import Chat, open_chat, participant_client

SECRET = "tokenSECRETvalue"


def _entry_points(chat: Chat, tmp_path: Path) -> dict[str, Callable[[Any], Any]]:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(64))
    client = participant_client(chat.emulator.endpoint_url)
    return {
        "bind_tokens": lambda token: cpx.bind_tokens(client, connection_token=token),
        "bind_participant": lambda token: cpx.bind_tokens(client, participant_token=token),
        "iter_transcript": lambda token: list(iter_transcript(client, ConnectionToken=token)),
        "helper_iter": lambda token: list(client.iter_transcript(ConnectionToken=token)),
        "upload": lambda token: upload_attachment(client, str(pdf), ConnectionToken=token),
        "get_url": lambda token: get_attachment_url(client, "att", ConnectionToken=token),
        "download": lambda token: download_attachment(
            client, "att", str(tmp_path / "out.pdf"), ConnectionToken=token
        ),
        "chat_session": lambda token: ChatSession(token, endpoint_url=chat.emulator.endpoint_url),
        "async_session": lambda token: AsyncChatSession(
            token, endpoint_url=chat.emulator.endpoint_url
        ),
    }


@pytest.mark.parametrize(
    "bad",
    [
        SECRET.encode(),
        bytearray(SECRET.encode()),
        12345,
        SECRET[:4] + "\n" + SECRET[4:],
        SECRET + "\x00",
        SECRET[:4] + "\x1b[2J" + SECRET[4:],
        " \n",
    ],
)
def test_bad_tokens_are_typed_errors_before_any_request(
    chat: Chat, tmp_path: Path, bad: object
) -> None:
    before = len(chat.emulator.requests)
    for name, call in _entry_points(chat, tmp_path).items():
        with pytest.raises(ConnectParticipantExtError) as caught:
            call(bad)
        text = "".join(traceback.format_exception(caught.type, caught.value, caught.tb))
        assert SECRET not in text and SECRET[4:] not in str(caught.value), name
    assert len(chat.emulator.requests) == before


def test_a_token_read_from_a_file_is_stripped_and_works(chat: Chat, tmp_path: Path) -> None:
    token_file = tmp_path / "token.txt"
    token_file.write_text(chat.customer_token + "\n")
    from_file = token_file.read_text()
    client = participant_client(chat.emulator.endpoint_url)
    chat.add_messages(2)
    assert len(list(iter_transcript(client, ConnectionToken=from_file))) >= 2
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(64))
    attachment_id = upload_attachment(client, str(pdf), ConnectionToken=" " + from_file + "\r\n")
    assert get_attachment_url(client, attachment_id, ConnectionToken=from_file)
    cpx.bind_tokens(client, connection_token=from_file)
    assert cpx.bound_tokens(client).connection_token == chat.customer_token  # type: ignore[union-attr]
    client.send_message(Content="hello", ContentType="text/plain")
    # An explicit token argument of a bound client goes through the same check.
    client.send_message(Content="again", ContentType="text/plain", ConnectionToken=from_file)


def test_bound_client_refuses_a_bytes_token_argument(chat: Chat) -> None:
    before = len(chat.emulator.requests)
    with pytest.raises(InvalidTokenError) as caught:
        chat.customer.send_message(
            Content="hi", ContentType="text/plain", ConnectionToken=SECRET.encode()
        )
    assert SECRET not in str(caught.value)
    assert len(chat.emulator.requests) == before


def test_botocore_validation_message_is_redacted_in_logs(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    # Unbound: since issue 15 the plugin's token check runs first (InvalidTokenError); without
    # the plugin botocore validates. Either way the log keeps no secret.
    client = participant_client(chat.emulator.endpoint_url)
    logger = logging.getLogger("app")
    with caplog.at_level(logging.DEBUG):
        try:
            client.send_message(
                Content="hi", ContentType="text/plain", ConnectionToken=SECRET.encode()
            )
        except (ParamValidationError, InvalidTokenError):
            logger.exception("send failed")
    assert "send failed" in caplog.text
    assert SECRET not in caplog.text
    assert all(SECRET not in (record.exc_text or "") for record in caplog.records)


def test_resume_with_a_control_character_in_the_saved_token(chat: Chat) -> None:
    from boto3_connectparticipant_ext.chat import SessionState

    state = SessionState(connection_token=SECRET + "\x07", participant_token=None)
    before = len(chat.emulator.requests)
    with pytest.raises(ConnectParticipantExtError) as caught:
        ChatSession.resume(state, endpoint_url=chat.emulator.endpoint_url, websocket=False)
    assert SECRET not in str(caught.value)
    assert len(chat.emulator.requests) == before


def test_open_chat_still_works(emulator: Any) -> None:
    assert open_chat(emulator).customer_token
