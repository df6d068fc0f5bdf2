"""Fixtures for the ecosystem tests: the emulator, and environments for child processes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ._venvs import REPO_ROOT


@pytest.fixture
def emulator() -> Iterator[Any]:
    """A running emulator on 127.0.0.1 (port 0) for child processes to talk to."""
    from boto3_connectparticipant_ext.emulator import Emulator

    with Emulator() as emu:
        yield emu


def child_environment(home: Path, **extra: str) -> dict[str, str]:
    """Return a scrubbed environment for a child process: its own HOME, no AWS credentials.

    The autouse fixture in ``tests/conftest.py`` has already removed ``AWS_*`` variables from
    ``os.environ``; this also drops ``PYTHON*`` so nothing from the dev venv leaks in, and puts
    the work tree on ``PYTHONPATH`` (our package is never installed into throwaway venvs).
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "PYTHON", "VIRTUAL_ENV", "BOTO"))
    }
    env.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(home / ".aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONPATH=str(REPO_ROOT),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env
