"""Run the real ``cpx`` command in a subprocess against an emulator on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]


@dataclasses.dataclass
class Chat:
    """A chat in the emulator: the customer's tokens and an agent who can talk."""

    emulator: Any
    contact_id: str
    participant_token: str
    agent_id: str

    def agent_says(self, text: str) -> str:
        return str(self.emulator.send_message(self.contact_id, self.agent_id, text))

    def transcript(self) -> list[dict[str, Any]]:
        return list(self.emulator.transcript(self.contact_id))


@dataclasses.dataclass
class Cpx:
    """``cpx`` in a subprocess, with the endpoint and the chat's participant token in its env."""

    env: dict[str, str]
    cwd: Path

    def run(
        self,
        *arguments: str,
        stdin: Optional[str] = None,
        env: Optional[dict[str, str]] = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "boto3_connectparticipant_ext", *arguments],
            input=stdin if stdin is not None else "",
            env={**self.env, **(env or {})},
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def ok(self, *arguments: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        completed = self.run(*arguments, **kwargs)
        assert completed.returncode == 0, (completed.returncode, completed.stderr)
        return completed


@pytest.fixture
def emulator() -> Iterator[Any]:
    from boto3_connectparticipant_ext.emulator import Emulator

    with Emulator() as emu:
        yield emu


@pytest.fixture
def chat(emulator: Any) -> Chat:
    started = emulator.start_chat(display_name="Jane")
    agent = emulator.add_participant(started["ContactId"], role="AGENT", display_name="Ann")
    return Chat(
        emulator=emulator,
        contact_id=started["ContactId"],
        participant_token=started["ParticipantToken"],
        agent_id=agent["ParticipantId"],
    )


@pytest.fixture
def cpx(emulator: Any, chat: Chat, tmp_path: Path) -> Cpx:
    env = {
        name: value for name, value in os.environ.items() if not name.startswith(("CPX_", "PYTHON"))
    }
    env.update(
        CPX_ENDPOINT_URL=emulator.endpoint_url,
        CPX_PARTICIPANT_TOKEN=chat.participant_token,
        PYTHONPATH=str(REPO_ROOT),
    )
    return Cpx(env=env, cwd=tmp_path)
