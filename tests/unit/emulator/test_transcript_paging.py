"""GetTranscript paging rules, without any server."""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boto3_connectparticipant_ext.emulator._ids import iso_timestamp
from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._transcript import transcript_page

SECRET = b"unit-test-secret"


@dataclasses.dataclass
class Entry:
    data: dict[str, Any]
    time: float


def entries(count: int) -> list[Entry]:
    base = 1_700_000_000.0
    return [
        Entry({"Id": f"item-{n}", "AbsoluteTime": iso_timestamp(base + n)}, base + n)
        for n in range(count)
    ]


def page(items: list[Entry], contact: str = "c1", **params: Any) -> tuple[list[str], Optional[str]]:
    index = {entry.data["Id"]: n for n, entry in enumerate(items)}
    result = transcript_page(
        items, index_of=index.get, contact_id=contact, secret=SECRET, params=params
    )
    return [item["Id"] for item in result.items], result.next_token


def test_default_is_ten_newest_descending() -> None:
    ids, token = page(entries(15))
    assert ids == [f"item-{n}" for n in range(14, 4, -1)]
    assert token is not None


def test_empty_transcript() -> None:
    assert page([]) == ([], None)
    assert page([], StartPosition={"MostRecent": 0}) == ([], None)


def test_forward_requires_a_start_position() -> None:
    with pytest.raises(ServiceError) as caught:
        page(entries(3), ScanDirection="FORWARD")
    assert caught.value.code == "ValidationException"


def test_id_start_is_inclusive_both_ways() -> None:
    items = entries(6)
    assert page(items, StartPosition={"Id": "item-2"}, SortOrder="ASCENDING")[0] == [
        "item-2",
        "item-3",
        "item-4",
        "item-5",
    ]
    assert page(items, StartPosition={"Id": "item-2"}, ScanDirection="BACKWARD")[0] == [
        "item-2",
        "item-1",
        "item-0",
    ]


def test_absolute_time_boundaries() -> None:
    items = entries(5)
    exact = items[2].data["AbsoluteTime"]
    between = iso_timestamp(items[2].time + 0.5)
    assert (
        page(items, StartPosition={"AbsoluteTime": exact}, SortOrder="ASCENDING")[0][0] == "item-2"
    )
    assert (
        page(items, StartPosition={"AbsoluteTime": between}, SortOrder="ASCENDING")[0][0]
        == "item-3"
    )
    backward = page(items, StartPosition={"AbsoluteTime": between}, ScanDirection="BACKWARD")[0]
    assert backward[0] == "item-2"
    early = iso_timestamp(items[0].time - 10)
    assert page(items, StartPosition={"AbsoluteTime": early}, ScanDirection="BACKWARD") == (
        [],
        None,
    )
    late = iso_timestamp(items[-1].time + 10)
    assert page(items, StartPosition={"AbsoluteTime": late}) == ([], None)


def test_absolute_time_accepts_offsets_and_microseconds() -> None:
    items = entries(3)
    moment = items[1].data["AbsoluteTime"].replace("Z", "000+00:00")
    assert (
        page(items, StartPosition={"AbsoluteTime": moment}, SortOrder="ASCENDING")[0][0] == "item-1"
    )


def test_most_recent() -> None:
    items = entries(5)
    assert page(items, StartPosition={"MostRecent": 0})[0] == ["item-4"]
    assert page(items, StartPosition={"MostRecent": 99})[0][-1] == "item-0"
    assert page(items, StartPosition={"MostRecent": 99}, ScanDirection="BACKWARD") == ([], None)


def test_max_results_zero() -> None:
    assert page(entries(5), MaxResults=0) == ([], None)


@pytest.mark.parametrize(
    "token",
    ["", "not base64 !", "eyJ2IjogMX0=", "W10="],
)
def test_bad_tokens(token: str) -> None:
    if not token:
        assert page(entries(2), NextToken=token)[0]
        return
    with pytest.raises(ServiceError):
        page(entries(2), NextToken=token)


def test_token_is_bound_to_contact_and_signature() -> None:
    items = entries(5)
    _, token = page(items, MaxResults=2)
    assert token is not None
    with pytest.raises(ServiceError):
        page(items, contact="c2", NextToken=token)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(ServiceError):
        page(items, NextToken=forged)


def test_unknown_id_is_an_empty_page_and_two_positions_an_error() -> None:
    # The mobile SDKs expect an empty transcript for an Id the service does not know.
    assert page(entries(2), StartPosition={"Id": "nope"}) == ([], None)
    assert page(entries(2), StartPosition={"Id": "nope"}, ScanDirection="BACKWARD") == ([], None)
    with pytest.raises(ServiceError):
        page(entries(2), StartPosition={"Id": "item-0", "MostRecent": 1})


@given(
    count=st.integers(min_value=0, max_value=60),
    size=st.integers(min_value=1, max_value=100),
    ascending=st.booleans(),
    forward_from=st.none() | st.integers(min_value=0, max_value=59),
)
def test_paging_visits_every_item_once(
    count: int, size: int, ascending: bool, forward_from: Optional[int]
) -> None:
    items = entries(count)
    params: dict[str, Any] = {
        "MaxResults": size,
        "SortOrder": "ASCENDING" if ascending else "DESCENDING",
    }
    if forward_from is not None and count:
        start = min(forward_from, count - 1)
        params["StartPosition"] = {"Id": f"item-{start}"}
        expected = [f"item-{n}" for n in range(start, count)]
    else:
        expected = [f"item-{n}" for n in range(count - 1, -1, -1)]
    seen: list[str] = []
    while True:
        ids, token = page(items, **params)
        assert len(ids) <= size
        seen_page = sorted(ids, key=lambda name: int(name.split("-")[1]), reverse=not ascending)
        assert ids == seen_page
        seen.extend(ids)
        if token is None:
            break
        params = {"MaxResults": size, "NextToken": token, "SortOrder": params["SortOrder"]}
    assert sorted(seen) == sorted(expected) and len(seen) == len(expected)
