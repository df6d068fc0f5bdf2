"""The documented templates as frozen dataclasses: ListPicker, Panel, QuickReply, TimePicker.

Carousel and the view-based ViewResource live in :mod:`.views`; :func:`.parse_interactive`
picks the class from ``templateType``. Keys a template does not document are kept in
``extra`` (content level) and ``data_extra`` (``data`` level) and written back unchanged, so
parse then ``to_content()`` loses nothing.

Examples
--------
>>> picker = ListPicker("What would you like?", [Element("Apple"), Element("Orange")])
>>> [c.title for c in picker.choices]
['Apple', 'Orange']
>>> picker.to_content()[:40]
'{"templateType":"ListPicker","version":"'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Optional

from . import limits
from ._model import (
    Choice,
    Element,
    InteractiveMessage,
    JsonDict,
    check_count,
    check_text,
    element_choices,
    envelope,
    optional_str,
    require_list,
    require_mapping,
    require_str,
)
from .errors import InteractiveLimitError, InteractiveParseError

_HEADER_KEYS = {"title", "subtitle", "imageType", "imageData", "imageDescription"}


def _header(content: Mapping[str, Any], where: str) -> dict[str, Optional[str]]:
    return {
        "subtitle": optional_str(content, "subtitle", where),
        "image_type": optional_str(content, "imageType", where),
        "image_data": optional_str(content, "imageData", where),
        "image_description": optional_str(content, "imageDescription", where),
    }


def _parts(raw: Mapping[str, Any], name: str) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    data = require_mapping(raw.get("data"), f"{name}.data")
    content = require_mapping(data.get("content"), f"{name}.data.content")
    return data, content


def _reply(data: Mapping[str, Any], name: str) -> Optional[Element]:
    if data.get("replyMessage") is None:
        return None
    return Element.from_dict(data["replyMessage"], f"{name}.data.replyMessage")


def _data(reply: Optional[Element], content: JsonDict, extra: Mapping[str, Any]) -> JsonDict:
    data: JsonDict = {} if reply is None else {"replyMessage": reply.to_dict()}
    data["content"] = content
    data.update(extra)
    return data


def _check_reply(name: str, reply: Optional[Element]) -> None:
    if reply is not None:
        where = f"{name}.replyMessage"
        check_text(f"{where}.title", reply.title, limits.MAX_TITLE_CHARS, required=True)
        check_text(f"{where}.subtitle", reply.subtitle, limits.MAX_SUBTITLE_CHARS)


@dataclass(frozen=True)
class _Picker(InteractiveMessage):
    """Fields shared by ListPicker, Panel and QuickReply."""

    MAX_ELEMENTS: ClassVar[Optional[int]] = None
    MAX_ELEMENT_TITLE: ClassVar[int] = limits.MAX_TITLE_CHARS
    CONTENT_KEYS: ClassVar[frozenset[str]] = frozenset(_HEADER_KEYS | {"elements"})

    title: str
    elements: Sequence[Element]
    subtitle: Optional[str] = None
    image_data: Optional[str] = None
    image_description: Optional[str] = None
    image_type: Optional[str] = None
    reply_message: Optional[Element] = None
    template_identifier: Optional[str] = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    data_extra: Mapping[str, Any] = field(default_factory=dict)
    version: str = limits.TEMPLATE_VERSION
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "elements", tuple(self.elements))

    @property
    def choices(self) -> list[Choice]:
        return element_choices(self.elements)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> _Picker:
        name = cls.TEMPLATE_TYPE
        data, content = _parts(raw, name)
        items = require_list(content, "elements", f"{name}.data.content")
        return cls(
            title=require_str(content, "title", f"{name}.data.content"),
            elements=[Element.from_dict(e, f"{name}.elements[{i}]") for i, e in enumerate(items)],
            reply_message=_reply(data, name),
            template_identifier=optional_str(raw, "templateIdentifier", name),
            extra={k: v for k, v in content.items() if k not in cls.CONTENT_KEYS},
            data_extra={k: v for k, v in data.items() if k not in ("content", "replyMessage")},
            version=str(raw.get("version", limits.TEMPLATE_VERSION)),
            raw=raw,
            **_header(content, f"{name}.data.content"),
        )

    def to_dict(self) -> JsonDict:
        content: JsonDict = {"title": self.title}
        header = Element(
            self.title, self.subtitle, self.image_data, self.image_description, self.image_type
        ).to_dict()
        content.update(header)
        content["elements"] = [e.to_dict() for e in self.elements]
        content.update(self.extra)
        data = _data(self.reply_message, content, self.data_extra)
        out = envelope(self.TEMPLATE_TYPE, self.version, data)
        if self.template_identifier is not None:
            out["templateIdentifier"] = self.template_identifier
        return out

    def validate(self) -> None:
        name = self.TEMPLATE_TYPE
        check_text(f"{name}.content.title", self.title, limits.MAX_TITLE_CHARS, required=True)
        check_text(f"{name}.content.subtitle", self.subtitle, limits.MAX_SUBTITLE_CHARS)
        check_count(f"{name}.elements", len(self.elements), limits.MIN_ELEMENTS, self.MAX_ELEMENTS)
        for i, element in enumerate(self.elements):
            where = f"{name}.elements[{i}]"
            check_text(f"{where}.title", element.title, self.MAX_ELEMENT_TITLE, required=True)
            check_text(f"{where}.subtitle", element.subtitle, limits.MAX_SUBTITLE_CHARS)
        _check_reply(name, self.reply_message)


@dataclass(frozen=True)
class ListPicker(_Picker):
    """Up to six options, each with its own optional subtitle and image.

    Examples
    --------
    >>> ListPicker("Pick one", [Element(str(i)) for i in range(7)]).to_content()
    Traceback (most recent call last):
    ...
    boto3_connectparticipant_ext.interactive.errors.InteractiveLimitError: ListPicker.elements: ...
    """

    TEMPLATE_TYPE: ClassVar[str] = "ListPicker"
    MAX_ELEMENTS: ClassVar[Optional[int]] = limits.LIST_PICKER_MAX_ELEMENTS


@dataclass(frozen=True)
class Panel(_Picker):
    """Up to ten options under one question, with one optional image for the whole panel.

    Examples
    --------
    >>> Panel("How can I help?", [Element("Talk to an agent")]).choices[0].title
    'Talk to an agent'
    """

    TEMPLATE_TYPE: ClassVar[str] = "Panel"
    MAX_ELEMENTS: ClassVar[Optional[int]] = limits.PANEL_MAX_ELEMENTS


@dataclass(frozen=True)
class QuickReply(_Picker):
    """Short answers shown as buttons under the prompt (200 characters an option).

    Examples
    --------
    >>> QuickReply("Was this helpful?", [Element("Yes"), Element("No")]).choices[1].index
    1
    """

    TEMPLATE_TYPE: ClassVar[str] = "QuickReply"
    MAX_ELEMENT_TITLE: ClassVar[int] = limits.MAX_QUICK_REPLY_OPTION_CHARS


def parse_date(text: str) -> datetime:
    """An ISO 8601 date-time as the templates write it (``2020-10-31T17:00+00:00``, ``...Z``).

    Examples
    --------
    >>> parse_date("2020-10-31T17:00Z").isoformat()
    '2020-10-31T17:00:00+00:00'
    """
    cleaned = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    return datetime.fromisoformat(cleaned)


@dataclass(frozen=True)
class TimeSlot:
    """One appointment slot: an ISO 8601 ``date`` and a ``duration`` in minutes.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> TimeSlot.at(datetime(2030, 1, 2, 9, 30, tzinfo=timezone.utc), 60).date
    '2030-01-02T09:30+00:00'
    """

    date: str
    duration: int
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def at(cls, start: datetime, duration: int) -> TimeSlot:
        """A slot starting at a timezone-aware ``start``."""
        if start.tzinfo is None or start.utcoffset() is None:
            raise InteractiveLimitError("TimeSlot.date", "a timezone-aware datetime", "naive")
        return cls(start.isoformat(timespec="minutes"), duration)

    @property
    def start(self) -> datetime:
        return parse_date(self.date)

    def to_dict(self) -> JsonDict:
        return {"date": self.date, "duration": self.duration, **self.extra}


@dataclass(frozen=True)
class Location:
    """Where the appointment takes place (``latitude``, ``longitude``, ``title`` mandatory)."""

    latitude: float
    longitude: float
    title: str
    radius: Optional[float] = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> JsonDict:
        out: JsonDict = {
            "latitude": self.latitude,
            "longitude": self.longitude,
            "title": self.title,
        }
        if self.radius is not None:
            out["radius"] = self.radius
        out.update(self.extra)
        return out


_LOCATION_KEYS = ("latitude", "longitude", "title", "radius")


def _number(body: Mapping[str, Any], key: str, where: str) -> float:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InteractiveParseError(f"{where}.{key}: the mandatory number is missing")
    return value


def _slot(raw: Any, where: str) -> TimeSlot:
    body = require_mapping(raw, where)
    duration = _number(body, "duration", where)
    extra = {k: v for k, v in body.items() if k not in ("date", "duration")}
    return TimeSlot(require_str(body, "date", where), int(duration), extra)


def _location(raw: Any, where: str) -> Optional[Location]:
    if raw is None:
        return None
    body = require_mapping(raw, where)
    radius = body.get("radius")
    return Location(
        latitude=_number(body, "latitude", where),
        longitude=_number(body, "longitude", where),
        title=require_str(body, "title", where),
        radius=radius if isinstance(radius, (int, float)) else None,
        extra={
            k: v for k, v in body.items() if k not in ("latitude", "longitude", "title", "radius")
        },
    )


@dataclass(frozen=True)
class TimePicker(InteractiveMessage):
    """Up to forty appointment slots; the customer picks one.

    Examples
    --------
    >>> picker = TimePicker("Schedule", [TimeSlot("2030-01-02T09:30+00:00", 30)])
    >>> picker.choices[0].title, picker.choices[0].subtitle
    ('2030-01-02T09:30+00:00', '30 minutes')
    """

    TEMPLATE_TYPE: ClassVar[str] = "TimePicker"
    CONTENT_KEYS: ClassVar[frozenset[str]] = frozenset(
        {"title", "subtitle", "timeZoneOffset", "location", "timeslots"}
    )

    title: str
    timeslots: Sequence[TimeSlot]
    subtitle: Optional[str] = None
    time_zone_offset: Optional[int] = None
    location: Optional[Location] = None
    reply_message: Optional[Element] = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    data_extra: Mapping[str, Any] = field(default_factory=dict)
    version: str = limits.TEMPLATE_VERSION
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "timeslots", tuple(self.timeslots))

    @property
    def choices(self) -> list[Choice]:
        return [
            Choice(i, s.date, f"{s.duration} minutes", None, s.to_dict())
            for i, s in enumerate(self.timeslots)
        ]

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> TimePicker:
        name = cls.TEMPLATE_TYPE
        data, content = _parts(raw, name)
        where = f"{name}.data.content"
        slots = require_list(content, "timeslots", where)
        offset = content.get("timeZoneOffset")
        return cls(
            title=require_str(content, "title", where),
            timeslots=[_slot(s, f"{name}.timeslots[{i}]") for i, s in enumerate(slots)],
            subtitle=optional_str(content, "subtitle", where),
            time_zone_offset=offset if isinstance(offset, int) else None,
            location=_location(content.get("location"), f"{where}.location"),
            reply_message=_reply(data, name),
            extra={k: v for k, v in content.items() if k not in cls.CONTENT_KEYS},
            data_extra={k: v for k, v in data.items() if k not in ("content", "replyMessage")},
            version=str(raw.get("version", limits.TEMPLATE_VERSION)),
            raw=raw,
        )

    def to_dict(self) -> JsonDict:
        content: JsonDict = {"title": self.title}
        if self.subtitle is not None:
            content["subtitle"] = self.subtitle
        if self.time_zone_offset is not None:
            content["timeZoneOffset"] = self.time_zone_offset
        if self.location is not None:
            content["location"] = self.location.to_dict()
        content["timeslots"] = [s.to_dict() for s in self.timeslots]
        content.update(self.extra)
        data = _data(self.reply_message, content, self.data_extra)
        return envelope(self.TEMPLATE_TYPE, self.version, data)

    def validate(self) -> None:
        check_text("TimePicker.content.title", self.title, limits.MAX_TITLE_CHARS, required=True)
        check_text("TimePicker.content.subtitle", self.subtitle, limits.MAX_SUBTITLE_CHARS)
        count = len(self.timeslots)
        check_count("TimePicker.timeslots", count, 1, limits.TIME_PICKER_MAX_TIMESLOTS)
        for i, slot in enumerate(self.timeslots):
            try:
                parse_date(slot.date)
            except ValueError:
                raise InteractiveLimitError(
                    f"TimePicker.timeslots[{i}].date", "an ISO 8601 date-time", repr(slot.date)
                ) from None
        _check_reply("TimePicker", self.reply_message)
