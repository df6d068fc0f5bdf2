"""``cpx`` exit codes, its own errors, and turning any failure into one clear line.

Exit codes
----------
0
    Success.
1
    Unexpected internal error (a bug: please report it; ``--debug`` shows the traceback).
2
    Usage error: bad or missing arguments, a missing or malformed token, invalid settings.
3
    The service answered with an error (validation, not found, conflict, throttled...).
4
    Access denied: the token is wrong, expired, or of the wrong kind (participant vs connection).
5
    Network error: the endpoint could not be reached or did not answer in time.
6
    Local file error: a file is missing, unreadable, refused by the attachment limits, or a
    target could not be written.
7
    The chat ended (``watch`` after the end, ``send`` to an ended chat).
130
    Interrupted (Ctrl-C).
"""

from __future__ import annotations

from typing import Any

from boto3_connectparticipant_ext.errors import ConnectParticipantExtError
from boto3_connectparticipant_ext.redact import redact_text

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_SERVICE = 3
EXIT_ACCESS_DENIED = 4
EXIT_NETWORK = 5
EXIT_LOCAL_FILE = 6
EXIT_CHAT_ENDED = 7
EXIT_INTERRUPTED = 130

_ACCESS_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "Forbidden"})


class CliError(ConnectParticipantExtError):
    """A failure ``cpx`` reports as one line with a documented exit code."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(CliError):
    """Bad or missing arguments (exit code 2)."""

    exit_code = EXIT_USAGE


class LocalFileError(CliError):
    """A local file cannot be read or written (exit code 6)."""

    exit_code = EXIT_LOCAL_FILE


def describe_failure(error: BaseException) -> tuple[int, str]:
    """Return ``(exit code, one-line message)`` for any error, with secrets redacted.

    Examples
    --------
    >>> describe_failure(UsageError("no token"))
    (2, 'no token')
    >>> describe_failure(FileNotFoundError(2, "No such file or directory", "a.pdf"))
    (6, "No such file or directory: 'a.pdf'")
    """
    code, message = _classify(error)
    message = " ".join(redact_text(message).split())
    return code, message or type(error).__name__


def _classify(error: BaseException) -> tuple[int, str]:
    if isinstance(error, CliError):
        return error.exit_code, str(error)
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted"
    botocore_failure = _classify_botocore(error)
    if botocore_failure is not None:
        return botocore_failure
    package_failure = _classify_package_error(error)
    if package_failure is not None:
        return package_failure
    if isinstance(error, OSError):
        text = f"{error.strerror}: {error.filename!r}" if error.filename else str(error)
        return EXIT_LOCAL_FILE, text
    return EXIT_INTERNAL, f"unexpected error ({type(error).__name__}): {error}"


def _classify_botocore(error: BaseException) -> tuple[int, str] | None:
    from botocore import exceptions

    if isinstance(error, exceptions.ClientError):
        details: dict[str, Any] = error.response.get("Error", {})
        code = str(details.get("Code", "Error"))
        operation = getattr(error, "operation_name", "the call")
        text = f"{operation} failed: {code}: {details.get('Message', '')}".rstrip(": ")
        if code in _ACCESS_DENIED_CODES:
            return (
                EXIT_ACCESS_DENIED,
                text + " (the token is wrong, expired or of the other kind, or the chat has ended)",
            )
        return EXIT_SERVICE, text
    if isinstance(error, exceptions.ParamValidationError):
        return EXIT_USAGE, str(error)
    if isinstance(
        error,
        (
            exceptions.EndpointConnectionError,
            exceptions.ConnectTimeoutError,
            exceptions.ReadTimeoutError,
            exceptions.ConnectionClosedError,
            exceptions.ProxyConnectionError,
            exceptions.SSLError,
        ),
    ):
        return EXIT_NETWORK, str(error)
    if isinstance(error, (exceptions.NoRegionError, exceptions.InvalidEndpointConfigurationError)):
        return EXIT_USAGE, f"{error} (pass --region or set AWS_REGION)"
    if isinstance(error, getattr(exceptions, "InvalidRegionError", ())):
        return EXIT_USAGE, str(error)
    if isinstance(error, exceptions.BotoCoreError):
        return EXIT_INTERNAL, str(error)
    return None


# The package's own errors, by class name (the names are part of each area's public API).
_LOCAL_FILE_ERRORS = frozenset(
    {
        "AttachmentFileError",
        "AttachmentTooLargeError",
        "AttachmentTypeNotAllowedError",
        "ContentTypeUnknownError",
        "InvalidAttachmentNameError",
        "StreamNotSupportedError",
        "TargetPathError",
        "TargetExistsError",
    }
)
_NETWORK_ERRORS = frozenset(
    {"TransferFailedError", "UploadFailedError", "DownloadFailedError", "ChatConnectionError"}
)
_CHAT_ENDED_ERRORS = frozenset({"ChatEndedError"})


def _classify_package_error(error: BaseException) -> tuple[int, str] | None:
    if not isinstance(error, ConnectParticipantExtError):
        return None
    names = {cls.__name__ for cls in type(error).__mro__}
    if names & _CHAT_ENDED_ERRORS:
        return EXIT_CHAT_ENDED, str(error)
    if names & _LOCAL_FILE_ERRORS:
        return EXIT_LOCAL_FILE, str(error)
    if names & _NETWORK_ERRORS or isinstance(error, ConnectionError):
        return EXIT_NETWORK, str(error)
    if isinstance(error, (ValueError, ImportError)):
        return EXIT_USAGE, str(error)
    return EXIT_SERVICE, str(error)
