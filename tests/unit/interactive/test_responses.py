"""Answers: response_for / response_text / view_response and parse_response, for every template."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from boto3_connectparticipant_ext.interactive import (
    Carousel,
    Element,
    InteractiveChoiceError,
    InteractiveParseError,
    ListPicker,
    Panel,
    QuickReply,
    TimePicker,
    UnknownTemplate,
    ViewResource,
    parse_interactive,
    parse_response,
    response_for,
    response_text,
    select,
    view_response,
)

from .test_templates import CAROUSEL, LIST_PICKER, TIME_PICKER

FRUIT = ListPicker(
    "Fruit?",
    [Element("Apple"), Element("Pear", extra={"id": "p-1"})],
    extra={"listId": "L", "referenceId": "R"},
)


@pytest.mark.parametrize("choice", [1, "Pear", "pear", "p-1"])
def test_list_picker_answer_by_index_title_or_id(choice: object) -> None:
    content = response_for(FRUIT, choice)  # type: ignore[arg-type]
    assert json.loads(content) == {
        "templateType": "ListPicker",
        "version": "1.0",
        "data": {
            "title": "Pear",
            "index": 1,
            "elementId": "p-1",
            "listId": "L",
            "referenceId": "R",
        },
    }
    answer = parse_response(content)
    assert (answer.template_type, answer.title, answer.index, answer.element_id) == (
        "ListPicker",
        "Pear",
        1,
        "p-1",
    )


def test_answer_with_a_choice_object_and_round_trip_of_parsed_message() -> None:
    picker = parse_interactive(LIST_PICKER)
    choice = picker.choices[2]
    assert parse_response(response_for(picker, choice)).title == "Banana"
    assert response_text(picker, choice) == "Banana"


@pytest.mark.parametrize("template", [Panel, QuickReply])
def test_panel_and_quick_reply(template: type) -> None:
    message = template("Help?", [Element("Agent"), Element("Bot")])
    answer = parse_response(response_for(message, "Bot"))
    assert (answer.template_type, answer.title, answer.index) == (template.__name__, "Bot", 1)


def test_time_picker_by_datetime_string_or_slot() -> None:
    picker = parse_interactive(TIME_PICKER)
    assert isinstance(picker, TimePicker)
    same_instant = datetime(2020, 11, 15, 8, tzinfo=timezone(timedelta(hours=-5)))
    for choice in (same_instant, "2020-11-15T13:00Z", picker.timeslots[1], 1):
        answer = parse_response(response_for(picker, choice))
        assert answer.index == 1
        assert answer.data["duration"] == 60
        assert answer.selected_time == datetime(2020, 11, 15, 13, tzinfo=timezone.utc)
    assert response_text(picker, 0) == "2020-10-31T17:00+00:00"
    with pytest.raises(InteractiveChoiceError):
        response_for(picker, datetime(2020, 11, 15, 13))  # naive
    with pytest.raises(InteractiveChoiceError):
        response_for(picker, datetime(2020, 11, 15, 14, tzinfo=timezone.utc))


def test_carousel_answer_names_the_nested_template() -> None:
    carousel = parse_interactive(CAROUSEL)
    content = json.loads(response_for(carousel, "Book Table"))
    assert content["templateType"] == "Carousel"
    assert content["data"] == {
        "title": "Book Table",
        "index": 2,
        "templateIdentifier": "l1",
        "listTitle": "Dining",
        "selectionText": "Book Table",
    }
    assert json.loads(response_text(carousel, 0)) == {
        "templateIdentifier": "p1",
        "listTitle": "Flights",
        "selectionText": "Purchase Ticket",
    }
    built = Carousel("x", [Panel("A", [Element("a")])])
    assert "templateIdentifier" not in json.loads(response_for(built, 0))["data"]


def test_view_answer() -> None:
    answer = parse_response(view_response("Submit", {"Name": "Ada"}))
    assert (answer.template_type, answer.action, dict(answer.data)) == (
        "ViewResource",
        "Submit",
        {"Name": "Ada"},
    )
    view = ViewResource("arn")
    for call in (response_for, response_text):
        with pytest.raises(InteractiveChoiceError):
            call(view, 0)
    with pytest.raises(InteractiveChoiceError):
        view_response("")


@pytest.mark.parametrize("choice", [5, -1, True, "Mango", 1.5])
def test_unknown_choice_is_refused_listing_the_options(choice: object) -> None:
    with pytest.raises(InteractiveChoiceError) as caught:
        select(FRUIT, choice)  # type: ignore[arg-type]
    assert "'Apple', 'Pear'" in str(caught.value)


def test_ambiguous_title_is_refused() -> None:
    twice = QuickReply("x", [Element("Yes"), Element("YES")])
    assert select(twice, "YES").index == 1  # exact match wins
    with pytest.raises(InteractiveChoiceError, match="several"):
        select(twice, "yes")


def test_unknown_template_has_no_choices() -> None:
    with pytest.raises(InteractiveChoiceError):
        response_for(UnknownTemplate("Mystery"), 0)


def test_parse_response_of_widget_actions_and_bad_content() -> None:
    show_more = {
        "version": "1.0",
        "action": "ShowMore",
        "data": {"actionName": "ShowMore", "templateType": "ListPicker", "listId": "L"},
    }
    answer = parse_response(json.dumps(show_more))
    assert (answer.template_type, answer.action, answer.title) == ("ListPicker", "ShowMore", None)
    for bad in ("nope", "[1]", '{"data": []}'):
        with pytest.raises(InteractiveParseError):
            parse_response(bad)
