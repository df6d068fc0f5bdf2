"""The Lambda-like matrix cell: AWS credentials in the environment and an old boto3.

AWS Lambda puts the function role's credentials in ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY`` and ``AWS_SESSION_TOKEN``. They must never reach the participant
service, while every other service keeps using them. ``noxfile.py`` sets them for the
``-lambda`` cell; the test-wide fixture scrubs the environment, so they are put back here from
what ``conftest.py`` captured at import.
"""

from __future__ import annotations

import os

import boto3
import pytest

import boto3_connectparticipant_ext as cpx

from .conftest import CELL_CREDENTIALS, LAMBDA_CELL, RecordingServer

pytestmark = pytest.mark.skipif(not LAMBDA_CELL, reason="only in the Lambda-like matrix cell")

CREDENTIAL_NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


@pytest.fixture
def lambda_credentials(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    missing = [name for name in CREDENTIAL_NAMES if name not in CELL_CREDENTIALS]
    assert not missing, f"the Lambda cell started without {missing} in the environment"
    for name, value in CELL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return dict(CELL_CREDENTIALS)


def test_the_environment_credentials_are_really_visible(
    lambda_credentials: dict[str, str],
) -> None:
    credentials = boto3.Session().get_credentials()
    assert credentials is not None
    assert credentials.method == "env"
    assert credentials.access_key == lambda_credentials["AWS_ACCESS_KEY_ID"]


def test_no_credential_reaches_the_participant_service(
    lambda_credentials: dict[str, str], recording_server: RecordingServer
) -> None:
    cpx.install()
    client = boto3.client("connectparticipant", endpoint_url=recording_server.url)
    client.describe_view(ViewToken="view-token", ConnectionToken="connection-token")

    request = recording_server.only_request()
    wire = " ".join([request.path, repr(request.headers), request.body.decode("utf-8", "replace")])
    leaked = [name for name, value in lambda_credentials.items() if value in wire]
    assert leaked == [], f"{leaked} reached the wire"
    assert "authorization" not in request.headers
    assert request.headers.get("x-amz-bearer") == "connection-token"


def test_other_services_still_sign_with_the_environment_credentials(
    lambda_credentials: dict[str, str], recording_server: RecordingServer
) -> None:
    cpx.install()
    # A JSON-protocol service, so the recorder's empty JSON answer parses.
    client = boto3.client("dynamodb", endpoint_url=recording_server.url)
    client.list_tables()
    request = recording_server.only_request()
    assert lambda_credentials["AWS_ACCESS_KEY_ID"] in request.headers["authorization"]
    assert request.headers["x-amz-security-token"] == lambda_credentials["AWS_SESSION_TOKEN"]


def test_boto3_is_the_old_one_of_the_cell() -> None:
    assert boto3.__version__ == os.environ.get("CPX_MATRIX_BOTO3")
