"""The compatibility matrix: botocore x Python x wrapt, one pinned environment per cell.

Every cell installs the package non-editable from this source tree into its own virtualenv,
pinned exactly by ``requirements/matrix/<cell>.txt``, and runs :data:`TEST_PATHS` there with the
AWS environment isolated.

Examples
--------
Run every cell, two at a time (what ``make matrix`` does), or one at a time::

    nox -s matrix
    nox -s matrix -j 1

Run one cell, list them, re-pin them after changing :data:`CELLS`::

    nox -s cell-py3.9-botocore1.29.0-wrapt1
    nox -l
    nox -s matrix-lock

Extra arguments go to pytest: ``nox -s cell-py3.11-botocore1.44.5-wrapt2 -- -k guards``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
LOCK_DIR = ROOT / "requirements" / "matrix"
PACKAGE_NAME = "boto3-connectparticipant-ext"

# What every cell runs, relative to the repository root. A missing path is skipped with a note
# (the suites arrive as the areas land), except tests/compat, which must exist.
TEST_PATHS = (
    "tests/functional/core",
    "tests/compat",
    "tests/functional/emulator",
    "tests/functional/helpers",
    "tests/unit/chat",  # the chat engines' rules on every Python and botocore of the matrix
)
REQUIRED_TEST_PATHS = ("tests/compat",)

WRAPT_PINS = {"1": "1.17.3", "2": "2.5.2"}

# Top-level requirements of a cell beside botocore, boto3 and wrapt; the lock resolves the
# newest versions of these that support the cell's Python and pins them exactly.
TEST_TOOLS = (
    "aiohttp>=3.8",
    "websockets>=12",
    "pytest>=7",
    "pytest-timeout>=2",
    "hypothesis>=6",
    # S3 semantics of presigned URLs are tested against moto's server mode.
    "moto[server]>=5",
)

# Lambda-like credentials: recognisable fakes, so a test can prove none of them reaches the wire.
LAMBDA_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "ASIAMATRIXLAMBDA0001",
    "AWS_SECRET_ACCESS_KEY": "matrix-lambda-secret-access-key-do-not-send",
    "AWS_SESSION_TOKEN": "matrix-lambda-session-token-do-not-send",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "cpx-matrix",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
    "CPX_MATRIX_LAMBDA": "1",
}


@dataclass(frozen=True)
class Cell:
    """One pinned environment of the matrix."""

    python: str
    botocore: str
    boto3: str
    wrapt_major: str
    why: str
    lambda_like: bool = False

    @property
    def name(self) -> str:
        suffix = "-lambda" if self.lambda_like else ""
        return f"cell-py{self.python}-botocore{self.botocore}-wrapt{self.wrapt_major}{suffix}"

    @property
    def wrapt(self) -> str:
        return WRAPT_PINS[self.wrapt_major]

    @property
    def lock_file(self) -> Path:
        return LOCK_DIR / f"{self.name}.txt"

    def pins(self) -> tuple[str, ...]:
        return (f"botocore=={self.botocore}", f"boto3=={self.boto3}", f"wrapt=={self.wrapt}")


# boto3 trailed botocore by 3 minor versions before 1.34 (boto3 1.26.0 requires botocore
# >=1.29.0,<1.30.0; 1.28.38 requires >=1.31.38); from 1.34 the two share version numbers
# (boto3 1.34.17 requires botocore >=1.34.17,<1.35.0). Python support per the wheels'
# metadata: 1.29.0 lists 3.7-3.11, 1.31.38 and 1.34.17 up to 3.12, 1.35.83 up to 3.13;
# 1.44.5 requires >= 3.10. Together the cells cover every Python from 3.9 to 3.13.
CELLS = (
    Cell("3.9", "1.29.0", "1.26.0", "1", "oldest supported botocore"),
    Cell("3.11", "1.31.38", "1.28.38", "2", "before DescribeView"),
    Cell("3.10", "1.34.17", "1.34.17", "1", "before the SUPERVISOR role and the auth trait"),
    Cell("3.9", "1.35.83", "1.35.83", "2", "before the authentication operations"),
    Cell("3.13", "1.35.83", "1.35.83", "1", "before the authentication operations"),
    Cell("3.11", "1.40.11", "1.40.11", "1", "before WebRTC; Lambda-like", lambda_like=True),
    Cell("3.12", "1.41.5", "1.41.5", "2", "before SendMessage MessageMetadata"),
    Cell("3.9", "1.42.97", "1.42.97", "1", "last botocore for Python 3.9"),
    Cell("3.13", "1.42.97", "1.42.97", "2", "last botocore for Python 3.9"),
    Cell("3.11", "1.44.5", "1.44.5", "2", "newest"),
    Cell("3.13", "1.44.5", "1.44.5", "1", "newest"),
)

nox.options.default_venv_backend = "uv"
# Venvs are reused between runs; `uv pip sync` then makes each one match its lock exactly, so a
# changed pin is applied and a fresh clone builds everything from scratch.
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.download_python = "never"
nox.options.sessions = ["matrix"]
# Most of a cell's time is spent waiting on sockets and timers, so two cells share the two
# cores well (measured: 5 min instead of 10 for nine cells).
nox.options.parallel = 2


def _version_key(path: Path) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", path.parent.parent.name)
    return tuple(int(number) for number in numbers)


def find_interpreter(minor: str) -> str | None:
    """Return the newest pyenv (or PATH) interpreter for ``minor`` (``"3.9"``), or None."""
    roots = []
    try:
        pyenv_root = subprocess.run(
            ["pyenv", "root"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()
        roots.append(Path(pyenv_root))
    except (OSError, subprocess.SubprocessError):
        pass
    roots.append(Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")))
    for root in roots:
        candidates = sorted(
            (root / "versions").glob(f"{minor}.*/bin/python{minor}"), key=_version_key
        )
        # Only final releases: "3.9.18", not "3.9.0rc1" or "3.9-dev".
        finals = [c for c in candidates if re.fullmatch(r"\d+\.\d+\.\d+", c.parent.parent.name)]
        if finals:
            return str(finals[-1])
    return shutil.which(f"python{minor}")


INTERPRETERS = {cell.python: find_interpreter(cell.python) for cell in CELLS}


def _require_interpreter(session: nox.Session, minor: str) -> str:
    found = INTERPRETERS[minor]
    if found is None:
        session.error(
            f"Python {minor} not found: looked for $(pyenv root)/versions/{minor}.*/bin/"
            f"python{minor} and python{minor} on PATH. Install it with `pyenv install {minor}`"
        )
    return found


def _uv() -> str:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found is None:
            raise RuntimeError("uv is needed: pip install uv") from None
        return found


def _check_lock(session: nox.Session, cell: Cell) -> None:
    if not cell.lock_file.is_file():
        session.error(f"{cell.lock_file.relative_to(ROOT)} is missing: run `nox -s matrix-lock`")
    lines = set(cell.lock_file.read_text(encoding="utf-8").splitlines())
    stale = [pin for pin in cell.pins() if pin not in lines]
    if stale:
        session.error(
            f"{cell.lock_file.relative_to(ROOT)} does not pin {', '.join(stale)}: "
            "run `nox -s matrix-lock`"
        )


def _isolated_environment(session: nox.Session, cell: Cell) -> dict[str, str | None]:
    """Return the environment for pytest: no AWS settings from this machine leak in."""
    scratch = Path(session.create_tmp())
    home = scratch / "home"
    home.mkdir(exist_ok=True)
    empty = scratch / "empty-aws-file"
    empty.write_text("", encoding="utf-8")
    env: dict[str, str | None] = {
        name: None
        for name in os.environ
        if name.startswith(("AWS_", "BOTO_", "BOTOCORE_")) or name.startswith("CPX_")
    }
    env.update(
        {
            "AWS_CONFIG_FILE": str(empty),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty),
            "AWS_EC2_METADATA_DISABLED": "true",
            # botocore searches ~/.aws/models: an empty home keeps a developer's models out.
            "HOME": str(home),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": None,
            "PYTHONSAFEPATH": "1",
            # A developer's pytest settings must not change what a cell runs.
            "PYTEST_ADDOPTS": None,
            "PYTEST_PLUGINS": None,
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": None,
            "CPX_MATRIX_CELL": cell.name,
            "CPX_MATRIX_BOTOCORE": cell.botocore,
            "CPX_MATRIX_BOTO3": cell.boto3,
            "CPX_MATRIX_WRAPT": cell.wrapt,
        }
    )
    if cell.lambda_like:
        env.update(LAMBDA_ENVIRONMENT)
    return env


def _test_paths(session: nox.Session) -> list[str]:
    for required in REQUIRED_TEST_PATHS:
        if not (ROOT / required).is_dir():
            session.error(f"{required} is missing")
    present = []
    for path in TEST_PATHS:
        if (ROOT / path).is_dir():
            present.append(str(ROOT / path))
        else:
            session.log(f"note: {path} does not exist yet, not run")
    return present


def _run_cell(session: nox.Session, cell: Cell) -> None:
    _check_lock(session, cell)
    session.run_install("uv", "pip", "sync", "--quiet", str(cell.lock_file))
    # Non-editable, from the source tree; --reinstall-package makes uv rebuild it every run.
    session.install(
        "--quiet", "--no-deps", "--reinstall-package", PACKAGE_NAME, f"{PACKAGE_NAME} @ {ROOT}"
    )
    # The pinned cell must satisfy the package's declared dependency ranges.
    session.run_install("uv", "pip", "check")
    session.run(
        "python",
        "-I",  # isolated: the current directory (the source tree) is not on sys.path
        "-c",
        "import botocore, boto3, wrapt, boto3_connectparticipant_ext as p; "
        "print('botocore', botocore.__version__, 'boto3', boto3.__version__, "
        "'wrapt', wrapt.__version__, 'package at', p.__file__)",
    )
    env = _isolated_environment(session, cell)
    scratch = Path(session.create_tmp()) / "cwd"
    scratch.mkdir(exist_ok=True)
    started = time.monotonic()
    try:
        # Run from an empty directory: subprocesses the tests start (python -m ...) would
        # otherwise import the source tree from the current directory on Pythons without
        # PYTHONSAFEPATH.
        with session.chdir(scratch):
            session.run(
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                # The test folders are packages: the default "prepend" mode would put the
                # repository root first on sys.path and the source tree would shadow the
                # installed package.
                "--import-mode=append",
                f"--rootdir={ROOT}",
                "-c",
                str(ROOT / "pyproject.toml"),
                *_test_paths(session),
                *session.posargs,
                env=env,
            )
    finally:
        session.log(f"{cell.name}: pytest ran {time.monotonic() - started:.1f} s")


def _make_cell_session(cell: Cell) -> None:
    interpreter = INTERPRETERS[cell.python]
    doc = f"Python {cell.python}, botocore {cell.botocore}: {cell.why}."
    if interpreter is None:
        # Registered anyway, so the run fails with a message saying what to install.
        @nox.session(name=cell.name, python=False, tags=["cell"], allow_parallel=True)
        def missing_interpreter(session: nox.Session) -> None:
            _require_interpreter(session, cell.python)

        missing_interpreter.__doc__ = doc
        return

    @nox.session(
        name=cell.name, python=interpreter, venv_backend="uv", tags=["cell"], allow_parallel=True
    )
    def run_cell(session: nox.Session) -> None:
        _run_cell(session, cell)

    run_cell.__doc__ = doc


for _cell in CELLS:
    _make_cell_session(_cell)


@nox.session(python=False, requires=[cell.name for cell in CELLS])
def matrix(session: nox.Session) -> None:
    """Run every cell of the compatibility matrix (two at a time; `-j 1` for one at a time)."""
    session.log(f"all {len(CELLS)} cells passed")


@nox.session(name="matrix-lock", python=False)
def matrix_lock(session: nox.Session) -> None:
    """Re-resolve requirements/matrix/<cell>.txt (exact pins) for every cell."""
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    uv = _uv()
    wanted = {cell.lock_file for cell in CELLS}
    for stale in LOCK_DIR.glob("*.txt"):
        if stale not in wanted:
            stale.unlink()
    scratch = Path(session.create_tmp())
    for cell in CELLS:
        interpreter = _require_interpreter(session, cell.python)
        requirements = scratch / f"{cell.name}.in"
        requirements.write_text("\n".join((*cell.pins(), *TEST_TOOLS)) + "\n", encoding="utf-8")
        session.run(
            uv,
            "pip",
            "compile",
            "--quiet",
            "--no-python-downloads",
            "--python",
            interpreter,
            "--no-annotate",
            "--custom-compile-command",
            "nox -s matrix-lock",
            "--output-file",
            str(cell.lock_file),
            str(requirements),
            external=True,
        )


if __name__ == "__main__":  # pragma: no cover - convenience: `python noxfile.py` lists cells
    for _cell in CELLS:
        print(_cell.name, "-", _cell.why)
    sys.exit(0)
