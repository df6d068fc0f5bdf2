"""Answering an interactive message, and reading an answer.

A customer answers with a message of content type
``application/vnd.amazonaws.connect.message.interactive.response``. Its JSON shape is not
specified field by field anywhere; this module writes the shape AWS's own clients use: the
envelope ``{"templateType", "version", "data"}`` with the chosen option in ``data``
(``title``, ``index``, ``elementId`` when the option has an ``id``, as amazon-connect-chatjs
reads it, and the picker's ``listId``/``referenceId`` when it has them); a time slot adds
``date`` and ``duration``; a carousel adds the ``templateIdentifier``, ``listTitle`` and
``selectionText`` the hosted widget sends; a view answers ``{"action", "data": output}`` like
the hosted widget. :func:`response_text` gives the plain-text answer the hosted widget sends
for pickers (the option's title), which Lex-driven flows expect.

Examples
--------
>>> from boto3_connectparticipant_ext.interactive import ListPicker, Element
>>> picker = ListPicker("Fruit?", [Element("Apple"), Element("Pear", extra={"id": "p"})])
>>> response_for(picker, "Pear")
'{"templateType":"ListPicker","version":"1.0","data":{"title":"Pear","index":1,"elementId":"p"}}'
>>> parse_response(response_for(picker, 0)).title
'Apple'
>>> response_text(picker, 1)
'Pear'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional, Union

from . import limits
from ._model import Choice, InteractiveMessage, JsonDict, envelope
from .errors import InteractiveChoiceError, InteractiveParseError
from .parse import load_json_object
from .templates import TimePicker, TimeSlot, parse_date
from .views import Carousel, ViewResource

ChoiceLike = Union[Choice, int, str, datetime, TimeSlot]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _same_instant(text: str, moment: datetime) -> bool:
    try:
        return parse_date(text) == moment
    except (ValueError, TypeError):
        return False


def select(message: InteractiveMessage, choice: ChoiceLike) -> Choice:
    """The option ``choice`` names: a Choice, an index, a title (or ``id``), a datetime or slot.

    Examples
    --------
    >>> from boto3_connectparticipant_ext.interactive import QuickReply, Element
    >>> select(QuickReply("Ok?", [Element("Yes"), Element("No")]), "no").index
    1
    """
    options = message.choices
    found: list[Choice] = []
    if isinstance(choice, Choice):
        found = [c for c in options if c.index == choice.index]
    elif isinstance(choice, bool):
        found = []
    elif isinstance(choice, int):
        found = [c for c in options if c.index == choice]
    elif isinstance(choice, TimeSlot):
        found = [c for c in options if c.title == choice.date]
    elif isinstance(choice, datetime):
        if choice.tzinfo is None:
            raise InteractiveChoiceError("a time slot is chosen by a timezone-aware datetime")
        found = [c for c in options if _same_instant(c.title, choice)]
    elif isinstance(choice, str):
        found = [c for c in options if c.title == choice or c.raw.get("id") == choice]
        if not found:
            folded = choice.casefold()
            found = [c for c in options if c.title.casefold() == folded]
        if not found and isinstance(message, TimePicker):
            try:
                moment = parse_date(choice)
            except ValueError:
                moment = None
            found = [c for c in options if moment and _same_instant(c.title, moment)]
    if len(found) != 1:
        offered = ", ".join(repr(c.title) for c in options[:12]) or "none"
        problem = "matches several options" if found else "is not one of its options"
        raise InteractiveChoiceError(
            f"{choice!r} {problem} ({message.template_type} offers: {offered})"
        )
    return found[0]


def _choice_data(message: InteractiveMessage, picked: Choice) -> JsonDict:
    data: JsonDict = {"title": picked.title, "index": picked.index}
    raw = picked.raw
    if isinstance(raw.get("id"), str):
        data["elementId"] = raw["id"]
    if isinstance(message, TimePicker):
        data["date"] = raw.get("date")
        data["duration"] = raw.get("duration")
    if isinstance(message, Carousel):
        nested, _ = message.locate(picked.index)
        identifier = getattr(nested, "template_identifier", None)
        if identifier is not None:
            data["templateIdentifier"] = identifier
        data["listTitle"] = nested.title
        data["selectionText"] = picked.title
        message = nested
    extra = getattr(message, "extra", {})
    for key in ("listId", "referenceId"):
        if key in extra:
            data[key] = extra[key]
    return data


def response_for(message: InteractiveMessage, choice: ChoiceLike) -> str:
    """The ``interactive.response`` content that answers ``message`` with ``choice``."""
    if isinstance(message, ViewResource):
        raise InteractiveChoiceError("a view is answered with view_response(action, output)")
    picked = select(message, choice)
    body = envelope(message.template_type, message.version, _choice_data(message, picked))
    return _dumps(body)


def response_text(message: InteractiveMessage, choice: ChoiceLike) -> str:
    """The ``text/plain`` answer the hosted widget sends for ``choice`` (what Lex reads)."""
    if isinstance(message, ViewResource):
        raise InteractiveChoiceError("a view is answered with view_response(action, output)")
    picked = select(message, choice)
    if isinstance(message, Carousel):
        nested, _ = message.locate(picked.index)
        identifier = getattr(nested, "template_identifier", None) or ""
        body = {
            "templateIdentifier": identifier,
            "listTitle": nested.title or "",
            "selectionText": picked.title,
        }
        return _dumps(body)
    return picked.title


def view_response(action: str, output: Optional[Mapping[str, Any]] = None) -> str:
    """The answer to a ViewResource: the view's ``action`` (a button) and its ``output``.

    Examples
    --------
    >>> view_response("Submit", {"email": "a@example.com"})
    '{"templateType":"ViewResource","version":"1.0","action":"Submit","data":{"email":"a@example.com"}}'
    """
    if not isinstance(action, str) or not action:
        raise InteractiveChoiceError("a view's answer names its action (a non-empty string)")
    return _dumps(
        {
            "templateType": ViewResource.TEMPLATE_TYPE,
            "version": limits.TEMPLATE_VERSION,
            "action": action,
            "data": dict(output or {}),
        }
    )


@dataclass(frozen=True)
class InteractiveResponse:
    """An ``interactive.response`` content, read: which template it answers and with what.

    ``title`` is the chosen option's title (a carousel's ``selectionText``, a slot's date);
    ``action`` is set for views and for the widget's "show more" actions; ``data`` is the raw
    ``data`` object and ``raw`` the whole content.
    """

    template_type: Optional[str]
    version: Optional[str]
    title: Optional[str] = None
    index: Optional[int] = None
    element_id: Optional[str] = None
    action: Optional[str] = None
    data: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def selected_time(self) -> Optional[datetime]:
        """The chosen slot's start, for a TimePicker answer."""
        date = self.data.get("date")
        return parse_date(date) if isinstance(date, str) else None


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def parse_response(content: Union[str, bytes, Mapping[str, Any]]) -> InteractiveResponse:
    """Read an ``interactive.response`` content; a non-object raises InteractiveParseError."""
    raw = load_json_object(content)
    data = raw.get("data")
    if data is not None and not isinstance(data, Mapping):
        raise InteractiveParseError("the response's data is not an object")
    data = data or {}
    index = data.get("index")
    return InteractiveResponse(
        template_type=_text(raw.get("templateType")) or _text(data.get("templateType")),
        version=_text(raw.get("version")),
        title=_text(data.get("title")) or _text(data.get("selectionText")),
        index=index if isinstance(index, int) and not isinstance(index, bool) else None,
        element_id=_text(data.get("elementId")),
        action=_text(raw.get("action")) or _text(data.get("actionName")),
        data=data,
        raw=raw,
    )
