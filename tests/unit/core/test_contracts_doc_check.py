"""The module map rule of ``scripts/check_contracts_doc.py`` (also run by ``make lint``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"
PACKAGE = "boto3_connectparticipant_ext"


def _checker() -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))  # it imports its neighbour check_imports
    try:
        spec = importlib.util.spec_from_file_location(
            "check_contracts_doc", SCRIPTS / "check_contracts_doc.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


def test_docs_contracts_maps_every_module_and_import_of_the_package() -> None:
    checker = _checker()
    assert checker.gaps(checker.DOC.read_text(encoding="utf-8")) == []


def test_missing_modules_rows_and_unlisted_imports_are_reported(tmp_path: Path) -> None:
    checker = _checker()
    root = tmp_path / PACKAGE
    (root / "chat").mkdir(parents=True)
    (root / "_data").mkdir()
    (root / "__init__.py").write_text("")
    (root / "errors.py").write_text("")
    (root / "model.py").write_text("from . import errors\n")
    (root / "chat" / "__init__.py").write_text("")
    (root / "chat" / "_stream.py").write_text("from .. import model, errors\n")
    (root / "chat" / "_new.py").write_text("")
    doc = "\n".join(
        [
            "## Module map (one job each)",
            "| module | job |",
            "|---|---|",
            "| `__init__.py`, `errors.py` | names; errors |",
            "| `chat/` | chat |",
            "### What each package may import",
            "| package | imports |",
            "|---|---|",
            "| `errors`, `__init__` | nothing of the package |",
            "| `chat/` | `errors` (a name without backticks, like model, allows nothing) |",
            "### Inside `chat/`",
            "| module | job |",
            "|---|---|",
            "| `__init__.py`, `_stream.py` | names; the stream |",
        ]
    )
    assert checker.gaps(doc, root) == [
        "_data/: not in the 'Module map' table",
        "chat/_new.py: not in an 'Inside `chat/`' table",
        "model.py: not in the 'Module map' table",
        "model: no row in 'What each package may import'",
        f"chat: imports model ({PACKAGE}.chat._stream), not in 'What each package may import'",
    ]
