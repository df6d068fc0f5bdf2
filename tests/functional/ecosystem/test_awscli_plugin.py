"""The real ``aws`` command (AWS CLI v1 from PyPI) with our plugin, against the emulator.

awscli pins botocore exactly, so each awscli release runs in its own cached venv:
1.29.30 bundles botocore 1.31.30 (older than DescribeView and GetAuthenticationUrl), and 1.46.2
vendors a recent botocore inside the awscli package. HOME and AWS_CONFIG_FILE point at a temp dir,
no AWS credentials exist, and the plugin is enabled the documented way
(``aws configure set plugins.connectparticipant boto3_connectparticipant_ext.awscli``).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ._venvs import ensure_venv, find_python
from .conftest import child_environment

pytestmark = pytest.mark.slow

AWSCLI_RELEASES = ("1.29.30", "1.46.2")
SIGV4_HEADERS = ("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256")


class AwsCommand:
    """Runs ``aws`` from a throwaway venv in an isolated HOME, against one endpoint."""

    def __init__(self, venv: Path, home: Path, endpoint_url: str) -> None:
        self.executable = str(venv / "bin" / "aws")
        self.endpoint_url = endpoint_url
        self.env = child_environment(home, AWS_DEFAULT_REGION="us-east-1")

    def run(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [self.executable, *arguments]
        if arguments[0] == "connectparticipant":
            command += ["--endpoint-url", self.endpoint_url]
        completed = subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=60
        )
        if check and completed.returncode != 0:
            raise AssertionError(
                f"aws {' '.join(arguments[:2])} exited {completed.returncode}: {completed.stderr}"
            )
        return completed

    def json(self, *arguments: str) -> Any:
        return json.loads(self.run(*arguments).stdout)


@pytest.fixture(params=AWSCLI_RELEASES, ids=lambda release: f"awscli-{release}")
def awscli_venv(request: pytest.FixtureRequest) -> Path:
    return ensure_venv(
        requirements=[f"awscli=={request.param}", "wrapt"], python=find_python("3.11")
    )


@pytest.fixture
def aws(awscli_venv: Path, tmp_path: Path, emulator: Any) -> AwsCommand:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    return AwsCommand(awscli_venv, home, emulator.endpoint_url)


def _enable_plugin(aws: AwsCommand) -> None:
    aws.run("configure", "set", "plugins.connectparticipant", "boto3_connectparticipant_ext.awscli")
    config = Path(aws.env["AWS_CONFIG_FILE"]).read_text()
    assert "boto3_connectparticipant_ext.awscli" in config


def _connect(aws: AwsCommand, emulator: Any) -> tuple[dict[str, Any], str]:
    chat = emulator.start_chat(display_name="Customer")
    response = aws.json(
        "connectparticipant",
        "create-participant-connection",
        "--participant-token",
        chat["ParticipantToken"],
        "--type",
        "CONNECTION_CREDENTIALS",
    )
    return chat, response["ConnectionCredentials"]["ConnectionToken"]


def _assert_no_sigv4(emulator: Any) -> None:
    assert emulator.requests, "nothing reached the emulator"
    for request in emulator.requests:
        headers = {name.lower() for name in request.headers}
        assert "x-amz-bearer" in headers
        leaked = headers.intersection(SIGV4_HEADERS)
        assert not leaked, f"{request.operation} carried {leaked}"


def test_stock_aws_cli_needs_credentials(aws: AwsCommand, emulator: Any) -> None:
    # The baseline the plugin fixes: without it the CLI refuses to call at all.
    chat = emulator.start_chat(display_name="Customer")
    completed = aws.run(
        "connectparticipant",
        "create-participant-connection",
        "--participant-token",
        chat["ParticipantToken"],
        "--type",
        "CONNECTION_CREDENTIALS",
        check=False,
    )
    assert completed.returncode != 0
    assert "credentials" in completed.stderr.lower()
    assert emulator.requests == []


def test_calls_work_without_credentials_and_unsigned(aws: AwsCommand, emulator: Any) -> None:
    _enable_plugin(aws)
    _, connection_token = _connect(aws, emulator)
    sent = aws.json(
        "connectparticipant",
        "send-message",
        "--connection-token",
        connection_token,
        "--content",
        "hello from the aws command",
        "--content-type",
        "text/plain",
    )
    assert sent["Id"]
    transcript = aws.json(
        "connectparticipant", "get-transcript", "--connection-token", connection_token
    )
    contents = [item.get("Content") for item in transcript["Transcript"]]
    assert "hello from the aws command" in contents
    _assert_no_sigv4(emulator)


def test_new_operations_are_known(aws: AwsCommand, emulator: Any) -> None:
    _enable_plugin(aws)
    _, connection_token = _connect(aws, emulator)
    help_text = aws.run("connectparticipant", "help", check=False).stdout
    for operation in (
        "describe-view",
        "get-authentication-url",
        "cancel-participant-authentication",
    ):
        assert operation in help_text
    # The view does not exist in the emulator: the point is that the CLI knows the operation
    # and sends it over the wire unsigned, instead of answering "Invalid choice".
    completed = aws.run(
        "connectparticipant",
        "describe-view",
        "--view-token",
        "no-such-view",
        "--connection-token",
        connection_token,
        check=False,
    )
    assert "Invalid choice" not in completed.stderr
    assert any(request.path.startswith("/participant/views/") for request in emulator.requests)
    _assert_no_sigv4(emulator)


def test_get_transcript_paginates(aws: AwsCommand, emulator: Any) -> None:
    _enable_plugin(aws)
    chat, connection_token = _connect(aws, emulator)
    agent = emulator.add_participant(chat["ContactId"], role="AGENT")
    for number in range(12):
        emulator.send_message(chat["ContactId"], agent["ParticipantId"], f"message {number}")
    base = ("connectparticipant", "get-transcript", "--connection-token", connection_token)

    everything = aws.json(*base, "--page-size", "4")
    all_ids = [item["Id"] for item in everything["Transcript"]]
    assert len(all_ids) == len(set(all_ids)) >= 12
    transcript_calls = [r for r in emulator.requests if r.operation == "GetTranscript"]
    assert len(transcript_calls) >= 3, "the CLI did not follow NextToken page by page"

    first = aws.json(*base, "--max-items", "5")
    assert len(first["Transcript"]) == 5
    second = aws.json(*base, "--max-items", "5", "--starting-token", first["NextToken"])
    assert len(second["Transcript"]) == 5
    paged_ids = [item["Id"] for item in first["Transcript"] + second["Transcript"]]
    assert paged_ids == all_ids[:10]


def test_debug_output_contains_no_token(aws: AwsCommand, emulator: Any) -> None:
    _enable_plugin(aws)
    chat = emulator.start_chat(display_name="Customer")
    participant_token = chat["ParticipantToken"]
    completed = aws.run(
        "connectparticipant",
        "create-participant-connection",
        "--participant-token",
        participant_token,
        "--type",
        "CONNECTION_CREDENTIALS",
        "WEBSOCKET",
        "--debug",
    )
    response = json.loads(completed.stdout)
    connection_token = response["ConnectionCredentials"]["ConnectionToken"]
    websocket_url = response["Websocket"]["Url"]
    debug = completed.stderr
    assert "X-Amz-Bearer" in debug, "the debug log no longer shows request headers"
    assert participant_token not in debug
    assert connection_token not in debug
    assert websocket_url not in debug

    completed = aws.run(
        "connectparticipant",
        "get-transcript",
        f"--connection-token={connection_token}",
        "--debug",
    )
    assert connection_token not in completed.stderr
    assert "Arguments entered to CLI" in completed.stderr
