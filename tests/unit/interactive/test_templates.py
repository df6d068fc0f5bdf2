"""Every documented template: parse, build, serialise, round trip; limits refused."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from boto3_connectparticipant_ext.errors import ConnectParticipantExtError
from boto3_connectparticipant_ext.interactive import (
    Carousel,
    Element,
    InteractiveLimitError,
    InteractiveParseError,
    ListPicker,
    Location,
    Panel,
    QuickReply,
    TimePicker,
    TimeSlot,
    UnknownTemplate,
    ViewResource,
    parse_interactive,
)

LIST_PICKER: dict[str, Any] = {
    "templateType": "ListPicker",
    "version": "1.0",
    "data": {
        "replyMessage": {"title": "Thanks for selecting!", "subtitle": "Produce selected"},
        "content": {
            "title": "What produce would you like to buy?",
            "subtitle": "Tap to select option",
            "imageType": "URL",
            "imageData": "https://example.com/fruit.jpg",
            "imageDescription": "Select a produce to buy",
            "referenceId": "ref-1",
            "elements": [
                {
                    "title": "Apple",
                    "subtitle": "$1.00",
                    "imageType": "URL",
                    "imageData": "https://example.com/apple.jpg",
                },
                {"title": "Orange", "subtitle": "$1.50"},
                {
                    "title": "Banana",
                    "subtitle": "$10.00",
                    "imageDescription": "Banana",
                    "actionDetail": "ShowMore",
                },
            ],
        },
    },
}
TIME_PICKER: dict[str, Any] = {
    "templateType": "TimePicker",
    "version": "1.0",
    "data": {
        "replyMessage": {"title": "Thanks for selecting", "subtitle": "Appointment selected"},
        "content": {
            "title": "Schedule appointment",
            "subtitle": "Tap to select option",
            "timeZoneOffset": -450,
            "location": {
                "latitude": 47.616299,
                "longitude": -122.4311,
                "title": "Oscar",
                "radius": 1,
            },
            "timeslots": [
                {"date": "2020-10-31T17:00+00:00", "duration": 60},
                {"date": "2020-11-15T13:00+00:00", "duration": 60},
            ],
        },
    },
}
PANEL: dict[str, Any] = {
    "templateType": "Panel",
    "version": "1.0",
    "data": {
        "replyMessage": {"title": "Thanks for selecting!", "subtitle": "Option selected"},
        "content": {
            "title": "How can I help you?",
            "subtitle": "Tap to select option",
            "imageType": "URL",
            "imageData": "https://example.com/company.jpg",
            "imageDescription": "Select an option",
            "elements": [
                {"title": "Check self-service options"},
                {"title": "Talk to an agent"},
                {"title": "End chat"},
            ],
        },
    },
}
QUICK_REPLY: dict[str, Any] = {
    "templateType": "QuickReply",
    "version": "1.0",
    "data": {
        "content": {
            "title": "How was your experience?",
            "elements": [{"title": "Great"}, {"title": "Okay"}, {"title": "Bad"}],
        }
    },
}
CAROUSEL: dict[str, Any] = {
    "templateType": "Carousel",
    "version": "1.0",
    "data": {
        "content": {
            "title": "Our services",
            "elements": [
                {
                    "templateType": "Panel",
                    "version": "1.0",
                    "templateIdentifier": "p1",
                    "data": {
                        "content": {
                            "title": "Flights",
                            "elements": [
                                {"title": "Purchase Ticket"},
                                {
                                    "title": "Learn More",
                                    "type": "hyperlink",
                                    "url": "https://example.com",
                                },
                            ],
                        }
                    },
                },
                {
                    "templateType": "ListPicker",
                    "version": "1.0",
                    "templateIdentifier": "l1",
                    "data": {"content": {"title": "Dining", "elements": [{"title": "Book Table"}]}},
                },
            ],
        }
    },
}
VIEW: dict[str, Any] = {
    "templateType": "ViewResource",
    "version": "1.0",
    "data": {
        "content": {
            "viewId": "arn:aws:connect:us-east-1:1:instance/i/view/form:1",
            "viewToken": "tok",
            "viewData": {"Heading": "Sign up", "Sections": []},
        }
    },
}
DOCUMENTED = [LIST_PICKER, TIME_PICKER, PANEL, QUICK_REPLY, CAROUSEL, VIEW]


@pytest.mark.parametrize("raw", DOCUMENTED, ids=lambda r: r["templateType"])
def test_parse_then_serialise_loses_nothing(raw: dict[str, Any]) -> None:
    message = parse_interactive(json.dumps(raw))
    assert message.template_type == raw["templateType"]
    assert json.loads(message.to_content()) == raw
    assert parse_interactive(message.to_content()) == message
    assert parse_interactive(raw) == message  # a mapping is read as well


def test_list_picker_fields_and_choices() -> None:
    picker = parse_interactive(LIST_PICKER)
    assert isinstance(picker, ListPicker)
    assert picker.title == "What produce would you like to buy?"
    assert picker.reply_message == Element("Thanks for selecting!", "Produce selected")
    assert picker.extra == {"referenceId": "ref-1"}
    choices = picker.choices
    assert [(c.index, c.title, c.subtitle) for c in choices] == [
        (0, "Apple", "$1.00"),
        (1, "Orange", "$1.50"),
        (2, "Banana", "$10.00"),
    ]
    assert choices[0].image_url == "https://example.com/apple.jpg"
    assert choices[2].raw["actionDetail"] == "ShowMore"


def test_time_picker_fields() -> None:
    picker = parse_interactive(TIME_PICKER)
    assert isinstance(picker, TimePicker)
    assert picker.time_zone_offset == -450
    assert picker.location == Location(47.616299, -122.4311, "Oscar", 1)
    assert picker.timeslots[1].start == datetime(2020, 11, 15, 13, tzinfo=timezone.utc)
    assert [c.subtitle for c in picker.choices] == ["60 minutes", "60 minutes"]


def test_carousel_nests_templates_and_numbers_choices_globally() -> None:
    carousel = parse_interactive(CAROUSEL)
    assert isinstance(carousel, Carousel)
    assert [type(e).__name__ for e in carousel.elements] == ["Panel", "ListPicker"]
    assert [(c.index, c.title, c.subtitle) for c in carousel.choices] == [
        (0, "Purchase Ticket", "Flights"),
        (1, "Learn More", "Flights"),
        (2, "Book Table", "Dining"),
    ]
    nested, inner = carousel.locate(2)
    assert nested.title == "Dining" and inner.index == 0
    with pytest.raises(IndexError):
        carousel.locate(3)


def test_view_resource_fields() -> None:
    view = parse_interactive(VIEW)
    assert isinstance(view, ViewResource)
    assert view.view_token == "tok" and view.title == "Sign up" and view.choices == []


def test_unknown_template_survives_whole() -> None:
    raw = {
        "templateType": "WhatsAppReplyButton",
        "version": "2.0",
        "data": {"content": {"title": "Pick", "buttons": [1, 2]}},
        "other": True,
    }
    message = parse_interactive(json.dumps(raw))
    assert isinstance(message, UnknownTemplate)
    assert message.template_type == "WhatsAppReplyButton" and message.title == "Pick"
    assert message.raw == raw and json.loads(message.to_content()) == raw
    nested = dict(CAROUSEL)
    nested["data"] = {"content": {"title": "x", "elements": [raw]}}
    assert isinstance(parse_interactive(nested).elements[0], UnknownTemplate)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[1, 2]",
        '"text"',
        b"\xff",
        '{"version": "1.0"}',
        '{"templateType": 3}',
        '{"templateType": "ListPicker", "version": "1.0"}',
        '{"templateType": "ListPicker", "data": {"content": {"title": "x"}}}',
        '{"templateType": "Panel", "data": {"content": {"title": "x", '
        '"elements": [{"subtitle": "y"}]}}}',
        '{"templateType": "TimePicker", "data": {"content": {"title": "x", '
        '"timeslots": [{"date": "d"}]}}}',
        '{"templateType": "QuickReply", "data": {"content": {"title": 5, "elements": []}}}',
        '{"templateType": "Carousel", "data": {"content": {"title": "x", "elements": [{"x": 1}]}}}',
        '{"templateType": "ViewResource", "data": []}',
    ],
)
def test_malformed_content_raises_typed_error(content: Any) -> None:
    with pytest.raises(InteractiveParseError) as caught:
        parse_interactive(content)
    assert isinstance(caught.value, ConnectParticipantExtError)


def test_builders_serialise_the_documented_shape() -> None:
    picker = ListPicker(
        "Fruit?", [Element("Apple", image_data="https://e/a.jpg")], reply_message=Element("Thanks")
    )
    assert json.loads(picker.to_content()) == {
        "templateType": "ListPicker",
        "version": "1.0",
        "data": {
            "replyMessage": {"title": "Thanks"},
            "content": {
                "title": "Fruit?",
                "elements": [
                    {"title": "Apple", "imageType": "URL", "imageData": "https://e/a.jpg"}
                ],
            },
        },
    }
    start = datetime(2031, 5, 1, 9, tzinfo=timezone(timedelta(hours=2)))
    times = TimePicker("When?", [TimeSlot.at(start, 30)], location=Location(1.5, 2.5, "Shop"))
    assert json.loads(times.to_content())["data"]["content"] == {
        "title": "When?",
        "location": {"latitude": 1.5, "longitude": 2.5, "title": "Shop"},
        "timeslots": [{"date": "2031-05-01T09:00+02:00", "duration": 30}],
    }
    assert ViewResource("view-arn").to_dict()["data"] == {"content": {"viewId": "view-arn"}}


def _options(n: int) -> list[Element]:
    return [Element(f"option {i}") for i in range(n)]


def _slots(n: int) -> list[TimeSlot]:
    return [TimeSlot(f"2030-01-01T{i % 24:02}:00+00:00", 30) for i in range(n)]


@pytest.mark.parametrize(
    ("message", "limit"),
    [
        (ListPicker("x", _options(7)), "ListPicker.elements"),
        (ListPicker("x", []), "ListPicker.elements"),
        (Panel("x", _options(11)), "Panel.elements"),
        (QuickReply("x", []), "QuickReply.elements"),
        (TimePicker("x", _slots(41)), "TimePicker.timeslots"),
        (TimePicker("x", []), "TimePicker.timeslots"),
        (TimePicker("x", [TimeSlot("tomorrow", 30)]), "TimePicker.timeslots[0].date"),
        (ListPicker("t" * 401, _options(1)), "ListPicker.content.title"),
        (ListPicker("", _options(1)), "ListPicker.content.title"),
        (Panel("x", _options(1), subtitle="s" * 401), "Panel.content.subtitle"),
        (ListPicker("x", [Element("e" * 401)]), "ListPicker.elements[0].title"),
        (ListPicker("x", [Element("e", subtitle="s" * 401)]), "ListPicker.elements[0].subtitle"),
        (QuickReply("x", [Element("q" * 201)]), "QuickReply.elements[0].title"),
        (Panel("x", _options(1), reply_message=Element("")), "Panel.replyMessage.title"),
        (
            TimePicker("x", _slots(1), reply_message=Element("r" * 401)),
            "TimePicker.replyMessage.title",
        ),
        (Carousel("x", [Panel("p", _options(1))] * 6), "Carousel.elements"),
        (Carousel("x", [QuickReply("q", _options(1))]), "Carousel.elements[0]"),
        (Carousel("x", [Panel("p", _options(11))]), "Panel.elements"),
        (
            ListPicker(
                "x",
                [Element("e" * 400, subtitle="s" * 400) for _ in range(6)],
                extra={"pad": "p" * 16000},
            ),
            "ListPicker.size",
        ),
        (ViewResource(), "ViewResource.content.viewId"),
    ],
)
def test_limits_are_refused_with_the_limit_named(message: Any, limit: str) -> None:
    with pytest.raises(InteractiveLimitError) as caught:
        message.to_content()
    assert caught.value.limit == limit
    assert limit in str(caught.value)


def test_limits_at_the_edge_pass() -> None:
    ListPicker("t" * 400, [Element("e" * 400, subtitle="s" * 400) for _ in range(6)]).to_content()
    Panel("x", _options(10)).to_content()
    QuickReply("x", [Element("q" * 200)]).to_content()
    TimePicker("x", _slots(40)).to_content()
    Carousel("x", [Panel("p", _options(1))] * 5).to_content()


def test_parsing_never_enforces_limits() -> None:
    raw = json.loads(ListPicker("x", _options(1)).to_content())
    raw["data"]["content"]["elements"] = [{"title": "e" * 500}] * 9
    assert len(parse_interactive(raw).choices) == 9


def test_naive_datetime_slot_refused() -> None:
    with pytest.raises(InteractiveLimitError):
        TimeSlot.at(datetime(2030, 1, 1), 30)
