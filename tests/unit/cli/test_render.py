"""Transcript rendering for ``cpx``: formats, escaping of participant-written text."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from boto3_connectparticipant_ext.cli._render import (
    FORMATS,
    make_writer,
    markdown_escape,
    summary,
    terminal_safe,
    text_line,
)

ITEMS: list[dict[str, Any]] = [
    {
        "Id": "1",
        "Type": "EVENT",
        "ContentType": "application/vnd.amazonaws.connect.event.participant.joined",
        "DisplayName": "Jane",
        "ParticipantRole": "CUSTOMER",
        "AbsoluteTime": "2024-05-01T10:00:00.000Z",
    },
    {
        "Id": "2",
        "Type": "MESSAGE",
        "ContentType": "text/plain",
        "Content": "<b>hi</b> *there*\n# not a heading",
        "DisplayName": "Ann & Co",
        "ParticipantRole": "AGENT",
        "AbsoluteTime": "2024-05-01T10:00:01.000Z",
    },
    {
        "Id": "3",
        "Type": "ATTACHMENT",
        "Attachments": [{"AttachmentId": "a", "AttachmentName": "x.pdf", "Status": "APPROVED"}],
        "DisplayName": "Jane",
        "ParticipantRole": "CUSTOMER",
        "AbsoluteTime": "2024-05-01T10:00:02.000Z",
    },
    {
        "Id": "4",
        "Type": "MESSAGE",
        "ContentType": "text/markdown",
        "Content": "**bold** markdown",
        "DisplayName": "Bot",
        "ParticipantRole": "CUSTOM_BOT",
        "AbsoluteTime": "2024-05-01T10:00:03.000Z",
    },
]


def _render(output_format: str, items: list[dict[str, Any]]) -> str:
    stream = io.StringIO()
    writer = make_writer(output_format, stream)
    writer.begin()
    for item in items:
        writer.write(item)
    writer.end()
    assert writer.count == len(items)
    return stream.getvalue()


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_handles_an_empty_transcript(output_format: str) -> None:
    text = _render(output_format, [])
    if output_format == "json":
        assert json.loads(text) == []


def test_json_round_trips() -> None:
    assert json.loads(_render("json", ITEMS)) == ITEMS
    lines = _render("jsonl", ITEMS).splitlines()
    assert [json.loads(line) for line in lines] == ITEMS


def test_text_lines() -> None:
    lines = _render("text", ITEMS).splitlines()
    assert lines[0] == "2024-05-01 10:00:00  Jane (CUSTOMER): joined the chat"
    assert lines[1] == "2024-05-01 10:00:01  Ann & Co (AGENT): <b>hi</b> *there*"
    assert lines[2] == "    # not a heading"
    assert lines[3] == "2024-05-01 10:00:02  Jane (CUSTOMER): sent x.pdf (APPROVED)"


def test_html_escapes_everything_participants_wrote() -> None:
    page = _render("html", ITEMS)
    assert "<b>hi</b>" not in page
    assert "&lt;b&gt;hi&lt;/b&gt;" in page
    assert "Ann &amp; Co" in page
    assert page.rstrip().endswith("</html>")


def test_markdown_escapes_plain_text_but_keeps_markdown_messages() -> None:
    document = _render("markdown", ITEMS)
    assert "\\<b\\>hi\\</b\\> \\*there\\*" in document
    assert "\\# not a heading" in document
    assert "**bold** markdown" in document


def test_markdown_escape_of_block_starts() -> None:
    assert markdown_escape("1. not a list\n- nor this") == "1\\. not a list\n\\- nor this"


def test_terminal_safe_strips_escape_sequences_but_keeps_layout() -> None:
    assert terminal_safe("a\x1b]0;title\x07b\tc\nd\x9b") == "a]0;titleb\tc\nd"


def test_unknown_types_still_say_something() -> None:
    assert summary({"Type": "SOMETHING_NEW"}) == "something new"
    assert text_line({}).endswith("system: (empty item)")
