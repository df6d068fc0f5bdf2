"""Throwaway virtualenvs for tests that need a different botocore than the dev venv.

awscli and aiobotocore pin botocore exactly, and the Lambda test wants an old boto3, so those tests
run their code in a separate interpreter. Building a venv costs seconds even with uv, so each one
is cached under a directory named after a hash of (interpreter version, requirements): a rerun
reuses it, a changed requirement set gets a new one, and a fresh machine builds what it needs.

Our own package is never installed into these venvs; tests put the work tree on ``sys.path``
(``PYTHONPATH`` or awscli's ``cli_legacy_plugin_path``), so editing the code never invalidates the
cache.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
PYENV_VERSIONS = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"

# Bump when the layout of a cached venv changes, so old caches are not trusted.
_SCHEMA = 1
_COMPLETE_MARKER = ".cpx-venv-complete"


def cache_root() -> Path:
    """Return where cached venvs live (``$XDG_CACHE_HOME/cpx-test-venvs`` or ``~/.cache/...``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cpx-test-venvs"


def uv_executable() -> str:
    """Return the uv binary next to the running interpreter, else the one on PATH."""
    beside = Path(sys.executable).with_name("uv")
    if beside.exists():
        return str(beside)
    found = shutil.which("uv")
    if found is None:
        pytest.skip("uv is not available to build throwaway virtualenvs")
    return found


def find_python(minor: str) -> str:
    """Return an interpreter for ``3.X`` (``minor="3.11"``): pyenv's, else one on PATH.

    Skips the test when none exists on this machine.
    """
    candidates = sorted(PYENV_VERSIONS.glob(f"{minor}.*/bin/python{minor}"))
    if candidates:
        return str(candidates[-1])
    found = shutil.which(f"python{minor}")
    if found is None:
        pytest.skip(f"no Python {minor} interpreter on this machine")
    return found


def _interpreter_version(python: str) -> str:
    return subprocess.run(
        [python, "-c", "import sys; print(sys.version)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _venv_key(python_version: str, requirements: Sequence[str]) -> str:
    payload = json.dumps(
        {"schema": _SCHEMA, "python": python_version, "requirements": sorted(requirements)}
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def venv_python(venv: Path) -> Path:
    """Return the interpreter inside ``venv``."""
    return venv / "bin" / "python"


def ensure_venv(*, requirements: Sequence[str], python: str) -> Path:
    """Return a venv with ``requirements`` installed for ``python``, building it if needed.

    Concurrent callers (pytest-xdist, two terminals) wait on a lock instead of racing; a build that
    died half-way has no completion marker and is rebuilt from scratch.
    """
    key = _venv_key(_interpreter_version(python), requirements)
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / key
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / _COMPLETE_MARKER).exists():
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        uv = uv_executable()
        env = {**os.environ, "UV_NO_PROGRESS": "1"}
        env.pop("VIRTUAL_ENV", None)
        _run([uv, "venv", "--quiet", "--python", python, str(venv)], env=env)
        if requirements:
            _run(
                [
                    uv,
                    "pip",
                    "install",
                    "--quiet",
                    "--python",
                    str(venv_python(venv)),
                    *requirements,
                ],
                env=env,
            )
        (venv / "requirements.json").write_text(json.dumps(sorted(requirements), indent=1))
        (venv / _COMPLETE_MARKER).write_text("ok\n")
        return venv


def _run(command: list[str], *, env: dict[str, str]) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(
            f"building a test venv failed: {' '.join(command)}\n{completed.stdout}\n"
            f"{completed.stderr}"
        )
