"""The package's import contracts, checked from the source (``make lint``).

1. No import cycles between the package's modules. Every ``import`` counts, those inside
   functions too (a lazy import still ties two modules together); only imports under
   ``if TYPE_CHECKING:`` are left out, since they never run.
2. The core never imports the optional layers (``CORE`` may not import ``LAYERS``).
3. The emulator imports, from the rest of the package, only ``EMULATOR_MAY_IMPORT``.

Exit status 1 and one line per broken contract. A plain ``ast`` walk, so no extra dependency.

Examples
--------
>>> graph = {"a": {"b"}, "b": {"a"}, "c": set()}
>>> find_cycles(graph)
[['a', 'b']]
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

PACKAGE = "boto3_connectparticipant_ext"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

CORE = (
    "auth",
    "model",
    "_plugin",
    "_version",
    "_extensions",
    "_responses",
    "_send_event",
    "_validation",
    "_helper_table",
    "inject",
    "typed",
    "redact",
    "errors",
    "service_limits",
    "transcript",
    "transfer",
    "_loop_thread",
)
LAYERS = ("chat", "emulator", "aio", "cli", "conversation", "streaming", "interactive")
# What the emulator may use besides its own modules (documented in docs/contracts.md): the
# service's model, limits and errors, plus what it already needs to play the service: the
# interactive templates its bots send, the SNS string-to-sign of contact streaming, and the
# package's one background event-loop runner (shared with the chat's thread driver).
EMULATOR_MAY_IMPORT = (
    "model",
    "errors",
    "service_limits",
    "interactive",
    "streaming._canonical",
    "redact",
    "_loop_thread",
)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from (inner for child in node.orelse for inner in _walk(child))
            continue
        yield node
        yield from _runtime_nodes(node)


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    yield node
    yield from _runtime_nodes(node)


def imports_of(path: Path, modules: set[str], root: Path = ROOT) -> set[str]:
    """The package modules ``path`` imports at run time."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # As grimp (import-linter) counts: a name that is a submodule is an import of that
            # submodule only; any other name is an import of ``base``.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        for target in targets:
            if target in modules and target != name:
                found.add(target)
    return found


def build_graph(root: Path = ROOT) -> dict[str, set[str]]:
    files = sorted(root.rglob("*.py"))
    modules = {module_name(path, root) for path in files}
    return {module_name(path, root): imports_of(path, modules, root) for path in files}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def _under(module: str, prefixes: Iterable[str]) -> bool:
    return any(
        module == f"{PACKAGE}.{prefix}" or module.startswith(f"{PACKAGE}.{prefix}.")
        for prefix in prefixes
    )


def broken_contracts(graph: dict[str, set[str]]) -> list[str]:
    problems = [f"import cycle: {' <-> '.join(cycle)}" for cycle in find_cycles(graph)]
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if (module == PACKAGE or _under(module, CORE)) and _under(target, LAYERS):
                problems.append(f"core module {module} imports {target}")
            if (
                _under(module, ("emulator",))
                and not _under(target, ("emulator",))
                and target != PACKAGE
                and not _under(target, EMULATOR_MAY_IMPORT)
            ):
                problems.append(f"emulator module {module} imports {target}")
    return problems


def main() -> int:
    problems = broken_contracts(build_graph())
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
