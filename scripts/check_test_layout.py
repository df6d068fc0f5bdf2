"""Tests mirror the package tree (``tests/README.md``), checked from file names (``make lint``).

1. Every directory under ``tests/unit/`` is ``core`` (the package's root modules) or mirrors a
   package directory: ``tests/unit/transfer`` <-> ``boto3_connectparticipant_ext/transfer``.
2. Every ``test_<name>.py`` in such a directory names a module (or subpackage) of the mirrored
   package: ``<name>`` is the module's name without its leading underscores, optionally followed
   by ``_<aspect>`` (``test_redact_scope.py`` tests ``redact.py``); a group of modules is joined
   with ``_and_`` and one of them is enough (``test_config_and_faults.py``).
3. No unit test module sits directly in ``tests/unit/``, and every functional test module sits in
   an area directory ``tests/functional/<area>/``, except the cross-cutting ones in ``EXCEPTIONS``.

An exception that no longer exists, or is no longer needed, is reported too, so the list stays
short. Exit status 1 and one line per misplaced file. Only file names are read.

Examples
--------
>>> matches("redact_scope", {"redact", "model"})
True
>>> matches("frames_and_records", {"records", "websocket"})
True
>>> matches("redaction", {"redact"})
False
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "boto3_connectparticipant_ext"
ROOT_TESTS = "core"  # tests/unit/core holds the tests of the package's root modules

# Test modules that do not test one module of the package, with the reason each one stays where
# it is (paths relative to tests/). Keep this list short: a new test goes to the mirrored place.
EXCEPTIONS = {
    # Cross-cutting audits and the doctest runner: they walk the whole package.
    "unit/test_audit_inputs.py": "every entry point's bad-input errors",
    "unit/test_audit_secrets.py": "no secret in any repr or log line",
    "unit/test_doctests.py": "runs every Examples section of the package",
    "functional/test_audit_secrets_functional.py": "secrets over the wire, every area",
    # Repository tools, not the package.
    "unit/test_bench_harness.py": "benchmarks/_harness.py and benchmarks/run_all.py",
    "unit/core/test_import_contracts.py": "scripts/check_imports.py",
    "unit/core/test_layout_check.py": "scripts/check_test_layout.py",
    "unit/core/test_contracts_doc_check.py": "scripts/check_contracts_doc.py",
    # A property of the whole transfer package (what importing it loads).
    "unit/transfer/test_import_cost.py": "what `import transfer` loads",
    # A property of the whole chat package (no module reads another object's private state).
    "unit/chat/test_component_boundaries.py": "chat modules use each other's public names only",
    # Grouped by behaviour over several modules of their package.
    "unit/emulator/test_argument_checks.py": "Emulator / faults / control argument checks",
    "unit/emulator/test_contact_options.py": "StartChatContact options: _chat_options",
    "unit/emulator/test_item_fidelity.py": "items as the service writes them: _state, _transcript",
    "unit/loadtest/test_pieces.py": "the small pure pieces: _pacing, _report, errors",
}


def module_names(directory: Path) -> set[str]:
    """The names a test file may use for ``directory``'s modules and subpackages."""
    names = {path.stem for path in directory.glob("*.py") if path.stem != "__init__"}
    names |= {path.name for path in directory.iterdir() if (path / "__init__.py").is_file()}
    return {name.lstrip("_") for name in names}


def matches(name: str, modules: Iterable[str]) -> bool:
    """Whether ``test_<name>.py`` names one of ``modules`` (see the module docstring)."""
    modules = set(modules)
    return any(
        part == module or part.startswith(f"{module}_")
        for part in name.split("_and_")
        for module in modules
    )


def package_dir(test_dir: Path, unit: Path, package: Path) -> Path | None:
    """The package directory ``test_dir`` (under ``unit``) mirrors, or None."""
    parts = test_dir.relative_to(unit).parts
    if parts == (ROOT_TESTS,):
        return package
    mirrored = package.joinpath(*parts)
    return mirrored if (mirrored / "__init__.py").is_file() else None


def misplaced(tests: Path, package: Path, exceptions: dict[str, str]) -> list[str]:
    """One line per test file (or exception) that breaks the layout of ``tests/README.md``."""
    problems: list[str] = []
    unit, functional = tests / "unit", tests / "functional"
    used: set[str] = set()

    def allowed(path: Path) -> bool:
        key = path.relative_to(tests).as_posix()
        if key in exceptions:
            used.add(key)
            return True
        return False

    for directory in sorted(p for p in unit.rglob("*") if p.is_dir() and p.name != "__pycache__"):
        if package_dir(directory, unit, package) is None:
            problems.append(f"{directory.relative_to(tests.parent)}: mirrors no package directory")
    for path in sorted(unit.rglob("test_*.py")):
        where = package_dir(path.parent, unit, package) if path.parent != unit else None
        name = path.stem[len("test_") :]
        if where is not None and matches(name, module_names(where)):
            if allowed(path):  # in the list although it matches: the entry is not needed
                problems.append(f"tests/{path.relative_to(tests)}: exception no longer needed")
            continue
        if allowed(path):
            continue
        if path.parent == unit:
            problems.append(
                f"{path.relative_to(tests.parent)}: move it to tests/unit/<package path>/"
            )
        elif where is not None:
            target = where.relative_to(package.parent).as_posix()
            problems.append(f"{path.relative_to(tests.parent)}: names no module of {target}/")
        # (a directory that mirrors no package was reported above)
    for path in sorted(functional.glob("test_*.py")):
        if not allowed(path):
            problems.append(f"{path.relative_to(tests.parent)}: not in an area directory")
    for key in sorted(set(exceptions) - used):
        if not (tests / key).is_file():
            problems.append(f"tests/{key}: listed as an exception but missing")
    return problems


def main() -> int:
    problems = misplaced(REPO / "tests", REPO / PACKAGE, EXCEPTIONS)
    for problem in problems:
        print(problem)
    if problems:
        print("see tests/README.md, 'Where a new test goes'")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
