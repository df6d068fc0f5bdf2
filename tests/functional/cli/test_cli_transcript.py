"""``cpx transcript``: every format, both orders, stdout or an all-or-nothing file."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import Chat, Cpx

HOSTILE = "<script>alert(1)</script> *bold* \x1b[2J# heading"


@pytest.fixture
def busy_chat(chat: Chat) -> Chat:
    for number in range(25):
        chat.agent_says(f"message {number}")
    chat.agent_says(HOSTILE)
    return chat


def _ids(chat: Chat) -> list[str]:
    return [item["Id"] for item in chat.transcript()]


def test_json_is_the_whole_transcript_oldest_first(cpx: Cpx, busy_chat: Chat) -> None:
    items = json.loads(cpx.ok("transcript", "--format", "json").stdout)
    assert [item["Id"] for item in items] == _ids(busy_chat)
    assert items[-1]["Content"] == HOSTILE  # data formats keep the content exactly


def test_jsonl_newest_first(cpx: Cpx, busy_chat: Chat) -> None:
    lines = cpx.ok("transcript", "--format", "jsonl", "--order", "newest-first").stdout
    ids = [json.loads(line)["Id"] for line in lines.splitlines()]
    assert ids == list(reversed(_ids(busy_chat)))


def test_text_is_readable_and_terminal_safe(cpx: Cpx, busy_chat: Chat) -> None:
    text = cpx.ok("transcript", "--format", "text").stdout
    lines = text.splitlines()
    assert len(lines) == len(_ids(busy_chat))
    assert lines[-2].endswith("Ann (AGENT): message 24")
    assert "\x1b" not in text


def test_markdown_escapes_participant_text(cpx: Cpx, busy_chat: Chat) -> None:
    markdown = cpx.ok("transcript", "--format", "markdown").stdout
    assert markdown.startswith("# Chat transcript\n")
    assert "\\<script\\>" in markdown
    assert "\\*bold\\*" in markdown
    assert "<script>" not in markdown


def test_html_is_a_valid_page_with_everything_escaped(cpx: Cpx, busy_chat: Chat) -> None:
    page = cpx.ok("transcript", "--format", "html").stdout
    assert "<script>" not in page
    assert "&lt;script&gt;" in page

    class Collector(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.items = 0
            self.texts: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "div" and any(v and v.startswith("item ") for k, v in attrs if k == "class"):
                self.items += 1

        def handle_data(self, data: str) -> None:
            self.texts.append(data)

    collector = Collector()
    collector.feed(page)
    assert collector.items == len(_ids(busy_chat))
    assert any("<script>alert(1)</script>" in text for text in collector.texts)


def test_out_file_is_written_whole(cpx: Cpx, busy_chat: Chat, tmp_path: Path) -> None:
    target = tmp_path / "chat.jsonl"
    completed = cpx.ok("transcript", "--format", "jsonl", "--out", str(target))
    assert completed.stdout == ""
    assert f"wrote {len(_ids(busy_chat))} items" in completed.stderr
    assert len(target.read_text().splitlines()) == len(_ids(busy_chat))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chat.jsonl"]


def test_failed_export_leaves_the_old_file_and_no_partial(
    cpx: Cpx, busy_chat: Chat, tmp_path: Path
) -> None:
    target = tmp_path / "chat.txt"
    target.write_text("the previous export\n")
    completed = cpx.run(
        "transcript", "--out", str(target), "--connection-token", "not-a-real-token"
    )
    assert completed.returncode == 4
    assert target.read_text() == "the previous export\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chat.txt"]


def test_out_into_a_missing_directory_is_a_file_error(cpx: Cpx, tmp_path: Path) -> None:
    completed = cpx.run("transcript", "--out", str(tmp_path / "missing" / "chat.txt"))
    assert completed.returncode == 6
    assert completed.stderr.count("\n") == 1
    assert "does not exist" in completed.stderr
