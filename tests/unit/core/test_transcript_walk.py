"""``TranscriptWalk``, the sans-I/O transcript engine, driven by hand (no client at all)."""

from __future__ import annotations

import pytest

from boto3_connectparticipant_ext.transcript import (
    TranscriptPaginationError,
    TranscriptResponseError,
    TranscriptWalk,
    transcript_walk,
)


def _drain(walk: TranscriptWalk) -> list[str]:
    ids: list[str] = []
    while True:
        item = walk.next_item()
        if item is None:
            return ids
        ids.append(item["Id"])


def test_requests_follow_the_next_token_and_end_without_one() -> None:
    walk = transcript_walk(ConnectionToken="tok", MaxResults=2)
    first = walk.next_request()
    assert first is not None and "NextToken" not in first
    assert first["ScanDirection"] == "FORWARD" and first["MaxResults"] == 2
    walk.receive({"Transcript": [{"Id": "1"}, {"Id": "2"}], "NextToken": "n1"})
    assert _drain(walk) == ["1", "2"]
    second = walk.next_request()
    assert second is not None and second["NextToken"] == "n1"
    walk.receive({"Transcript": [{"Id": "3"}], "InitialContactId": "c-1"})
    assert _drain(walk) == ["3"]
    assert walk.next_request() is None
    assert (walk.pages, walk.initial_contact_id, walk.last_id) == (2, "c-1", "3")


def test_a_bad_page_changes_nothing_and_the_same_request_comes_next() -> None:
    walk = TranscriptWalk({"MaxResults": 5}, next_token="start")
    before = walk.next_request()
    with pytest.raises(TranscriptResponseError):
        walk.receive({})
    assert walk.next_request() == before and walk.pages == 0


def test_any_repeated_token_is_a_cycle_including_the_starting_one() -> None:
    walk = TranscriptWalk({"MaxResults": 5}, next_token="start")
    walk.receive({"Transcript": [{"Id": "a"}], "NextToken": "n1"})
    walk.receive({"Transcript": [{"Id": "b"}], "NextToken": "n2"})
    with pytest.raises(TranscriptPaginationError):
        walk.receive({"Transcript": [{"Id": "c"}], "NextToken": "start"})
    assert _drain(walk) == ["a", "b"]  # the refused page added nothing


def test_after_id_and_overlapping_pages_are_skipped() -> None:
    walk = transcript_walk(AfterId="a")
    walk.receive({"Transcript": [{"Id": "a"}, {"Id": "b"}], "NextToken": "n"})
    walk.receive({"Transcript": [{"Id": "b"}, {"Id": "c"}, {"Id": "c"}]})
    assert _drain(walk) == ["b", "c"]
