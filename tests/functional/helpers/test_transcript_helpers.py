"""iter_transcript and the GetTranscript paginator against the emulator over real HTTP."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.emulator import Emulator, Fault
from boto3_connectparticipant_ext.transcript import TranscriptError, iter_transcript

from .conftest import Chat, connect, open_chat, operations


def ids(items: object) -> list[str]:
    return [item["Id"] for item in items]  # type: ignore[attr-defined]


def test_whole_transcript_oldest_first_in_pages_of_100(chat: Chat) -> None:
    chat.add_messages(250)
    chat.emulator.clear_records()
    walked = ids(chat.customer.iter_transcript())
    assert walked == chat.transcript_ids()
    assert len(walked) == len(set(walked)) >= 250
    assert operations(chat.emulator).count("GetTranscript") == 3


def test_newest_first_and_after_id(chat: Chat) -> None:
    chat.add_messages(130)
    everything = chat.transcript_ids()
    assert ids(chat.agent.iter_transcript(Order="newest-first")) == everything[::-1]
    middle = everything[60]
    assert ids(chat.agent.iter_transcript(AfterId=middle, MaxResults=7)) == everything[61:]
    assert ids(chat.agent.iter_transcript(BeforeId=middle, MaxResults=9)) == everything[:60][::-1]
    assert ids(chat.agent.iter_transcript(AfterId=everything[-1])) == []


def test_plain_function_with_explicit_token_and_no_install(emulator: Emulator) -> None:
    from botocore import UNSIGNED

    chat = open_chat(emulator, bind=False)
    chat.add_messages(15)
    cpx.uninstall()
    stock = boto3.session.Session().client(
        "connectparticipant",
        endpoint_url=emulator.endpoint_url,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED),
    )
    assert not hasattr(stock, "iter_transcript")
    walked = ids(iter_transcript(stock, ConnectionToken=chat.customer_token, MaxResults=4))
    assert walked == chat.transcript_ids()


def test_missing_token_fails_before_any_request(emulator: Emulator) -> None:
    chat = open_chat(emulator, bind=False)
    emulator.clear_records()
    with pytest.raises(ParamValidationError):
        list(chat.customer.iter_transcript())
    assert emulator.requests == []


def test_throttling_is_retried_by_botocore(chat: Chat) -> None:
    chat.add_messages(120)
    chat.emulator.inject_fault(Fault.THROTTLE, operation="GetTranscript", count=2)
    assert ids(chat.customer.iter_transcript()) == chat.transcript_ids()


def test_failure_mid_walk_resumes_in_place(emulator: Emulator) -> None:
    chat = open_chat(emulator, retries={"total_max_attempts": 1, "mode": "standard"})
    chat.add_messages(50)
    walk = chat.customer.iter_transcript(MaxResults=10)
    seen = [next(walk)["Id"] for _ in range(15)]
    emulator.inject_fault(Fault.INTERNAL_ERROR, operation="GetTranscript", count=1)
    emulator.inject_fault(Fault.RESET_MID_BODY, operation="GetTranscript", count=1)
    failures = 0
    while True:
        try:
            seen.append(next(walk)["Id"])
        except StopIteration:
            break
        except (ClientError, BotoCoreError, TranscriptError, cpx.IncompleteResponseError):
            # The cut body is caught by the plugin's length check when installed.
            failures += 1
            assert failures <= 2
    assert failures == 2
    assert seen == chat.transcript_ids()


def test_expired_token_mid_walk_resumes_with_a_new_connection(emulator: Emulator) -> None:
    chat = open_chat(emulator)
    chat.add_messages(40)
    walk = chat.customer.iter_transcript(MaxResults=10)
    seen = [next(walk)["Id"] for _ in range(10)]
    emulator.inject_fault(Fault.EXPIRE_TOKEN)
    with pytest.raises(ClientError) as caught:
        next(walk)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    # A reconnecting client asks for a new ConnectionToken, then fills the gap.
    fresh = connect(chat.customer, chat.customer_participant_token)
    cpx.bind_tokens(chat.customer, connection_token=fresh)
    seen += ids(chat.customer.iter_transcript(AfterId=walk.last_id))
    assert seen == chat.transcript_ids()


def test_paginator_from_the_model_honours_pagination_config(chat: Chat) -> None:
    chat.add_messages(45)
    newest_first = chat.transcript_ids()[::-1]
    paginator = chat.agent.get_paginator("get_transcript")

    pages = list(paginator.paginate(PaginationConfig={"PageSize": 20}))
    assert [len(page["Transcript"]) for page in pages][:2] == [20, 20]
    assert [item["Id"] for page in pages for item in page["Transcript"]] == newest_first

    limited = paginator.paginate(PaginationConfig={"PageSize": 20, "MaxItems": 30})
    first = limited.build_full_result()
    assert ids(first["Transcript"]) == newest_first[:30]
    assert "NextToken" in first

    rest = paginator.paginate(
        PaginationConfig={"PageSize": 20, "StartingToken": first["NextToken"]}
    )
    assert ids(rest.build_full_result()["Transcript"]) == newest_first[30:]


@given(
    count=st.integers(min_value=0, max_value=120),
    page=st.integers(min_value=1, max_value=100),
    newest_first=st.booleans(),
    faults=st.lists(
        st.sampled_from([Fault.THROTTLE, Fault.INTERNAL_ERROR, Fault.RESET_BEFORE_RESPONSE]),
        max_size=3,
    ),
)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_property_no_item_lost_or_repeated_under_faults(
    emulator: Emulator, count: int, page: int, newest_first: bool, faults: list[Fault]
) -> None:
    chat = open_chat(emulator, retries={"total_max_attempts": 1, "mode": "standard"})
    chat.add_messages(count)
    for fault in faults:
        emulator.inject_fault(fault, operation="GetTranscript", count=1)
    walk = chat.customer.iter_transcript(
        Order="newest-first" if newest_first else "oldest-first", MaxResults=page
    )
    seen: list[str] = []
    failures = 0
    while True:
        try:
            seen.append(next(walk)["Id"])
        except StopIteration:
            break
        except (ClientError, BotoCoreError, TranscriptError):
            failures += 1
            assert failures <= len(faults)
    expected = chat.transcript_ids()
    assert seen == (expected[::-1] if newest_first else expected)
    assert failures == len(faults)
