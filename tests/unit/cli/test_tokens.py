"""Token sources of ``cpx``: flag, environment, stdin; never shown in reprs."""

from __future__ import annotations

import io

import pytest

from boto3_connectparticipant_ext.cli._errors import UsageError
from boto3_connectparticipant_ext.cli._tokens import Tokens, resolve_tokens


class FakeStdin(io.StringIO):
    def __init__(self, text: str, *, tty: bool = False) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_flag_beats_environment() -> None:
    tokens = resolve_tokens(
        connection_flag="from-flag",
        participant_flag=None,
        environ={"CPX_CONNECTION_TOKEN": "from-env", "CPX_PARTICIPANT_TOKEN": "p-env"},
        stdin=FakeStdin(""),
    )
    assert tokens == Tokens(connection_token="from-flag", participant_token="p-env")


def test_dash_reads_one_line_from_stdin() -> None:
    stdin = FakeStdin("token-from-stdin\nrest is not read\n")
    tokens = resolve_tokens(connection_flag="-", participant_flag=None, environ={}, stdin=stdin)
    assert tokens.connection_token == "token-from-stdin"
    assert stdin.read() == "rest is not read\n"


def test_dash_on_a_terminal_prompts_without_echo(monkeypatch: pytest.MonkeyPatch) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return "typed-token"

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    tokens = resolve_tokens(
        connection_flag=None, participant_flag="-", environ={}, stdin=FakeStdin("", tty=True)
    )
    assert tokens.participant_token == "typed-token"
    assert prompts == ["participant token: "]


@pytest.mark.parametrize(
    ("connection", "participant", "stdin", "message"),
    [
        ("-", "-", "x\n", "only one token"),
        ("-", None, "", "stdin is empty"),
        ("   ", None, "", "is empty"),
        ("two words", None, "", "whitespace"),
    ],
)
def test_bad_tokens_are_usage_errors(
    connection: str, participant: str | None, stdin: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message) as raised:
        resolve_tokens(
            connection_flag=connection, participant_flag=participant, environ={},
            stdin=FakeStdin(stdin),
        )  # fmt: skip
    assert raised.value.exit_code == 2


def test_empty_environment_variable_counts_as_unset() -> None:
    tokens = resolve_tokens(
        connection_flag=None,
        participant_flag=None,
        environ={"CPX_CONNECTION_TOKEN": "", "CPX_PARTICIPANT_TOKEN": "p"},
        stdin=FakeStdin(""),
    )
    assert tokens == Tokens(participant_token="p")


def test_repr_hides_tokens() -> None:
    text = repr(Tokens(connection_token="secret-connection", participant_token="secret-p"))
    assert "secret" not in text


def test_control_characters_and_non_latin1_are_refused_without_echo() -> None:
    for bad in ("QVFJ\x00SECRET", "QVFJ\x1b[2JSECRET", "QVFJ\u2028SECRET"):
        with pytest.raises(UsageError) as caught:
            resolve_tokens(
                connection_flag=bad, participant_flag=None, environ={}, stdin=FakeStdin("")
            )
        assert "QVFJ" not in str(caught.value) and "SECRET" not in str(caught.value)
