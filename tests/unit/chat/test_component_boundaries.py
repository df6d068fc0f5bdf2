"""The chat's drivers and components reach each other through public names only.

``ChatSession`` runs an ``AsyncChatSession``; the session is wiring over components
(``_parts``); the stream's hooks are built from components. None of them reads another
object's private member: ``self._x`` is a module's own state, ``other._x`` is not allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import boto3_connectparticipant_ext.chat as chat_package

CHAT = Path(chat_package.__file__).parent
MODULES = [
    "session.py",
    "async_session.py",
    "_parts.py",
    "_lifecycle.py",
    "_service_calls.py",
    "_saved_state.py",
    "_workers.py",
    "_stream_hooks.py",
    "_typing_expiry.py",
    "_credentials.py",
    "_receipts.py",
    "_consumer.py",
    "_callbacks.py",
]


def foreign_private_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if not name.startswith("_") or (name.startswith("__") and name.endswith("__")):
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
            continue
        found.append(f"{path.name}:{node.lineno}: .{name}")
    return found


@pytest.mark.parametrize("module", MODULES)
def test_no_private_member_of_another_object_is_read(module: str) -> None:
    assert foreign_private_reads(CHAT / module) == []
