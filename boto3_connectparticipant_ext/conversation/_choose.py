"""Answering an interactive message: which choice, and the ``interactive.response`` content.

The message is read and the answer built by :mod:`boto3_connectparticipant_ext.interactive`
(``parse_interactive`` and ``response_for``); this module only picks the choice.
A choice is given as its 0-based ``index`` (an ``int``), its exact ``title`` (a ``str``) or a
``Choice`` of the parsed message.
"""

from __future__ import annotations

from typing import Any, Optional

from ..chat.events import MessageEvent
from .errors import ConversationArgumentError


def answer_content(engine: Any, choice: Any, message: Optional[MessageEvent] = None) -> str:
    """The content that answers ``message`` (default: the last interactive one) with ``choice``.

    A missing message or an unknown choice raises the engine's ExpectationFailed (it is a
    failed test step, shown with the conversation).
    """
    from ..interactive import parse_interactive, response_for

    event = message if message is not None else engine.last_interactive
    if event is None:
        raise engine.failure(f"an interactive message to answer with {choice!r}", "none came")
    parsed = parse_interactive(event.content)
    picked = _pick(parsed.choices, choice)
    if picked is None:
        offered = ", ".join(f"{c.index}: {c.title!r}" for c in parsed.choices) or "none"
        raise engine.failure(
            f"choice {choice!r} in the {parsed.template_type} {parsed.title!r}",
            f"it offers {offered}",
        )
    content: str = response_for(parsed, picked)
    return content


def _pick(choices: list[Any], choice: Any) -> Any:
    if isinstance(choice, bool):
        raise ConversationArgumentError("choice must be an index, a title or a Choice")
    if isinstance(choice, int):
        return next((c for c in choices if c.index == choice), None)
    if isinstance(choice, str):
        return next((c for c in choices if c.title == choice), None)
    if hasattr(choice, "index") and hasattr(choice, "title"):
        return next((c for c in choices if c == choice), None)
    raise ConversationArgumentError("choice must be an index, a title or a Choice")
