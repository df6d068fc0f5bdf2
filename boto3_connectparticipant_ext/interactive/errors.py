"""Errors of the interactive-message types.

Examples
--------
>>> from boto3_connectparticipant_ext.errors import ConnectParticipantExtError
>>> issubclass(InteractiveLimitError, ConnectParticipantExtError)
True
>>> InteractiveLimitError("ListPicker.elements", "at most 6 elements", 7).limit
'ListPicker.elements'
"""

from __future__ import annotations

from typing import Any

from ..errors import ConnectParticipantExtError


class InteractiveError(ConnectParticipantExtError):
    """Base of every error about an interactive message or its response."""


class InteractiveParseError(InteractiveError, ValueError):
    """The content is not an interactive message (bad JSON, or a mandatory field is missing)."""


class InteractiveLimitError(InteractiveError, ValueError):
    """A message built in Python breaks one of the documented template limits.

    ``limit`` names it (``"ListPicker.elements"``, ``"Panel.content.title"``, ...), ``rule``
    says what it allows and ``actual`` is what was given.
    """

    def __init__(self, limit: str, rule: str, actual: Any) -> None:
        super().__init__(f"{limit}: {rule} (got {actual})")
        self.limit = limit
        self.rule = rule
        self.actual = actual


class InteractiveChoiceError(InteractiveError, LookupError):
    """The choice given to :func:`response_for` is not one the message offers."""
