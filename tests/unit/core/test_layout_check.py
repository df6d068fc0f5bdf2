"""The test layout rule of ``scripts/check_test_layout.py`` (also run by ``make lint``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "check_test_layout.py"


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_test_layout", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_test_layout", module)
    spec.loader.exec_module(module)
    return module


def _touch(root: Path, *paths: str) -> None:
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("")


def test_the_repository_follows_its_test_layout() -> None:
    checker = _checker()
    assert (
        checker.misplaced(
            SCRIPT.parents[1] / "tests", SCRIPT.parents[1] / checker.PACKAGE, checker.EXCEPTIONS
        )
        == []
    )


def test_misplaced_tests_and_stale_exceptions_are_reported(tmp_path: Path) -> None:
    checker = _checker()
    package, tests = tmp_path / "pkg", tmp_path / "tests"
    _touch(
        package,
        "__init__.py",
        "redact.py",
        "transfer/__init__.py",
        "transfer/_retry.py",
        "transfer/limits.py",
        "transfer/naming.py",
        "emulator/bots/__init__.py",
        "emulator/__init__.py",
    )
    _touch(
        tests,
        "unit/core/test_redact_scope.py",  # redact.py, one aspect of it
        "unit/transfer/test_retry_loop.py",  # _retry.py: the underscore is dropped
        "unit/transfer/test_limits_and_naming.py",  # a group: one module is enough
        "unit/emulator/test_bots.py",  # a subpackage
        "unit/transfer/test_redact.py",  # redact.py is not in transfer/
        "unit/test_transcript.py",  # directly in tests/unit/
        "unit/aio/test_inject.py",  # no aio/ package
        "unit/core/test_audit.py",  # listed below, allowed
        "unit/core/test_redact.py",  # listed below, but matches: stale entry
        "functional/test_everything.py",  # not in an area
        "functional/chat/test_anything.py",  # any name inside an area
    )
    exceptions = {
        "unit/core/test_audit.py": "cross-cutting",
        "unit/core/test_redact.py": "stale",
        "unit/core/test_gone.py": "missing",
    }
    assert checker.misplaced(tests, package, exceptions) == [
        "tests/unit/aio: mirrors no package directory",
        "tests/unit/core/test_redact.py: exception no longer needed",
        "tests/unit/test_transcript.py: move it to tests/unit/<package path>/",
        "tests/unit/transfer/test_redact.py: names no module of pkg/transfer/",
        "tests/functional/test_everything.py: not in an area directory",
        "tests/unit/core/test_gone.py: listed as an exception but missing",
    ]
