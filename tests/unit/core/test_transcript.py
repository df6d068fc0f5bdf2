"""The transcript iterator against an in-memory GetTranscript with the service's paging rules.

The fake follows the documented rules: StartPosition is inclusive, FORWARD
needs a StartPosition, the scan direction picks a page's items and SortOrder
only orders them, NextToken is an opaque cursor returned while items remain.
"""

from __future__ import annotations

import json
import math
from typing import Any, Optional

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boto3_connectparticipant_ext.transcript import (
    EPOCH,
    TranscriptArgumentError,
    TranscriptPaginationError,
    TranscriptResponseError,
    iter_transcript,
)


def throttled() -> ClientError:
    return ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "GetTranscript"
    )


class FakeTranscriptClient:
    def __init__(self, count: int, *, failing_calls: frozenset[int] = frozenset()) -> None:
        self.items: list[dict[str, Any]] = []
        self.add(count)
        self.failing_calls = failing_calls
        self.calls = 0
        self.requests: list[dict[str, Any]] = []
        self.overlap = 0

    def add(self, count: int) -> None:
        for _ in range(count):
            number = len(self.items)
            self.items.append({"Id": f"item-{number:06d}", "Type": "MESSAGE", "Content": "x"})

    def ids(self) -> list[str]:
        return [item["Id"] for item in self.items]

    def get_transcript(self, **params: Any) -> dict[str, Any]:
        self.calls += 1
        self.requests.append(params)
        if self.calls in self.failing_calls:
            raise throttled()
        limit = params.get("MaxResults", 10)
        token = params.get("NextToken")
        if token:
            position, direction = json.loads(token)
        else:
            position, direction = self._start(params)
        step = 1 if direction == "FORWARD" else -1
        picked: list[int] = []
        while position is not None and 0 <= position < len(self.items) and len(picked) < limit:
            picked.append(position)
            position += step
        more = position is not None and 0 <= position < len(self.items)
        picked.sort(reverse=params.get("SortOrder", "DESCENDING") == "DESCENDING")
        answer: dict[str, Any] = {
            "InitialContactId": "contact-1",
            "Transcript": [dict(self.items[index]) for index in picked],
        }
        if more:
            # A server whose cursor overlaps the previous page by ``overlap`` items.
            answer["NextToken"] = json.dumps([position - step * self.overlap, direction])
        return answer

    def _start(self, params: dict[str, Any]) -> tuple[Optional[int], str]:
        start = params.get("StartPosition")
        direction = params.get("ScanDirection")
        if not start:
            assert direction != "FORWARD", "the service rejects FORWARD without a StartPosition"
            return (len(self.items) - 1 if self.items else None), "BACKWARD"
        direction = direction or "FORWARD"
        if "Id" in start:
            return self.ids().index(start["Id"]), direction
        assert start == {"AbsoluteTime": EPOCH}
        return (0 if self.items else None), direction


def collect(iterator: Any, *, retries: int = 50) -> list[str]:
    """Drain ``iterator``, calling ``next`` again after each error (the documented resume)."""
    ids: list[str] = []
    failures = 0
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return ids
        except ClientError:
            failures += 1
            assert failures <= retries
            continue
        ids.append(item["Id"])


def test_oldest_first_is_the_default_and_uses_the_largest_page() -> None:
    client = FakeTranscriptClient(250)
    ids = collect(iter_transcript(client, ConnectionToken="tok"))
    assert ids == client.ids()
    assert client.calls == 3
    assert client.requests[0] == {
        "MaxResults": 100,
        "ConnectionToken": "tok",
        "StartPosition": {"AbsoluteTime": EPOCH},
        "ScanDirection": "FORWARD",
        "SortOrder": "ASCENDING",
    }
    assert "NextToken" in client.requests[1]
    assert client.requests[1]["StartPosition"] == {"AbsoluteTime": EPOCH}


def test_newest_first() -> None:
    client = FakeTranscriptClient(150)
    ids = collect(iter_transcript(client, Order="newest-first"))
    assert ids == client.ids()[::-1]
    assert client.requests[0] == {
        "MaxResults": 100,
        "ScanDirection": "BACKWARD",
        "SortOrder": "DESCENDING",
    }


def test_connection_token_is_only_sent_when_given() -> None:
    client = FakeTranscriptClient(3)
    collect(iter_transcript(client))
    assert "ConnectionToken" not in client.requests[0]


def test_after_id_excludes_the_item_itself() -> None:
    client = FakeTranscriptClient(30)
    ids = collect(iter_transcript(client, AfterId="item-000009", MaxResults=7))
    assert ids == client.ids()[10:]
    assert client.requests[0]["StartPosition"] == {"Id": "item-000009"}
    assert client.requests[0]["ScanDirection"] == "FORWARD"


def test_before_id_walks_back_from_an_item() -> None:
    client = FakeTranscriptClient(30)
    ids = collect(iter_transcript(client, BeforeId="item-000009", MaxResults=4))
    assert ids == client.ids()[:9][::-1]


def test_after_the_newest_item_there_is_nothing() -> None:
    client = FakeTranscriptClient(5)
    assert collect(iter_transcript(client, AfterId="item-000004")) == []


def test_empty_transcript() -> None:
    client = FakeTranscriptClient(0)
    iterator = iter_transcript(client)
    assert collect(iterator) == []
    assert iterator.pages == 1 and iterator.last_id is None


def test_pages_are_fetched_lazily_one_at_a_time() -> None:
    client = FakeTranscriptClient(1000)
    iterator = iter_transcript(client, MaxResults=50)
    for _ in range(120):
        next(iterator)
    assert client.calls == 3
    assert iterator.initial_contact_id == "contact-1"


def test_items_arriving_during_the_walk_are_included_once() -> None:
    client = FakeTranscriptClient(120)
    iterator = iter_transcript(client, MaxResults=50)
    seen = []
    for item in iterator:
        seen.append(item["Id"])
        if len(seen) in (10, 60):
            client.add(30)
    assert seen == client.ids()
    assert len(seen) == 180


def test_overlapping_pages_are_deduplicated() -> None:
    client = FakeTranscriptClient(100)
    client.overlap = 3
    ids = collect(iter_transcript(client, Order="newest-first", MaxResults=10))
    assert ids == client.ids()[::-1]


def test_a_token_that_never_moves_is_an_error() -> None:
    class StuckClient:
        def get_transcript(self, **params: Any) -> dict[str, Any]:
            return {"Transcript": [], "NextToken": "same"}

    with pytest.raises(TranscriptPaginationError):
        list(iter_transcript(StuckClient()))


def test_a_truncated_answer_is_an_error_not_the_end() -> None:
    class TruncatingClient(FakeTranscriptClient):
        def get_transcript(self, **params: Any) -> dict[str, Any]:
            answer = super().get_transcript(**params)
            if self.calls == 2:
                return {"ResponseMetadata": {"HTTPStatusCode": 200}}
            return answer

    client = TruncatingClient(30)
    walk = iter_transcript(client, MaxResults=10)
    seen = [next(walk)["Id"] for _ in range(10)]
    with pytest.raises(TranscriptResponseError):
        next(walk)
    seen += [item["Id"] for item in walk]
    assert seen == client.ids()


def test_expert_mode_passes_raw_positioning_through() -> None:
    client = FakeTranscriptClient(20)
    ids = collect(
        iter_transcript(
            client,
            StartPosition={"Id": "item-000005"},
            ScanDirection="FORWARD",
            SortOrder="ASCENDING",
            MaxResults=6,
        )
    )
    assert ids == client.ids()[5:]
    assert client.requests[0]["StartPosition"] == {"Id": "item-000005"}


@pytest.mark.parametrize(
    "arguments",
    [
        {"Order": "oldest"},
        {"Order": "newest-first", "AfterId": "x"},
        {"Order": "oldest-first", "BeforeId": "x"},
        {"AfterId": "x", "BeforeId": "y"},
        {"AfterId": ""},
        {"AfterId": "x" * 257},
        {"MaxResults": 0},
        {"MaxResults": 101},
        {"MaxResults": True},
        {"MaxResults": "100"},
        {"Order": "oldest-first", "ScanDirection": "FORWARD"},
        {"AfterId": "x", "NextToken": "t"},
        {"ConnectionToken": ""},
    ],
)
def test_bad_arguments_are_refused_before_any_call(arguments: dict[str, Any]) -> None:
    client = FakeTranscriptClient(3)
    with pytest.raises(TranscriptArgumentError):
        iter_transcript(client, **arguments)
    assert client.calls == 0


def test_errors_propagate_and_the_walk_resumes_in_place() -> None:
    client = FakeTranscriptClient(25, failing_calls=frozenset({2, 3}))
    iterator = iter_transcript(client, MaxResults=10)
    first = [next(iterator)["Id"] for _ in range(10)]
    with pytest.raises(ClientError):
        next(iterator)
    with pytest.raises(ClientError):
        next(iterator)
    rest = collect(iterator)
    assert first + rest == client.ids()


@given(
    count=st.integers(min_value=0, max_value=350),
    page=st.integers(min_value=1, max_value=100),
    newest_first=st.booleans(),
    failing=st.frozensets(st.integers(min_value=1, max_value=40), max_size=8),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_every_item_exactly_once_in_order_despite_faults(
    count: int, page: int, newest_first: bool, failing: frozenset[int]
) -> None:
    client = FakeTranscriptClient(count, failing_calls=failing)
    order = "newest-first" if newest_first else "oldest-first"
    ids = collect(iter_transcript(client, Order=order, MaxResults=page))
    expected = client.ids()[::-1] if newest_first else client.ids()
    assert ids == expected
    successful_calls = client.calls - len([n for n in failing if n <= client.calls])
    assert successful_calls == max(1, math.ceil(count / page))


@given(
    count=st.integers(min_value=1, max_value=300),
    page=st.integers(min_value=1, max_value=100),
    crashes=st.lists(st.integers(min_value=0, max_value=300), max_size=4),
    newest_first=st.booleans(),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_property_resuming_from_last_id_in_a_new_walk_loses_and_repeats_nothing(
    count: int, page: int, crashes: list[int], newest_first: bool
) -> None:
    client = FakeTranscriptClient(count)
    seen: list[str] = []
    last_id: Optional[str] = None
    for crash_after in [*sorted(crashes), None]:
        if newest_first:
            iterator = iter_transcript(client, BeforeId=last_id, MaxResults=page)
            if last_id is None:
                iterator = iter_transcript(client, Order="newest-first", MaxResults=page)
        else:
            iterator = iter_transcript(client, AfterId=last_id, MaxResults=page)
        for item in iterator:
            seen.append(item["Id"])
            if crash_after is not None and len(seen) >= crash_after:
                break
        last_id = iterator.last_id
    expected = client.ids()[::-1] if newest_first else client.ids()
    assert seen == expected


def test_a_resumed_walk_stops_when_the_service_hands_back_its_starting_token() -> None:
    class LoopingClient:
        def get_transcript(self, **params: Any) -> dict[str, Any]:
            following = {"start": "middle", "middle": "start"}
            return {"Transcript": [], "NextToken": following[params["NextToken"]]}

    with pytest.raises(TranscriptPaginationError):
        list(iter_transcript(LoopingClient(), NextToken="start"))
