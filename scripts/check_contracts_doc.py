"""``docs/contracts.md`` maps the whole package, checked against the source (``make lint``).

1. Every root module and every directory of the package is named in the first column of the
   "Module map" table (``_plugin.py``, ``transfer/``, ``emulator/bots/``, ``_paginators/``).
2. Every module of a subpackage is named in the first column of a table under a heading
   "Inside `<subpackage>/`" (``### Inside `chat/```: ``_stream.py``, ...).
3. Every root module and top-level package has a row in "What each package may import", and
   imports (``scripts/check_imports.py``'s graph: lazy imports count) nothing its row does not
   name in backticks (every backticked name of its second cell is allowed). A row whose imports
   say "anything" allows anything.

Exit status 1 and one line per gap.

Examples
--------
>>> cells("| `_body.py`, `_sink.py` | the PUT body |")
[['_body.py', '_sink.py'], []]
>>> unit_of("boto3_connectparticipant_ext.chat._stream"), unit_of("boto3_connectparticipant_ext")
('chat', '__init__')
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from check_imports import ROOT, build_graph

DOC = ROOT.parent / "docs" / "contracts.md"
MODULE_MAP = "Module map"
MAY_IMPORT = "What each package may import"
_INSIDE = re.compile(r"Inside `([\w/]+)/`")
_TICKED = re.compile(r"`([^`]+)`")


def cells(row: str) -> list[list[str]]:
    """The backticked names of a table row's first two cells."""
    parts = row.strip().strip("|").split("|")
    return [_TICKED.findall(part) for part in [*parts, "", ""][:2]]


def sections(text: str) -> dict[str, list[str]]:
    """Heading -> the table rows under it (a heading may repeat: rows are joined)."""
    found: dict[str, list[str]] = {}
    rows: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            rows = found.setdefault(line.lstrip("#").strip(), [])
        elif line.startswith("|") and not set(line) <= set("|-: "):
            rows.append(line)
    return found


def _rows(found: dict[str, list[str]], heading: str) -> list[str]:
    return [row for title, rows in found.items() if title.startswith(heading) for row in rows]


def unit_of(module: str) -> str:
    """The root module or top-level package ``module`` belongs to (``__init__``: the root)."""
    parts = module.split(".")[1:]
    return parts[0] if parts else "__init__"


def gaps(doc: str, root: Path = ROOT) -> list[str]:
    found = sections(doc)
    problems: list[str] = []
    in_map = {name for row in _rows(found, MODULE_MAP) for name in cells(row)[0]}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if "__pycache__" in relative.parts:
            continue
        is_package = (path / "__init__.py").is_file() or len(relative.parts) == 1
        if path.is_dir() and is_package and f"{relative.as_posix()}/" not in in_map:
            problems.append(f"{relative.as_posix()}/: not in the '{MODULE_MAP}' table")
        elif path.suffix == ".py" and len(relative.parts) == 1 and path.name not in in_map:
            problems.append(f"{path.name}: not in the '{MODULE_MAP}' table")
        elif path.suffix == ".py" and len(relative.parts) > 1:
            package = relative.parent.as_posix()
            named = {
                name
                for heading, rows in found.items()
                if any(match == package for match in _INSIDE.findall(heading))
                for row in rows
                for name in cells(row)[0]
            }
            if path.name not in named:
                problems.append(f"{relative.as_posix()}: not in an 'Inside `{package}/`' table")
    allowed: dict[str, set[str]] = {}
    anything: set[str] = set()
    for row in _rows(found, MAY_IMPORT):
        names, imports = cells(row)
        for name in names:
            unit = name.rstrip("/").removesuffix(".py")
            allowed.setdefault(unit, set()).update(item.rstrip("/") for item in imports)
            if "anything" in row.split("|")[2]:
                anything.add(unit)
    graph = build_graph(root)
    for unit in sorted({unit_of(module) for module in graph}):
        if unit not in allowed:
            problems.append(f"{unit}: no row in '{MAY_IMPORT}'")
    reported: set[tuple[str, str]] = set()
    for module, targets in sorted(graph.items()):
        unit = unit_of(module)
        if unit in anything or unit not in allowed:
            continue
        for target in sorted({unit_of(target) for target in targets} - {unit} - allowed[unit]):
            if (unit, target) not in reported:
                reported.add((unit, target))
                problems.append(f"{unit}: imports {target} ({module}), not in '{MAY_IMPORT}'")
    return problems


def main() -> int:
    problems = gaps(DOC.read_text(encoding="utf-8"))
    for problem in problems:
        print(f"docs/contracts.md: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
