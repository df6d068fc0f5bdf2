"""Test-wide isolation: no AWS credentials, config files or metadata endpoint leak in.

Tests that need credentials in the environment ask for ``credentials_in_env``.
Every test ends with the plugin uninstalled and boto3's default session reset.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The matrix's Lambda cell runs the whole suite with credentials in the environment, as
# AWS Lambda has them: keep them there (tests still prove they never reach the wire).
LAMBDA_CELL_CREDENTIALS = (
    {
        name: os.environ[name]
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
        if name in os.environ
    }
    if os.environ.get("CPX_MATRIX_LAMBDA") == "1"
    else {}
)

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLEEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLESESSIONTOKEN",
}


@pytest.fixture(autouse=True)
def isolated_aws_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    import boto3

    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith(("AWS_", "BOTO_", "BOTOCORE_")):
            del os.environ[name]
    empty = tmp_path_factory.mktemp("aws-config")
    (empty / "config").write_text("")
    (empty / "credentials").write_text("")
    os.environ["AWS_CONFIG_FILE"] = str(empty / "config")
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(empty / "credentials")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    os.environ.update(LAMBDA_CELL_CREDENTIALS)
    boto3.DEFAULT_SESSION = None
    try:
        yield
    finally:
        import boto3_connectparticipant_ext

        boto3_connectparticipant_ext.uninstall()
        boto3.DEFAULT_SESSION = None
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def credentials_in_env() -> dict[str, str]:
    """Put (fake) AWS credentials in the environment, as AWS Lambda does."""
    os.environ.update(FAKE_CREDENTIALS)
    return dict(FAKE_CREDENTIALS)


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
