"""AWS CLI v1 plugin: ``aws connectparticipant ...`` with bearer tokens only.

Enable it once (the package must be importable by the ``aws`` command's Python)::

    aws configure set plugins.connectparticipant boto3_connectparticipant_ext.awscli

Then ``aws connectparticipant get-transcript --connection-token ...`` needs no AWS credentials,
knows every operation of our model (``describe-view``, ``get-authentication-url``, ...), paginates
``get-transcript`` (``--starting-token``, ``--max-items``, ``--page-size``) and keeps tokens out
of ``--debug`` output.

How: :func:`awscli_initialize` activates the package process-wide (:func:`install`), and because
the CLI reads service models before it creates any client, it also points the CLI's own session at
our model as soon as the session is known (``building-command-table.main`` and
``session-initialized``). The CLI logs its raw argument list in ``--debug`` mode, where a token
given as ``--connection-token VALUE`` has no key the generic redaction recognises, so the token
values found on the command line are also removed, literally, from every log record.

Examples
--------
>>> import botocore.hooks
>>> awscli_initialize(botocore.hooks.HierarchicalEmitter())  # what the aws command does
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Sequence
from typing import Any

from ._plugin import install, prepare_session
from .model import SERVICE_NAME
from .redact import REDACTED, clean_record_message, secrets_allowed_in_logs

_HANDLER_ID = "boto3-connectparticipant-ext-awscli"
# Options whose value is a bearer token (``--opt VALUE`` and ``--opt=VALUE``).
_TOKEN_OPTIONS = ("--connection-token", "--participant-token")
# A value this short is not a real token; replacing it literally would mangle log text.
_MIN_SECRET_LENGTH = 8


def awscli_initialize(cli: Any) -> None:
    """Entry point the AWS CLI v1 calls with its event emitter when it loads plugins.

    Examples
    --------
    >>> import botocore.hooks
    >>> awscli_initialize(botocore.hooks.HierarchicalEmitter())
    """
    install()
    _start_redacting_command_line_secrets(sys.argv[1:])
    for event in ("building-command-table.main", "session-initialized"):
        cli.register(event, _prepare_cli_session, unique_id=f"{_HANDLER_ID}-{event}")


def _prepare_cli_session(session: Any = None, **_: Any) -> None:
    if session is not None:
        prepare_session(session)


def command_line_secrets(arguments: Sequence[str]) -> list[str]:
    """Return the token values given on an ``aws connectparticipant`` command line.

    Examples
    --------
    >>> command_line_secrets(["connectparticipant", "get-transcript",
    ...                       "--connection-token", "abcdefgh12345", "--max-items=5"])
    ['abcdefgh12345']
    >>> command_line_secrets(["s3", "ls", "--connection-token", "abcdefgh12345"])
    []
    """
    if SERVICE_NAME not in arguments:
        return []
    secrets = []
    for index, argument in enumerate(arguments):
        for option in _TOKEN_OPTIONS:
            if argument == option and index + 1 < len(arguments):
                secrets.append(arguments[index + 1])
            elif argument.startswith(option + "="):
                secrets.append(argument[len(option) + 1 :])
    return [secret for secret in secrets if len(secret) >= _MIN_SECRET_LENGTH]


class _LiteralSecretRedactor:
    """A log-record factory that replaces known secret strings, chained to the previous one."""

    def __init__(self, previous: Any, secrets: Sequence[str]) -> None:
        self.previous = previous
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted(set(secrets), key=len, reverse=True)

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.previous(*args, **kwargs)
        clean_record_message(record, self._without_secrets)
        return record

    def _without_secrets(self, message: str) -> str:
        for secret in self.secrets:
            message = message.replace(secret, REDACTED)
        return message


_redactor_lock = threading.Lock()


def _start_redacting_command_line_secrets(arguments: Sequence[str]) -> None:
    secrets = command_line_secrets(arguments)
    if not secrets or secrets_allowed_in_logs():
        return
    with _redactor_lock:
        current = logging.getLogRecordFactory()
        if isinstance(current, _LiteralSecretRedactor):
            current.secrets = sorted(set(current.secrets) | set(secrets), key=len, reverse=True)
            return
        logging.setLogRecordFactory(_LiteralSecretRedactor(current, secrets))
