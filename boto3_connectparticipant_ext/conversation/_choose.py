"""Answering an interactive message with the ``interactive.response`` content.

The message is read, the choice picked and the answer built by
:mod:`boto3_connectparticipant_ext.interactive` (``parse_interactive``, ``select``,
``response_for``): a choice is a ``Choice``, a 0-based index, a title (or element id), or for
a time picker a timezone-aware ``datetime``. A missing message or an unknown choice is a
failed test step: :class:`ExpectationFailed` with the conversation.
"""

from __future__ import annotations

from typing import Any, Optional

from ..chat.events import MessageEvent


def answer_content(engine: Any, choice: Any, message: Optional[MessageEvent] = None) -> str:
    """The content that answers ``message`` (default: the last interactive one) with ``choice``."""
    from ..interactive import InteractiveChoiceError, parse_interactive, response_for

    event = message if message is not None else engine.last_interactive
    if event is None:
        raise engine.failure(f"an interactive message to answer with {choice!r}", "none came")
    parsed = parse_interactive(event.content)
    try:
        content: str = response_for(parsed, choice)
    except InteractiveChoiceError as error:
        raise engine.failure(
            f"choice {choice!r} in the {parsed.template_type} {parsed.title!r}", str(error)
        ) from None
    return content
