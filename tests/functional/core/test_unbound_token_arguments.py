"""Explicit token arguments of unbound clients are checked by the plugin (issue 15).

Over real HTTP against the emulator: while installed, every connectparticipant client (bound or
not, boto3 or botocore) strips a token read from a file and refuses bytes or control characters
with ``InvalidTokenError`` before any request; after ``uninstall()`` botocore decides again.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import botocore.session
import pytest
from botocore.exceptions import ParamValidationError

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.errors import InvalidTokenError

SECRET = "tokenSECRETvalue"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running


def _token(emulator: Emulator, client: object) -> str:
    started = emulator.start_chat(display_name="Customer")
    answer = client.create_participant_connection(  # type: ignore[attr-defined]
        ParticipantToken=started["ParticipantToken"],
        Type=["CONNECTION_CREDENTIALS"],
        ConnectParticipant=True,
    )
    return str(answer["ConnectionCredentials"]["ConnectionToken"])


def _clients(emulator: Emulator) -> list[object]:
    return [
        boto3.session.Session().client(
            "connectparticipant", region_name="us-east-1", endpoint_url=emulator.endpoint_url
        ),
        botocore.session.get_session().create_client(
            "connectparticipant", region_name="us-east-1", endpoint_url=emulator.endpoint_url
        ),
    ]


@pytest.mark.parametrize(
    "bad", [SECRET.encode(), SECRET + "\x00", SECRET[:4] + "\n" + SECRET[4:], SECRET + "\x1b"]
)
def test_unbound_clients_refuse_bad_tokens_before_any_request(
    emulator: Emulator, bad: object
) -> None:
    cpx.install()
    for client in _clients(emulator):
        before = len(emulator.requests)
        with pytest.raises(InvalidTokenError) as caught:
            client.send_message(  # type: ignore[attr-defined]
                Content="hi", ContentType="text/plain", ConnectionToken=bad
            )
        assert SECRET not in str(caught.value) and SECRET[4:] not in str(caught.value)
        assert len(emulator.requests) == before


def test_unbound_clients_strip_a_token_read_from_a_file(emulator: Emulator) -> None:
    cpx.install()
    for client in _clients(emulator):
        token = _token(emulator, client)
        sent = client.send_message(  # type: ignore[attr-defined]
            Content="hello", ContentType="text/plain", ConnectionToken=" " + token + "\r\n"
        )
        assert sent["Id"]
        assert emulator.requests[-1].operation == "SendMessage"


def test_uninstall_removes_the_check(emulator: Emulator) -> None:
    cpx.install()
    session = botocore.session.get_session()
    session.create_client("connectparticipant", region_name="us-east-1")
    cpx.uninstall()
    client = session.create_client(
        "connectparticipant",
        region_name="us-east-1",
        endpoint_url=emulator.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    with pytest.raises(ParamValidationError):
        client.send_message(Content="hi", ContentType="text/plain", ConnectionToken=b"bytes")
