"""Persistent chat through StartChatContact's PersistentChat, both rehydration types."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import connect_client, connect_takes
from .test_contact_fidelity import EVENT, MADE_UP_INSTANCE, connection_token, start

pytestmark = [connect_takes("PersistentChat"), connect_takes("RelatedContactId")]


@pytest.fixture
def connect(emulator: Emulator) -> Any:
    return connect_client(emulator)


def past_chat(emulator: Emulator, connect: Any, client: Any, *texts: str) -> dict[str, Any]:
    """A chat where the customer said ``texts`` and then left (the chat ended)."""
    started = start(connect)
    token = connection_token(client, started)
    for text in texts:
        client.send_message(ConnectionToken=token, ContentType="text/plain", Content=text)
    client.disconnect_participant(ConnectionToken=token)
    return started


@pytest.mark.parametrize("rehydration", ["ENTIRE_PAST_SESSION", "FROM_SEGMENT"])
def test_past_items_come_into_the_new_transcript(
    emulator: Emulator, connect: Any, client: Any, rehydration: str
) -> None:
    old = past_chat(emulator, connect, client, "my order is late", "order 42")
    old_items = emulator.transcript(old["ContactId"])
    new = start(
        connect,
        PersistentChat={"RehydrationType": rehydration, "SourceContactId": old["ContactId"]},
    )
    assert new["ContinuedFromContactId"] == old["ContactId"]
    token = connection_token(client, new)
    page = client.get_transcript(ConnectionToken=token, SortOrder="ASCENDING", MaxResults=100)
    items = page["Transcript"]
    copied = items[: len(old_items)]
    assert [item["Id"] for item in copied] == [item["Id"] for item in old_items]
    assert [item.get("Content") for item in copied if item["Type"] == "MESSAGE"] == [
        "my order is late",
        "order 42",
    ]
    assert all(item["RelatedContactId"] == old["ContactId"] for item in copied)
    assert all(item["ContactId"] == new["ContactId"] for item in copied)
    after = [item["ContentType"].replace(EVENT, "") for item in items[len(old_items) :]]
    assert after == ["chat.rehydrated", "participant.joined"]
    assert "RelatedContactId" not in items[-1]
    described = connect.describe_contact(InstanceId=MADE_UP_INSTANCE, ContactId=new["ContactId"])
    assert described["Contact"]["RelatedContactId"] == old["ContactId"]
    assert described["Contact"]["InitialContactId"] == new["ContactId"]


def test_a_chain_keeps_where_each_item_came_from(
    emulator: Emulator, connect: Any, client: Any
) -> None:
    first = past_chat(emulator, connect, client, "first visit")
    second = start(
        connect,
        PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": first["ContactId"]},
    )
    token = connection_token(client, second)
    client.send_message(ConnectionToken=token, ContentType="text/plain", Content="second visit")
    client.disconnect_participant(ConnectionToken=token)
    third = start(
        connect,
        PersistentChat={
            "RehydrationType": "ENTIRE_PAST_SESSION",
            "SourceContactId": second["ContactId"],
        },
    )
    origin = {
        item["Content"]: item.get("RelatedContactId")
        for item in emulator.transcript(third["ContactId"])
        if item["Type"] == "MESSAGE"
    }
    assert origin == {"first visit": first["ContactId"], "second visit": second["ContactId"]}


def test_refusals(emulator: Emulator, connect: Any, client: Any) -> None:
    running = start(connect)
    ended = past_chat(emulator, connect, client, "hello")

    def persistent(source: str, rehydration: Any = "FROM_SEGMENT", **extra: Any) -> Any:
        chat = {"SourceContactId": source}
        if rehydration is not None:
            chat["RehydrationType"] = rehydration
        return start(connect, PersistentChat=chat, **extra)

    with pytest.raises(connect.exceptions.InvalidRequestException):  # not ended
        persistent(running["ContactId"])
    with pytest.raises(connect.exceptions.InvalidRequestException):  # no type
        persistent(ended["ContactId"], rehydration=None)
    with pytest.raises(connect.exceptions.InvalidRequestException):  # with RelatedContactId
        persistent(ended["ContactId"], RelatedContactId=running["ContactId"])
    with pytest.raises(connect.exceptions.ResourceNotFoundException):
        persistent("no-such-contact")
    with pytest.raises(connect.exceptions.InvalidRequestException):
        start(connect, PersistentChat={"RehydrationType": "FROM_SEGMENT"})
    persistent(ended["ContactId"])
    with pytest.raises(connect.exceptions.InvalidRequestException):  # used once already
        persistent(ended["ContactId"], "ENTIRE_PAST_SESSION")


def test_related_and_persistent_contacts_copy_the_attributes(
    emulator: Emulator, connect: Any, client: Any
) -> None:
    old = start(connect, Attributes={"order": "42", "tier": "gold"})
    emulator.end_contact(old["ContactId"])
    for extra in (
        {"RelatedContactId": old["ContactId"]},
        {
            "PersistentChat": {
                "RehydrationType": "FROM_SEGMENT",
                "SourceContactId": old["ContactId"],
            }
        },
    ):
        new = start(connect, Attributes={"tier": "platinum"}, **extra)
        contact = connect.describe_contact(InstanceId=MADE_UP_INSTANCE, ContactId=new["ContactId"])
        assert contact["Contact"]["RelatedContactId"] == old["ContactId"]
        if "Attributes" in contact["Contact"] or _describes_attributes():
            assert contact["Contact"]["Attributes"] == {"order": "42", "tier": "platinum"}


def _describes_attributes() -> bool:
    model = botocore.session.get_session().get_service_model("connect")
    shape = model.shape_for("Contact")
    return "Attributes" in shape.members
