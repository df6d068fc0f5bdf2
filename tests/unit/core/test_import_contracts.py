"""The import contracts of ``scripts/check_imports.py`` (also run by ``make lint``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "check_imports.py"


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_imports", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_imports", module)
    spec.loader.exec_module(module)
    return module


def test_the_package_keeps_its_import_contracts() -> None:
    checker = _checker()
    assert checker.broken_contracts(checker.build_graph()) == []


def test_the_checker_sees_lazy_imports_and_ignores_type_checking_ones(tmp_path: Path) -> None:
    checker = _checker()
    root = tmp_path / checker.PACKAGE
    (root / "aio").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "aio" / "__init__.py").write_text("")
    (root / "_plugin.py").write_text("def f():\n    from .aio import hook\n")
    (root / "aio" / "hook.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from .. import _plugin\n"
        "if TYPE_CHECKING:\n    from ..errors import X\n"
    )
    (root / "errors.py").write_text("from .aio import hook\n")
    graph = checker.build_graph(root)
    package = checker.PACKAGE
    assert graph[f"{package}.aio.hook"] == {f"{package}._plugin"}
    problems = checker.broken_contracts(graph)
    assert f"import cycle: {package}._plugin <-> {package}.aio.hook" in problems
    assert f"core module {package}._plugin imports {package}.aio.hook" in problems
    assert f"core module {package}.errors imports {package}.aio.hook" in problems
