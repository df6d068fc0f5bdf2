"""install()/uninstall() over real HTTP: signing, credentials, model, sessions."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ConnectionClosedError, NoCredentialsError

import boto3_connectparticipant_ext as cpx
from tests.conftest import LAMBDA_CELL_CREDENTIALS

from .conftest import CONNECTION_TOKEN, PARTICIPANT_TOKEN, TRUNCATE_TOKEN, RecordingServer

needs_no_credentials = pytest.mark.skipif(
    bool(LAMBDA_CELL_CREDENTIALS), reason="the Lambda cell has credentials in the environment"
)
SIGV4_HEADERS = ("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256")


def _client(server: RecordingServer, session: Any = None) -> Any:
    factory = session.client if session is not None else boto3.client
    return factory("connectparticipant", region_name="us-east-1", endpoint_url=server.url)


def _assert_unsigned_bearer(server: RecordingServer, token: str) -> None:
    headers = server.last().headers
    assert headers["x-amz-bearer"] == token
    for name in SIGV4_HEADERS:
        assert name not in headers, f"{name} reached the wire"


@needs_no_credentials
def test_stock_boto3_without_credentials_cannot_call(recording_server: RecordingServer) -> None:
    # The baseline the plugin fixes: stock botocore wants SigV4 credentials.
    client = _client(recording_server)
    with pytest.raises(NoCredentialsError):
        client.get_transcript(ConnectionToken=CONNECTION_TOKEN)
    assert recording_server.requests == []


def test_installed_client_sends_only_the_bearer(recording_server: RecordingServer) -> None:
    cpx.install()
    client = _client(recording_server)
    client.create_participant_connection(
        ParticipantToken=PARTICIPANT_TOKEN, Type=["CONNECTION_CREDENTIALS"]
    )
    _assert_unsigned_bearer(recording_server, PARTICIPANT_TOKEN)
    client.describe_view(ViewToken="view-token", ConnectionToken=CONNECTION_TOKEN)
    assert recording_server.last().path == "/participant/views/view-token"
    _assert_unsigned_bearer(recording_server, CONNECTION_TOKEN)


def test_credentials_in_environment_are_never_sent(
    recording_server: RecordingServer, credentials_in_env: dict[str, str]
) -> None:
    cpx.install()
    client = _client(recording_server)
    client.send_message(ConnectionToken=CONNECTION_TOKEN, Content="hi", ContentType="text/plain")
    _assert_unsigned_bearer(recording_server, CONNECTION_TOKEN)
    body = recording_server.last().body.decode()
    for secret in credentials_in_env.values():
        assert secret not in body
        assert all(secret not in value for value in recording_server.last().headers.values())


def test_other_services_are_still_signed(
    recording_server: RecordingServer, credentials_in_env: dict[str, str]
) -> None:
    cpx.install()
    connect = boto3.client("connect", region_name="us-east-1", endpoint_url=recording_server.url)
    connect.stop_contact(ContactId="c", InstanceId="i")
    headers = recording_server.last().headers
    assert headers["authorization"].startswith("AWS4-HMAC-SHA256")
    assert credentials_in_env["AWS_ACCESS_KEY_ID"] in headers["authorization"]


def test_client_creation_never_resolves_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(self: Any) -> Any:
        raise AssertionError("credential lookup while creating a connectparticipant client")

    monkeypatch.setattr(botocore.session.Session, "get_credentials", forbidden)
    cpx.install()
    boto3.client("connectparticipant", region_name="us-east-1")
    botocore.session.get_session().create_client("connectparticipant", "us-east-1")
    # Positional arguments up to ``config`` take the same path.
    botocore.session.get_session().create_client(
        "connectparticipant", "us-east-1", None, True, None, None, None, None, None, None
    )
    with pytest.raises(AssertionError):
        boto3.client("sts", region_name="us-east-1")


def test_existing_default_session_gets_the_new_model(recording_server: RecordingServer) -> None:
    boto3.setup_default_session(region_name="us-east-1")
    before = boto3.client("connectparticipant")  # loads and caches the bundled model
    assert not before.can_paginate("get_transcript")
    cpx.install()
    after = boto3.client("connectparticipant", endpoint_url=recording_server.url)
    assert after.can_paginate("get_transcript")
    pages = list(after.get_paginator("get_transcript").paginate(ConnectionToken=CONNECTION_TOKEN))
    assert pages[0]["InitialContactId"] == "contact-1"
    _assert_unsigned_bearer(recording_server, CONNECTION_TOKEN)


def test_existing_plain_botocore_session_is_covered(recording_server: RecordingServer) -> None:
    session = botocore.session.get_session()
    session.create_client("connectparticipant", "us-east-1")
    cpx.install()
    client = session.create_client(
        "connectparticipant", "us-east-1", endpoint_url=recording_server.url
    )
    client.get_transcript(ConnectionToken=CONNECTION_TOKEN)
    _assert_unsigned_bearer(recording_server, CONNECTION_TOKEN)


@needs_no_credentials
def test_uninstall_restores_stock_behaviour(recording_server: RecordingServer) -> None:
    original = botocore.session.Session.__dict__["create_client"]
    session = boto3.Session(region_name="us-east-1")
    cpx.install()
    assert cpx.is_installed()
    assert _client(recording_server, session).can_paginate("get_transcript")
    cpx.uninstall()
    assert not cpx.is_installed()
    assert botocore.session.Session.__dict__["create_client"] is original
    for owner in (session, boto3.Session(region_name="us-east-1")):
        client = _client(recording_server, owner)
        assert not client.can_paginate("get_transcript")
        with pytest.raises(NoCredentialsError):
            client.get_transcript(ConnectionToken=CONNECTION_TOKEN)
    cpx.uninstall()  # idempotent


def test_install_is_idempotent_and_thread_safe(recording_server: RecordingServer) -> None:
    original = botocore.session.Session.__dict__["create_client"]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait()
            cpx.install()
            client = _client(recording_server, boto3.Session(region_name="us-east-1"))
            client.get_transcript(ConnectionToken=f"{CONNECTION_TOKEN}-{index}")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    wrapped = botocore.session.Session.__dict__["create_client"]
    assert wrapped.__wrapped__ is original  # wrapped exactly once
    tokens = sorted(request.headers["x-amz-bearer"] for request in recording_server.requests)
    assert tokens == sorted(f"{CONNECTION_TOKEN}-{index}" for index in range(8))
    cpx.uninstall()
    assert botocore.session.Session.__dict__["create_client"] is original


def test_user_config_is_kept(recording_server: RecordingServer) -> None:
    from botocore.config import Config

    cpx.install()
    client = boto3.client(
        "connectparticipant",
        region_name="us-east-1",
        endpoint_url=recording_server.url,
        config=Config(
            user_agent_extra="my-bot/1.0", retries={"max_attempts": 7, "mode": "standard"}
        ),
    )
    client.get_transcript(ConnectionToken=CONNECTION_TOKEN)
    assert "my-bot/1.0" in recording_server.last().headers["user-agent"]
    retries = client.meta.config.retries
    # botocore counts the first attempt too: max_attempts=7 retries means 8 attempts.
    assert retries.get("total_max_attempts", 1 + retries.get("max_attempts", 0)) == 8


def test_truncated_answer_is_an_error_not_an_empty_page(recording_server: RecordingServer) -> None:
    # Stock botocore parses a body cut short as an empty, successful answer. Depending
    # on the botocore/urllib3 pair the cut surfaces as botocore's ConnectionClosedError
    # (after its retries) or as our length check: an error either way.
    cpx.install()
    client = _client(recording_server)
    with pytest.raises((cpx.IncompleteResponseError, ConnectionClosedError)) as caught:
        client.get_transcript(ConnectionToken=TRUNCATE_TOKEN)
    if isinstance(caught.value, cpx.IncompleteResponseError):
        assert caught.value.operation == "GetTranscript"
        assert caught.value.received < caught.value.expected
    assert client.get_transcript(ConnectionToken=CONNECTION_TOKEN)["InitialContactId"]
