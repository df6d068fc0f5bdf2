"""The model upgrade, proven on whatever botocore this matrix cell runs.

Without ``install()`` the stock client has exactly what the facts table
(/work/shared/design/service-facts.md, "What each botocore release knows") says its release has;
after ``install()`` it has everything, on every release. Each feature is listed with the first
botocore release that bundles it, so one table yields both expectations.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore
import botocore.session
import pytest
from botocore.config import Config

import boto3_connectparticipant_ext as cpx

from .conftest import BOTOCORE_VERSION, RecordingServer

Version = tuple[int, int, int]
SESSION_ID = "0f5c2d1e-3b4a-4c6d-8e9f-0a1b2c3d4e5f"  # the model wants 36 characters

OPERATIONS_SINCE: dict[str, Version] = {
    "CreateParticipantConnection": (1, 13, 24),
    "DisconnectParticipant": (1, 13, 24),
    "GetTranscript": (1, 13, 24),
    "SendMessage": (1, 13, 24),
    "SendEvent": (1, 13, 24),
    "StartAttachmentUpload": (1, 19, 41),
    "CompleteAttachmentUpload": (1, 19, 41),
    "GetAttachment": (1, 19, 41),
    "DescribeView": (1, 31, 39),
    "GetAuthenticationUrl": (1, 35, 84),
    "CancelParticipantAuthentication": (1, 35, 84),
}
MEMBERS_SINCE: dict[tuple[str, str], Version] = {
    ("CreateParticipantConnectionRequest", "ConnectParticipant"): (1, 22, 6),
    ("Item", "MessageMetadata"): (1, 29, 37),
    ("Item", "RelatedContactId"): (1, 29, 53),
    ("GetAttachmentRequest", "UrlExpiryInSeconds"): (1, 35, 84),
    ("CreateParticipantConnectionResponse", "WebRTCConnection"): (1, 40, 12),
    ("SendMessageResponse", "MessageMetadata"): (1, 41, 6),
}
ENUMS_SINCE: dict[tuple[str, str], Version] = {
    ("ParticipantRole", "CUSTOM_BOT"): (1, 31, 39),
    ("ParticipantRole", "SUPERVISOR"): (1, 34, 18),
    ("ConnectionType", "WEBRTC_CONNECTION"): (1, 40, 12),
}


def _client(**kwargs: Any) -> Any:
    return botocore.session.Session().create_client(
        "connectparticipant",
        region_name="us-east-1",
        config=Config(signature_version=botocore.UNSIGNED),
        **kwargs,
    )


def _has_member(service_model: Any, shape: str, member: str) -> bool:
    # shape_names, not shape_for(): the "no such shape" error moved modules across releases.
    return shape in service_model.shape_names and member in service_model.shape_for(shape).members


def _has_enum(service_model: Any, shape: str, value: str) -> bool:
    return shape in service_model.shape_names and value in service_model.shape_for(shape).enum


def _expected(since: Version) -> bool:
    return since <= BOTOCORE_VERSION


def _release(since: Version) -> str:
    return ".".join(map(str, since))


@pytest.fixture
def installed() -> Iterator[None]:
    cpx.install()
    yield
    cpx.uninstall()


# --- stock botocore: what its release bundles, no more, no less


@pytest.mark.parametrize("operation", sorted(OPERATIONS_SINCE))
def test_stock_operations_match_the_facts_table(operation: str) -> None:
    present = operation in _client().meta.service_model.operation_names
    since = OPERATIONS_SINCE[operation]
    assert present == _expected(since), (
        f"stock botocore {botocore.__version__}: {operation} present={present}; the facts table "
        f"says it arrived in {_release(since)}"
    )


@pytest.mark.parametrize(("shape", "member"), sorted(MEMBERS_SINCE))
def test_stock_members_match_the_facts_table(shape: str, member: str) -> None:
    present = _has_member(_client().meta.service_model, shape, member)
    since = MEMBERS_SINCE[(shape, member)]
    assert present == _expected(since), (
        f"stock botocore {botocore.__version__}: {shape}.{member} present={present}; the facts "
        f"table says it arrived in {_release(since)}"
    )


@pytest.mark.parametrize(("shape", "value"), sorted(ENUMS_SINCE))
def test_stock_enum_values_match_the_facts_table(shape: str, value: str) -> None:
    present = _has_enum(_client().meta.service_model, shape, value)
    since = ENUMS_SINCE[(shape, value)]
    assert present == _expected(since), (
        f"stock botocore {botocore.__version__}: {shape}={value} present={present}; the facts "
        f"table says it arrived in {_release(since)}"
    )


def test_stock_botocore_has_no_transcript_paginator() -> None:
    assert not _client().can_paginate("get_transcript"), (
        f"botocore {botocore.__version__} bundles a GetTranscript paginator now: check that "
        "it agrees with ours (NextToken/MaxResults/Transcript) and update the README"
    )


# --- after install(): everything, on every release


def test_installed_client_knows_every_operation(installed: None) -> None:
    operations = set(_client().meta.service_model.operation_names)
    missing = sorted(set(OPERATIONS_SINCE) - operations)
    assert missing == [], f"after install() on botocore {botocore.__version__}: missing {missing}"


def test_installed_client_knows_every_member_and_enum_value(installed: None) -> None:
    service_model = _client().meta.service_model
    missing = [f"{s}.{m}" for s, m in MEMBERS_SINCE if not _has_member(service_model, s, m)]
    missing += [f"{s}={v}" for s, v in ENUMS_SINCE if not _has_enum(service_model, s, v)]
    assert missing == [], f"after install() on botocore {botocore.__version__}: missing {missing}"


def test_installed_client_paginates_the_transcript(installed: None) -> None:
    client = _client()
    assert client.can_paginate("get_transcript")
    paginator_model = client.get_paginator("get_transcript")._pagination_cfg
    assert paginator_model["input_token"] == "NextToken"
    assert paginator_model["result_key"] == "Transcript"


def test_installed_model_marks_every_operation_unsigned(installed: None) -> None:
    service_model = _client().meta.service_model
    signed = [
        name
        for name in service_model.operation_names
        if service_model.operation_model(name).auth_type != "none"
    ]
    assert signed == [], f"operations without authtype none after install(): {signed}"


def test_installed_client_calls_the_newest_operations_over_http(
    installed: None, recording_server: RecordingServer
) -> None:
    client = _client(endpoint_url=recording_server.url)
    view = client.describe_view(ViewToken="view/token", ConnectionToken="connection-token")
    client.get_authentication_url(
        SessionId=SESSION_ID, RedirectUri="https://example.com/back", ConnectionToken="c-t"
    )
    client.cancel_participant_authentication(SessionId=SESSION_ID, ConnectionToken="c-t")

    assert view["View"]["Name"] == "guard-view"
    sent = [(request.method, request.path.split("?")[0]) for request in recording_server.requests]
    assert sent == [
        ("GET", "/participant/views/view%2Ftoken"),
        ("POST", "/participant/authentication-url"),
        ("POST", "/participant/cancel-authentication"),
    ]
    assert all("authorization" not in request.headers for request in recording_server.requests)
