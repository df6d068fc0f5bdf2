"""GetTranscript semantics over a stock client: positions, directions, order, NextToken."""

from __future__ import annotations

from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import Chat, open_chat, participant_client


def _fill(emulator: Emulator, chat: Chat, count: int) -> list[str]:
    """Post ``count`` messages; return every transcript Id, oldest first."""
    for number in range(count):
        emulator.send_message(chat.contact_id, chat.participant_id, f"m{number}")
    return [item["Id"] for item in emulator.transcript(chat.contact_id)]


def _ids(page: dict[str, Any]) -> list[str]:
    return [item["Id"] for item in page["Transcript"]]


def test_default_page_is_the_ten_newest_newest_first(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    every = _fill(emulator, chat, 14)
    page = client.get_transcript(ConnectionToken=chat.connection_token)
    assert _ids(page) == list(reversed(every))[:10]
    assert page["InitialContactId"] == chat.contact_id
    assert "NextToken" in page


def test_ascending_sorts_inside_the_page_only(emulator: Emulator, client: Any, chat: Chat) -> None:
    every = _fill(emulator, chat, 14)
    page = client.get_transcript(
        ConnectionToken=chat.connection_token, SortOrder="ASCENDING", MaxResults=5
    )
    assert _ids(page) == every[-5:]


def test_backward_paging_visits_every_item_once(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    every = _fill(emulator, chat, 23)
    seen: list[str] = []
    arguments: dict[str, Any] = {"ConnectionToken": chat.connection_token, "MaxResults": 7}
    while True:
        page = client.get_transcript(**arguments)
        seen.extend(_ids(page))
        if "NextToken" not in page:
            break
        arguments["NextToken"] = page["NextToken"]
    assert seen == list(reversed(every))


def test_paginator_walks_the_whole_transcript(emulator: Emulator, client: Any, chat: Chat) -> None:
    import boto3_connectparticipant_ext

    every = _fill(emulator, chat, 12)
    boto3_connectparticipant_ext.install()  # brings the GetTranscript paginator
    paginator = participant_client(emulator).get_paginator("get_transcript")
    pages = paginator.paginate(
        ConnectionToken=chat.connection_token,
        SortOrder="ASCENDING",
        PaginationConfig={"PageSize": 5},
    )
    collected = [item["Id"] for page in pages for item in page["Transcript"]]
    assert sorted(collected) == sorted(every) and len(collected) == len(every)


def test_forward_from_id_includes_that_item_and_ends_without_token(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    every = _fill(emulator, chat, 12)
    start = every[4]
    page = client.get_transcript(
        ConnectionToken=chat.connection_token,
        StartPosition={"Id": start},
        ScanDirection="FORWARD",
        SortOrder="ASCENDING",
        MaxResults=5,
    )
    assert _ids(page) == every[4:9]
    rest = client.get_transcript(
        ConnectionToken=chat.connection_token,
        NextToken=page["NextToken"],
        SortOrder="ASCENDING",
        MaxResults=100,
    )
    assert _ids(rest) == every[9:]
    assert "NextToken" not in rest


def test_start_position_defaults_to_forward(emulator: Emulator, client: Any, chat: Chat) -> None:
    every = _fill(emulator, chat, 6)
    page = client.get_transcript(
        ConnectionToken=chat.connection_token, StartPosition={"Id": every[2]}, SortOrder="ASCENDING"
    )
    assert _ids(page) == every[2:]


def test_backward_from_id_includes_that_item(emulator: Emulator, client: Any, chat: Chat) -> None:
    every = _fill(emulator, chat, 8)
    page = client.get_transcript(
        ConnectionToken=chat.connection_token,
        StartPosition={"Id": every[5]},
        ScanDirection="BACKWARD",
        MaxResults=3,
    )
    assert _ids(page) == [every[5], every[4], every[3]]


def test_forward_without_start_position_is_a_validation_error(client: Any, chat: Chat) -> None:
    with pytest.raises(client.exceptions.ValidationException):
        client.get_transcript(ConnectionToken=chat.connection_token, ScanDirection="FORWARD")


def test_absolute_time_start_position(emulator: Emulator, client: Any, chat: Chat) -> None:
    _fill(emulator, chat, 6)
    items = emulator.transcript(chat.contact_id)
    moment = items[3]["AbsoluteTime"]
    forward = client.get_transcript(
        ConnectionToken=chat.connection_token,
        StartPosition={"AbsoluteTime": moment},
        SortOrder="ASCENDING",
    )
    assert _ids(forward) == [item["Id"] for item in items[3:]]
    backward = client.get_transcript(
        ConnectionToken=chat.connection_token,
        StartPosition={"AbsoluteTime": moment},
        ScanDirection="BACKWARD",
        SortOrder="ASCENDING",
    )
    assert _ids(backward) == [item["Id"] for item in items[:4]]


def test_most_recent_start_position(emulator: Emulator, client: Any, chat: Chat) -> None:
    every = _fill(emulator, chat, 9)
    page = client.get_transcript(
        ConnectionToken=chat.connection_token,
        StartPosition={"MostRecent": 2},
        SortOrder="ASCENDING",
    )
    assert _ids(page) == every[-3:]


def test_max_results_zero_gives_an_empty_final_page(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    _fill(emulator, chat, 3)
    page = client.get_transcript(ConnectionToken=chat.connection_token, MaxResults=0)
    assert page["Transcript"] == [] and "NextToken" not in page


@pytest.mark.parametrize(
    "arguments",
    [
        {"MaxResults": 101},
        {"NextToken": "bm90IGEgdG9rZW4="},
        {"StartPosition": {"MostRecent": 1, "AbsoluteTime": "2024-01-01T00:00:00.000Z"}},
        {"StartPosition": {"AbsoluteTime": "yesterday"}},
    ],
)
def test_bad_arguments_are_validation_errors(
    client: Any, chat: Chat, arguments: dict[str, Any]
) -> None:
    with pytest.raises(client.exceptions.ValidationException):
        client.get_transcript(ConnectionToken=chat.connection_token, **arguments)


def test_next_token_of_another_contact_is_refused(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    _fill(emulator, chat, 5)
    token = client.get_transcript(ConnectionToken=chat.connection_token, MaxResults=2)["NextToken"]
    other = open_chat(emulator, client)
    with pytest.raises(client.exceptions.ValidationException):
        client.get_transcript(ConnectionToken=other.connection_token, NextToken=token)


def test_transcript_records_joined_left_and_ended_events(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    emulator.config.update(tokens_work_after_chat_end=True)  # read after the end
    agent = emulator.add_participant(chat.contact_id, role="AGENT", display_name="Agent")
    emulator.disconnect_participant(chat.contact_id, agent["ParticipantId"])
    emulator.end_contact(chat.contact_id)
    page = client.get_transcript(ConnectionToken=chat.connection_token, SortOrder="ASCENDING")
    events = [
        (item["Type"], item["ContentType"].rsplit("event.", 1)[-1], item.get("ParticipantRole"))
        for item in page["Transcript"]
    ]
    assert events == [
        ("EVENT", "participant.joined", "CUSTOMER"),
        ("EVENT", "participant.joined", "AGENT"),
        ("EVENT", "participant.left", "AGENT"),
        ("EVENT", "chat.ended", None),
    ]
    assert all(item["ContactId"] == chat.contact_id for item in page["Transcript"])


def test_contact_id_of_another_chat_is_access_denied(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    other = emulator.start_chat()
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_transcript(ConnectionToken=chat.connection_token, ContactId=other["ContactId"])
    page = client.get_transcript(ConnectionToken=chat.connection_token, ContactId=chat.contact_id)
    assert page["Transcript"]
