"""``parse_interactive``: the content of an interactive message, as its template type.

Examples
--------
>>> message = parse_interactive('{"templateType": "QuickReply", "version": "1.0", '
...     '"data": {"content": {"title": "Ok?", "elements": [{"title": "Yes"}, {"title": "No"}]}}}')
>>> type(message).__name__, message.title, [c.title for c in message.choices]
('QuickReply', 'Ok?', ['Yes', 'No'])
>>> parse_interactive("{not json")
Traceback (most recent call last):
...
boto3_connectparticipant_ext.interactive.errors.InteractiveParseError: the content is not JSON: ...
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Callable, Union

from ._model import InteractiveMessage
from .errors import InteractiveParseError
from .templates import ListPicker, Panel, QuickReply, TimePicker
from .views import Carousel, UnknownTemplate, ViewResource

#: templateType -> the class that reads it.
TEMPLATES: dict[str, Callable[[Mapping[str, Any]], InteractiveMessage]] = {
    "ListPicker": ListPicker.from_dict,
    "Panel": Panel.from_dict,
    "QuickReply": QuickReply.from_dict,
    "TimePicker": TimePicker.from_dict,
    "Carousel": Carousel.from_dict,
    "ViewResource": ViewResource.from_dict,
}


def load_json_object(content: Union[str, bytes, Mapping[str, Any]]) -> Mapping[str, Any]:
    """The JSON object of a message's content (a mapping is taken as it is)."""
    if isinstance(content, Mapping):
        return content
    if not isinstance(content, (str, bytes)):
        raise InteractiveParseError(
            f"expected a JSON string or a mapping, got {type(content).__name__}"
        )
    try:
        raw = json.loads(content)
    except ValueError as error:
        raise InteractiveParseError(f"the content is not JSON: {error}") from None
    if not isinstance(raw, dict):
        raise InteractiveParseError(f"the content is JSON but not an object ({type(raw).__name__})")
    return raw


def parse_interactive(content: Union[str, bytes, Mapping[str, Any]]) -> InteractiveMessage:
    """Read an interactive message; an unknown ``templateType`` gives an :class:`UnknownTemplate`.

    Raises InteractiveParseError for bad JSON, a missing ``templateType`` or a documented
    template whose mandatory fields are missing.
    """
    raw = load_json_object(content)
    kind = raw.get("templateType")
    if not isinstance(kind, str) or not kind:
        raise InteractiveParseError("the mandatory templateType is missing")
    reader = TEMPLATES.get(kind)
    return reader(raw) if reader else UnknownTemplate.from_dict(raw)
