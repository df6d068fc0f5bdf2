"""How ``cpx`` turns failures into (exit code, one line)."""

from __future__ import annotations

import botocore.exceptions
import pytest

from boto3_connectparticipant_ext.cli import _errors
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError
from boto3_connectparticipant_ext.transfer import errors as transfer_errors


def _client_error(code: str, message: str) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": message}}, "SendMessage"
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_client_error("AccessDeniedException", "no"), _errors.EXIT_ACCESS_DENIED),
        (_client_error("ValidationException", "bad"), _errors.EXIT_SERVICE),
        (_client_error("ThrottlingException", "slow down"), _errors.EXIT_SERVICE),
        (
            botocore.exceptions.EndpointConnectionError(endpoint_url="http://x"),
            _errors.EXIT_NETWORK,
        ),
        (botocore.exceptions.ReadTimeoutError(endpoint_url="http://x"), _errors.EXIT_NETWORK),
        (botocore.exceptions.ParamValidationError(report="missing"), _errors.EXIT_USAGE),
        (botocore.exceptions.NoRegionError(), _errors.EXIT_USAGE),
        (FileNotFoundError(2, "No such file", "a.pdf"), _errors.EXIT_LOCAL_FILE),
        (transfer_errors.AttachmentTooLargeError(size=10, limit=5), _errors.EXIT_LOCAL_FILE),
        (transfer_errors.TargetExistsError("exists"), _errors.EXIT_LOCAL_FILE),
        (transfer_errors.TransferConfigError("bad"), _errors.EXIT_USAGE),
        (
            transfer_errors.UploadFailedError(action="upload", attempts=3, last_error="reset"),
            _errors.EXIT_NETWORK,
        ),
        (transfer_errors.ChatEndedError("ended"), _errors.EXIT_CHAT_ENDED),
        (transfer_errors.AttachmentRejectedError(attachment_id="a1"), _errors.EXIT_SERVICE),
        (ConnectParticipantExtError("other"), _errors.EXIT_SERVICE),
        (KeyboardInterrupt(), _errors.EXIT_INTERRUPTED),
        (RuntimeError("bug"), _errors.EXIT_INTERNAL),
    ],
)
def test_exit_codes(error: BaseException, expected: int) -> None:
    code, message = _errors.describe_failure(error)
    assert code == expected
    assert message and "\n" not in message


def test_messages_are_one_line_and_redacted() -> None:
    error = _client_error(
        "ValidationException", 'bad request\n{"ConnectionToken": "SECRETVALUE123"}'
    )
    code, message = _errors.describe_failure(error)
    assert code == _errors.EXIT_SERVICE
    assert "SECRETVALUE123" not in message
    assert "\n" not in message
    assert message.startswith("SendMessage failed: ValidationException: bad request")
