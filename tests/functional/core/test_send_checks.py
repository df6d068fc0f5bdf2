"""SendMessage's content rules on every installed client, against the emulator over real HTTP.

Never stricter than the service: 16,384 UTF-8 bytes for every content type (the newest model),
SendMessage's documented content types; what the contact declared is the service's to decide.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.emulator import Emulator

MARKDOWN = "text/markdown"
SENT = "SendMessage"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Any]:
    cpx.install()
    try:
        yield boto3.session.Session().client(
            "connectparticipant",
            region_name=emulator.region,
            endpoint_url=emulator.endpoint_url,
            config=Config(retries={"total_max_attempts": 1}),
        )
    finally:
        cpx.uninstall()


def connection_token(emulator: Emulator, client: Any, **start: Any) -> tuple[str, str]:
    started = emulator.start_chat(**start)
    answer = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"],
        Type=["CONNECTION_CREDENTIALS"],
        ConnectParticipant=True,
    )
    return started["ContactId"], answer["ConnectionCredentials"]["ConnectionToken"]


def sent(emulator: Emulator) -> int:
    return sum(1 for request in emulator.requests if request.operation == SENT)


@pytest.mark.parametrize("unit", ["x", "\u00e9", "\u20ac"], ids=["ascii", "2-byte", "3-byte"])
def test_a_message_up_to_16384_bytes_goes_through_whole(
    emulator: Emulator, client: Any, unit: str
) -> None:
    contact, token = connection_token(emulator, client)
    content = unit * (16000 // len(unit.encode()))
    client.send_message(ConnectionToken=token, ContentType="text/plain", Content=content)
    kept = [item for item in emulator.transcript(contact) if item.get("Type") == "MESSAGE"]
    assert kept[-1]["Content"] == content


@pytest.mark.parametrize(
    ("content_type", "content", "named"),
    [
        ("text/plain", "\u00e9" * 8193, "16384"),  # 16,386 bytes in 8,193 characters
        ("application/json", '"' + "\u20ac" * 5461 + '"', "16384"),
        ("application/vnd.amazonaws.connect.message.interactive", "{}", "SendMessage takes"),
        ("text/html", "<b>hi</b>", "SendMessage takes"),
    ],
    ids=["plain-over", "json-over", "interactive", "html"],
)
def test_content_the_service_refuses_is_refused_before_any_request(
    emulator: Emulator, client: Any, content_type: str, content: str, named: str
) -> None:
    _, token = connection_token(emulator, client)
    with pytest.raises(cpx.MessageContentError, match=named) as caught:
        client.send_message(ConnectionToken=token, ContentType=content_type, Content=content)
    assert isinstance(caught.value, ValueError)
    assert sent(emulator) == 0
    assert token not in str(caught.value)


def test_a_type_the_contact_did_not_declare_is_the_services_to_refuse(
    emulator: Emulator, client: Any
) -> None:
    _, token = connection_token(emulator, client, supported_content_types=["text/plain"])
    with pytest.raises(client.exceptions.ValidationException):
        client.send_message(ConnectionToken=token, ContentType=MARKDOWN, Content="**hi**")
    assert sent(emulator) == 1


def test_uninstall_removes_the_check(emulator: Emulator, client: Any) -> None:
    _, token = connection_token(emulator, client)
    cpx.uninstall()
    stock = boto3.session.Session().client(
        "connectparticipant",
        region_name=emulator.region,
        endpoint_url=emulator.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(stock.exceptions.ValidationException):
        stock.send_message(ConnectionToken=token, ContentType="text/html", Content="<b>hi</b>")
    assert sent(emulator) == 1
    cpx.install()
