"""The shared pieces of every template: elements, choices, the base class, field checks.

Examples
--------
>>> Element("Apple", subtitle="$1.00").to_dict()
{'title': 'Apple', 'subtitle': '$1.00'}
>>> Element.from_dict({"title": "Pear", "id": "p1"}).extra
{'id': 'p1'}
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from .errors import InteractiveLimitError, InteractiveParseError
from .limits import MAX_MESSAGE_BYTES, TEMPLATE_VERSION

JsonDict = dict[str, Any]

_ELEMENT_KEYS = {
    "title": "title",
    "subtitle": "subtitle",
    "image_type": "imageType",
    "image_data": "imageData",
    "image_description": "imageDescription",
}


@dataclass(frozen=True)
class Choice:
    """One option a customer can pick: its position, text, image and the raw element.

    Examples
    --------
    >>> Choice(0, "Apple").title
    'Apple'
    """

    index: int
    title: str
    subtitle: Optional[str] = None
    image_url: Optional[str] = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Element:
    """An option of a list picker, panel or quick reply (also a ``replyMessage``).

    Keys the templates document are fields; any other key (``id``, ``type``, ``url``,
    ``actionDetail``, ...) is kept in ``extra`` and written back unchanged.

    Examples
    --------
    >>> Element("Orange", image_data="https://example.com/o.jpg").to_dict()["imageType"]
    'URL'
    """

    title: str
    subtitle: Optional[str] = None
    image_data: Optional[str] = None
    image_description: Optional[str] = None
    image_type: Optional[str] = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Any, where: str = "element") -> Element:
        """Read an element; a missing or non-string title raises InteractiveParseError."""
        body = require_mapping(raw, where)
        values = {name: optional_str(body, key, where) for name, key in _ELEMENT_KEYS.items()}
        title = values.pop("title")
        if title is None:
            raise InteractiveParseError(f"{where}: the mandatory title is missing")
        extra = {k: v for k, v in body.items() if k not in _ELEMENT_KEYS.values()}
        return cls(title=title, extra=extra, **values)

    def to_dict(self) -> JsonDict:
        """The element as the template writes it."""
        out: JsonDict = {"title": self.title}
        image_type = self.image_type or ("URL" if self.image_data else None)
        for key, value in (
            ("subtitle", self.subtitle),
            ("imageType", image_type),
            ("imageData", self.image_data),
            ("imageDescription", self.image_description),
        ):
            if value is not None:
                out[key] = value
        out.update(self.extra)
        return out

    @property
    def element_id(self) -> Optional[str]:
        """The element's ``id`` when it has one (not part of the documented templates)."""
        value = self.extra.get("id")
        return value if isinstance(value, str) else None


class InteractiveMessage:
    """Base of every template type; see the concrete classes for their fields.

    ``template_type`` is the ``templateType`` string, ``title`` the prompt, ``choices``
    the options (empty when the template has none) and ``to_content()`` the JSON string a
    flow or bot sends with content type ``application/vnd.amazonaws.connect.message.interactive``.
    """

    TEMPLATE_TYPE: ClassVar[str] = ""
    version: str
    title: Optional[str]

    @property
    def template_type(self) -> str:
        return self.TEMPLATE_TYPE

    @property
    def choices(self) -> list[Choice]:
        return []

    def to_dict(self) -> JsonDict:
        raise NotImplementedError

    def validate(self) -> None:
        """Raise InteractiveLimitError when a documented limit is broken."""

    def to_content(self) -> str:
        """Check the documented limits and serialise the message (compact JSON)."""
        self.validate()
        text = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
        size = len(text.encode("utf-8", "surrogatepass"))
        if size >= MAX_MESSAGE_BYTES:
            raise InteractiveLimitError(
                f"{self.template_type}.size", f"under {MAX_MESSAGE_BYTES} bytes of UTF-8", size
            )
        return text


def envelope(template_type: str, version: str, data: JsonDict) -> JsonDict:
    """The outer object every template shares."""
    return {"templateType": template_type, "version": version or TEMPLATE_VERSION, "data": data}


def require_mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise InteractiveParseError(f"{where}: expected an object, got {type(raw).__name__}")
    return raw


def require_list(body: Mapping[str, Any], key: str, where: str) -> Sequence[Any]:
    value = body.get(key)
    if not isinstance(value, list):
        raise InteractiveParseError(f"{where}.{key}: the mandatory list is missing")
    return value


def require_str(body: Mapping[str, Any], key: str, where: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise InteractiveParseError(f"{where}.{key}: the mandatory string is missing")
    return value


def optional_str(body: Mapping[str, Any], key: str, where: str) -> Optional[str]:
    value = body.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InteractiveParseError(f"{where}.{key}: expected a string, got {type(value).__name__}")


def check_text(limit: str, value: Optional[str], most: int, *, required: bool = False) -> None:
    """Length check in characters; an empty mandatory text is refused too."""
    if value is None:
        if required:
            raise InteractiveLimitError(limit, "is mandatory", None)
        return
    if required and not value:
        raise InteractiveLimitError(limit, "must not be empty", "''")
    if len(value) > most:
        raise InteractiveLimitError(limit, f"at most {most} characters", len(value))


def check_count(limit: str, count: int, least: int, most: Optional[int]) -> None:
    if count < least or (most is not None and count > most):
        rule = f"{least} to {most} items" if most is not None else f"at least {least} items"
        raise InteractiveLimitError(limit, rule, count)


def element_choices(elements: Sequence[Element]) -> list[Choice]:
    return [
        Choice(i, e.title, e.subtitle, e.image_data, e.to_dict()) for i, e in enumerate(elements)
    ]
