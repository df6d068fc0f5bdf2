"""Carousel (list pickers or panels side by side), the view-based ViewResource, unknown templates.

``ViewResource`` is what a flow's Show view block sends: a view (a form, a confirmation, a
step-by-step page) identified by ``viewId``/``viewToken`` with its ``viewData``; the customer's
answer is an action and the view's output (see :func:`.view_response`). A template type this
package does not know is kept whole as :class:`UnknownTemplate`, never dropped.

Examples
--------
>>> from boto3_connectparticipant_ext.interactive import Element
>>> carousel = Carousel("Where to?", [
...     Panel("Flights", [Element("Book")], template_identifier="f1"),
...     ListPicker("Hotels", [Element("Book room"), Element("Listings")], template_identifier="h1"),
... ])
>>> [(c.index, c.title, c.subtitle) for c in carousel.choices]
[(0, 'Book', 'Flights'), (1, 'Book room', 'Hotels'), (2, 'Listings', 'Hotels')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from . import limits
from ._model import (
    Choice,
    InteractiveMessage,
    JsonDict,
    check_count,
    check_text,
    envelope,
    optional_str,
    require_list,
    require_mapping,
    require_str,
)
from .errors import InteractiveLimitError
from .templates import ListPicker, Panel, _Picker

NESTED_TEMPLATES: dict[str, type[_Picker]] = {"ListPicker": ListPicker, "Panel": Panel}


@dataclass(frozen=True)
class UnknownTemplate(InteractiveMessage):
    """A template this package does not model; ``raw`` is the whole message, unchanged.

    Examples
    --------
    >>> unknown = UnknownTemplate.from_dict({"templateType": "WhatsAppList", "version": "1.0",
    ...                                      "data": {"content": {"title": "Menu"}}})
    >>> unknown.template_type, unknown.title, unknown.choices
    ('WhatsAppList', 'Menu', [])
    """

    type_name: str
    raw: Mapping[str, Any] = field(default_factory=dict)
    title: Optional[str] = None
    version: str = limits.TEMPLATE_VERSION

    @property
    def template_type(self) -> str:
        return self.type_name

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> UnknownTemplate:
        data = raw.get("data")
        content = data.get("content") if isinstance(data, Mapping) else None
        title = None
        for holder in (content, data):
            if isinstance(holder, Mapping) and isinstance(holder.get("title"), str):
                title = holder["title"]
                break
        version = raw.get("version")
        return cls(
            type_name=str(raw["templateType"]),
            raw=raw,
            title=title,
            version=version if isinstance(version, str) else limits.TEMPLATE_VERSION,
        )

    def to_dict(self) -> JsonDict:
        return dict(self.raw)


def _nested(raw: Any, where: str) -> InteractiveMessage:
    body = require_mapping(raw, where)
    kind = require_str(body, "templateType", where)
    template = NESTED_TEMPLATES.get(kind)
    return template.from_dict(body) if template else UnknownTemplate.from_dict(body)


@dataclass(frozen=True)
class Carousel(InteractiveMessage):
    """Up to five list pickers or panels shown side by side; ``choices`` lists all their options.

    A choice's ``subtitle`` is the title of the nested template it belongs to.
    """

    TEMPLATE_TYPE: ClassVar[str] = "Carousel"

    title: str
    elements: Sequence[InteractiveMessage]
    subtitle: Optional[str] = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    data_extra: Mapping[str, Any] = field(default_factory=dict)
    version: str = limits.TEMPLATE_VERSION
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "elements", tuple(self.elements))

    def locate(self, index: int) -> tuple[InteractiveMessage, Choice]:
        """The nested template holding choice ``index``, and that template's own Choice."""
        position = index
        for nested in self.elements:
            inner = nested.choices
            if 0 <= position < len(inner):
                return nested, inner[position]
            position -= len(inner)
        raise IndexError(index)

    @property
    def choices(self) -> list[Choice]:
        out: list[Choice] = []
        for nested in self.elements:
            for choice in nested.choices:
                out.append(
                    Choice(len(out), choice.title, nested.title, choice.image_url, choice.raw)
                )
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Carousel:
        data = require_mapping(raw.get("data"), "Carousel.data")
        content = require_mapping(data.get("content"), "Carousel.data.content")
        where = "Carousel.data.content"
        items = require_list(content, "elements", where)
        return cls(
            title=require_str(content, "title", where),
            elements=[_nested(e, f"Carousel.elements[{i}]") for i, e in enumerate(items)],
            subtitle=optional_str(content, "subtitle", where),
            extra={k: v for k, v in content.items() if k not in ("title", "subtitle", "elements")},
            data_extra={k: v for k, v in data.items() if k != "content"},
            version=str(raw.get("version", limits.TEMPLATE_VERSION)),
            raw=raw,
        )

    def to_dict(self) -> JsonDict:
        content: JsonDict = {"title": self.title}
        if self.subtitle is not None:
            content["subtitle"] = self.subtitle
        content["elements"] = [e.to_dict() for e in self.elements]
        content.update(self.extra)
        return envelope(self.TEMPLATE_TYPE, self.version, {"content": content, **self.data_extra})

    def validate(self) -> None:
        check_text("Carousel.content.title", self.title, limits.MAX_TITLE_CHARS, required=True)
        count = len(self.elements)
        check_count("Carousel.elements", count, limits.MIN_ELEMENTS, limits.CAROUSEL_MAX_ELEMENTS)
        for i, nested in enumerate(self.elements):
            if not isinstance(nested, (ListPicker, Panel)):
                raise InteractiveLimitError(
                    f"Carousel.elements[{i}]", "a ListPicker or a Panel", nested.template_type
                )
            nested.validate()


@dataclass(frozen=True)
class ViewResource(InteractiveMessage):
    """A view (form, confirmation, guide page) sent by a flow's Show view block.

    Examples
    --------
    >>> view = ViewResource("arn:aws:connect:...:view/aws/form", view_data={"Heading": "Sign up"})
    >>> ViewResource.from_dict(view.to_dict()) == view
    True
    """

    TEMPLATE_TYPE: ClassVar[str] = "ViewResource"
    CONTENT_KEYS: ClassVar[tuple[str, ...]] = ("viewId", "viewToken", "viewData")

    view_id: Optional[str] = None
    view_token: Optional[str] = None
    view_data: Any = None
    title: Optional[str] = field(default=None, compare=False)
    extra: Mapping[str, Any] = field(default_factory=dict)
    data_extra: Mapping[str, Any] = field(default_factory=dict)
    version: str = limits.TEMPLATE_VERSION
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ViewResource:
        data = require_mapping(raw.get("data"), "ViewResource.data")
        content = require_mapping(data.get("content"), "ViewResource.data.content")
        where = "ViewResource.data.content"
        view_data = content.get("viewData")
        title = view_data.get("Heading") if isinstance(view_data, Mapping) else None
        return cls(
            view_id=optional_str(content, "viewId", where),
            view_token=optional_str(content, "viewToken", where),
            view_data=view_data,
            title=title if isinstance(title, str) else None,
            extra={k: v for k, v in content.items() if k not in cls.CONTENT_KEYS},
            data_extra={k: v for k, v in data.items() if k != "content"},
            version=str(raw.get("version", limits.TEMPLATE_VERSION)),
            raw=raw,
        )

    def to_dict(self) -> JsonDict:
        content: JsonDict = {}
        for key, value in zip(self.CONTENT_KEYS, (self.view_id, self.view_token, self.view_data)):
            if value is not None:
                content[key] = value
        content.update(self.extra)
        return envelope(self.TEMPLATE_TYPE, self.version, {"content": content, **self.data_extra})

    def validate(self) -> None:
        if not self.view_id:
            raise InteractiveLimitError("ViewResource.content.viewId", "is mandatory", None)
