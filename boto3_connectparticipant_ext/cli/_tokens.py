"""Where ``cpx`` takes its tokens from: a flag, an environment variable or stdin.

Order of precedence: ``--connection-token``/``--participant-token`` (the value ``-`` reads one
line from stdin, without echo when stdin is a terminal), then ``CPX_CONNECTION_TOKEN`` /
``CPX_PARTICIPANT_TOKEN``. A flag is visible to other users in the process list, so the
environment or stdin is the better choice on shared machines.
"""

from __future__ import annotations

import dataclasses
import getpass
import os
import sys
from typing import TextIO

from boto3_connectparticipant_ext._validation import token_argument
from boto3_connectparticipant_ext.cli._errors import UsageError
from boto3_connectparticipant_ext.redact import mask

CONNECTION_TOKEN_ENV = "CPX_CONNECTION_TOKEN"
PARTICIPANT_TOKEN_ENV = "CPX_PARTICIPANT_TOKEN"
STDIN_MARKER = "-"


@dataclasses.dataclass(frozen=True)
class Tokens:
    """The tokens a command was given. Its repr never shows them.

    Examples
    --------
    >>> Tokens(connection_token="secret-value")
    Tokens(connection_token=<redacted:12 chars>, participant_token=None)
    """

    connection_token: str | None = None
    participant_token: str | None = None

    def __repr__(self) -> str:
        return (
            f"Tokens(connection_token={mask(self.connection_token)}, "
            f"participant_token={mask(self.participant_token)})"
        )


def resolve_tokens(
    *,
    connection_flag: str | None,
    participant_flag: str | None,
    environ: dict[str, str] | None = None,
    stdin: TextIO | None = None,
) -> Tokens:
    """Return the tokens from flags, else from the environment (see the module docstring).

    Examples
    --------
    >>> resolve_tokens(connection_flag=None, participant_flag=None,
    ...                environ={"CPX_CONNECTION_TOKEN": "abc"}).connection_token
    'abc'
    """
    environ = dict(os.environ) if environ is None else environ
    stdin = sys.stdin if stdin is None else stdin
    if connection_flag == STDIN_MARKER and participant_flag == STDIN_MARKER:
        raise UsageError("only one token can be read from stdin")
    connection = _one_token(
        "--connection-token", connection_flag, environ.get(CONNECTION_TOKEN_ENV), stdin
    )
    participant = _one_token(
        "--participant-token", participant_flag, environ.get(PARTICIPANT_TOKEN_ENV), stdin
    )
    return Tokens(connection_token=connection, participant_token=participant)


def _one_token(
    flag: str, given: str | None, from_environment: str | None, stdin: TextIO
) -> str | None:
    if given == STDIN_MARKER:
        value = _read_stdin(flag, stdin)
    elif given is not None:
        value = given
    elif from_environment:  # an empty variable counts as unset, as shells usually mean it
        value = from_environment
    else:
        return None
    value = value.strip()
    if not value:
        raise UsageError(f"the token for {flag} is empty")
    if any(character.isspace() for character in value):
        raise UsageError(f"the token for {flag} contains whitespace; is it the right value?")
    return token_argument(value, name=f"the token for {flag}", error=UsageError)


def _read_stdin(flag: str, stdin: TextIO) -> str:
    if stdin.isatty():
        return getpass.getpass(f"{flag.lstrip('-').replace('-', ' ')}: ")
    line = stdin.readline()
    if not line:
        raise UsageError(f"{flag} - was given but stdin is empty")
    return line
