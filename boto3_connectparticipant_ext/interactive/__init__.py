"""Interactive messages as types: parse, build (limits checked) and answer every template.

Amazon Connect flows and bots send rich messages with content type
``application/vnd.amazonaws.connect.message.interactive``: list pickers, time pickers,
panels, quick replies, carousels and views (forms). This package reads them into frozen
dataclasses, builds them in Python for emulator bots and agent-side code, and writes the
customer's answer (``application/vnd.amazonaws.connect.message.interactive.response``).

Examples
--------
>>> from boto3_connectparticipant_ext.interactive import (
...     ListPicker, Element, parse_interactive, response_for, parse_response)
>>> content = ListPicker("What would you like?", [Element("Pizza"), Element("Pasta")]).to_content()
>>> message = parse_interactive(content)
>>> message.template_type, message.title, [c.title for c in message.choices]
('ListPicker', 'What would you like?', ['Pizza', 'Pasta'])
>>> parse_response(response_for(message, "Pasta")).index
1
"""

from __future__ import annotations

from ..service_limits import INTERACTIVE_CONTENT_TYPE, INTERACTIVE_RESPONSE_CONTENT_TYPE
from ._model import Choice, Element, InteractiveMessage
from .errors import (
    InteractiveChoiceError,
    InteractiveError,
    InteractiveLimitError,
    InteractiveParseError,
)
from .parse import TEMPLATES, parse_interactive
from .responses import (
    ChoiceLike,
    InteractiveResponse,
    parse_response,
    response_for,
    response_text,
    select,
    view_response,
)
from .templates import ListPicker, Location, Panel, QuickReply, TimePicker, TimeSlot
from .views import Carousel, UnknownTemplate, ViewResource

__all__ = [
    "INTERACTIVE_CONTENT_TYPE",
    "INTERACTIVE_RESPONSE_CONTENT_TYPE",
    "TEMPLATES",
    "Carousel",
    "Choice",
    "ChoiceLike",
    "Element",
    "InteractiveChoiceError",
    "InteractiveError",
    "InteractiveLimitError",
    "InteractiveMessage",
    "InteractiveParseError",
    "InteractiveResponse",
    "ListPicker",
    "Location",
    "Panel",
    "QuickReply",
    "TimePicker",
    "TimeSlot",
    "UnknownTemplate",
    "ViewResource",
    "parse_interactive",
    "parse_response",
    "response_for",
    "response_text",
    "select",
    "view_response",
]
