"""The AWS SDK for JavaScript v3 (pinned in conformance/package-lock.json) against the emulator.

Every participant operation, every modeled error the emulator can produce (through
the SDK's own exception classes) and the SDK's GetTranscript paginator.
"""

from __future__ import annotations

import pytest

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import Check, assert_check, run_script

OPERATIONS = (
    "StartChatContact",
    "CreateParticipantConnection",
    "SendMessage",
    "SendEvent",
    "GetTranscript",
    "GetTranscript paginator",
    "StartAttachmentUpload",
    "CompleteAttachmentUpload",
    "GetAttachment",
    "DescribeView",
    "GetAuthenticationUrl",
    "CancelParticipantAuthentication",
    "DisconnectParticipant",
)
ERRORS = (
    "AccessDeniedException",
    "ValidationException",
    "ThrottlingException",
    "ServiceQuotaExceededException",
    "ConflictException",
    "ResourceNotFoundException",
    "InternalServerException",
    "AccessDeniedException after DisconnectParticipant",
    "SDK retries a throttled call",
)


@pytest.fixture(scope="module")
def checks(emulator: Emulator) -> dict[str, Check]:
    return run_script("sdk.js", emulator, timeout=90)


@pytest.mark.parametrize("name", OPERATIONS + ERRORS)
def test_js_sdk(checks: dict[str, Check], name: str) -> None:
    assert_check(checks, name)


def test_every_check_is_listed_here(checks: dict[str, Check]) -> None:
    assert set(checks) == set(OPERATIONS + ERRORS)
