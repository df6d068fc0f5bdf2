"""Turn transcript items into readable text: the ``cpx transcript`` formats and ``cpx watch`` lines.

Items are rendered one at a time so a long transcript is streamed, never held in memory. Every
field of an item was written by a chat participant, so it is treated as untrusted: terminal
control sequences are removed from text output, HTML is escaped and Markdown is escaped unless the
message itself is Markdown.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import IO, Any

FORMATS = ("json", "jsonl", "text", "markdown", "html")

_EVENT_PREFIX = "application/vnd.amazonaws.connect.event."
# C0/C1 control characters except tab and newline: ESC sequences could rewrite the terminal.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!])")
# Line starts Markdown reads as a list or a rule: "- x", "+ x", "= x", "1. x".
_MARKDOWN_BLOCK_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)\.)", re.MULTILINE)

_EVENT_TEXT = {
    "typing": "is typing...",
    "participant.joined": "joined the chat",
    "participant.left": "left the chat",
    "participant.idle": "is idle",
    "participant.returned": "is back",
    "participant.invited": "was invited",
    "participant.autodisconnection": "was disconnected for inactivity",
    "participant.displayname.updated": "changed display name",
    "transfer.succeeded": "transferred the chat",
    "transfer.failed": "could not transfer the chat",
    "chat.ended": "the chat ended",
    "chat.rehydrated": "the chat was resumed",
    "message.delivered": "received a message",
    "message.read": "read a message",
}
_TYPE_TEXT = {
    "TYPING": "is typing...",
    "PARTICIPANT_JOINED": "joined the chat",
    "PARTICIPANT_LEFT": "left the chat",
    "CHAT_ENDED": "the chat ended",
    "TRANSFER_SUCCEEDED": "transferred the chat",
    "TRANSFER_FAILED": "could not transfer the chat",
    "MESSAGE_DELIVERED": "received a message",
    "MESSAGE_READ": "read a message",
    "CONNECTION_ACK": "connected",
}


def terminal_safe(text: str) -> str:
    """Return ``text`` without control characters that could drive the terminal.

    Examples
    --------
    >>> terminal_safe("hi\\x1b[2Jthere")
    'hi[2Jthere'
    """
    return _TERMINAL_UNSAFE.sub("", text)


def speaker(item: Mapping[str, Any]) -> str:
    """Return who an item is from: ``"Jane (CUSTOMER)"``, or just the role or ``"system"``.

    Examples
    --------
    >>> speaker({"DisplayName": "Jane", "ParticipantRole": "CUSTOMER"})
    'Jane (CUSTOMER)'
    """
    name = item.get("DisplayName")
    role = item.get("ParticipantRole")
    if name and role:
        return f"{name} ({role})"
    return str(name or role or "system")


def summary(item: Mapping[str, Any]) -> str:
    """Return what an item says: the message text, or a short sentence for events and files.

    Examples
    --------
    >>> summary({"Type": "MESSAGE", "Content": "hello"})
    'hello'
    >>> summary({"Type": "EVENT", "ContentType": "application/vnd.amazonaws.connect.event.typing"})
    'is typing...'
    >>> files = [{"AttachmentName": "a.pdf", "Status": "APPROVED"}]
    >>> summary({"Type": "ATTACHMENT", "Attachments": files})
    'sent a.pdf (APPROVED)'
    """
    item_type = str(item.get("Type", ""))
    if item_type == "MESSAGE":
        return str(item.get("Content", ""))
    if item_type == "ATTACHMENT" or item.get("Attachments"):
        names = [
            f"{attachment.get('AttachmentName', '?')} ({attachment.get('Status', '?')})"
            for attachment in item.get("Attachments") or ()
        ]
        return "sent " + (", ".join(names) if names else "an attachment")
    content_type = str(item.get("ContentType", ""))
    if content_type.startswith(_EVENT_PREFIX):
        event = content_type[len(_EVENT_PREFIX) :]
        return _EVENT_TEXT.get(event, event)
    if item_type in _TYPE_TEXT:
        return _TYPE_TEXT[item_type]
    return item_type.lower().replace("_", " ") or "(empty item)"


def short_time(item: Mapping[str, Any]) -> str:
    """Return the item's time as ``YYYY-MM-DD HH:MM:SS`` (UTC, as the service gives it)."""
    stamp = str(item.get("AbsoluteTime", ""))
    return stamp.replace("T", " ")[:19] if stamp else "-" * 19


def text_line(item: Mapping[str, Any]) -> str:
    """Return one readable line (continuation lines indented) for terminals and text files.

    Examples
    --------
    >>> text_line({"AbsoluteTime": "2024-05-01T10:00:00.000Z", "Type": "MESSAGE",
    ...            "DisplayName": "Jane", "ParticipantRole": "CUSTOMER", "Content": "hi\\nthere"})
    '2024-05-01 10:00:00  Jane (CUSTOMER): hi\\n    there'
    """
    body = summary(item).replace("\r\n", "\n").replace("\n", "\n    ")
    return terminal_safe(f"{short_time(item)}  {speaker(item)}: {body}")


class TranscriptWriter:
    """Writes items to a text stream in one format: ``begin()``, ``write(item)``..., ``end()``."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.count = 0

    def begin(self) -> None:
        """Write whatever comes before the first item."""

    def write(self, item: Mapping[str, Any]) -> None:
        """Write one item."""
        self._write_item(item)
        self.count += 1

    def end(self) -> None:
        """Write whatever comes after the last item."""

    def _write_item(self, item: Mapping[str, Any]) -> None:
        raise NotImplementedError


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class JsonWriter(TranscriptWriter):
    """A JSON array of items (valid JSON even when the transcript is empty)."""

    def begin(self) -> None:
        self.stream.write("[")

    def _write_item(self, item: Mapping[str, Any]) -> None:
        self.stream.write(("\n  " if self.count == 0 else ",\n  ") + _json_text(item))

    def end(self) -> None:
        self.stream.write("\n]\n" if self.count else "]\n")


class JsonLinesWriter(TranscriptWriter):
    """One JSON object per line."""

    def _write_item(self, item: Mapping[str, Any]) -> None:
        self.stream.write(_json_text(item) + "\n")


class TextWriter(TranscriptWriter):
    """One readable line per item."""

    def _write_item(self, item: Mapping[str, Any]) -> None:
        self.stream.write(text_line(item) + "\n")


def markdown_escape(text: str) -> str:
    r"""Return ``text`` with the characters Markdown would interpret escaped.

    Examples
    --------
    >>> markdown_escape("*not bold* <b>")
    '\\*not bold\\* \\<b\\>'
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _MARKDOWN_BLOCK_START.sub(_escape_block_start, escaped)


def _escape_block_start(match: re.Match[str]) -> str:
    indent, marker, number = match.groups()
    # Only punctuation can be backslash-escaped, so the dot gets it, not the digit.
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\."


class MarkdownWriter(TranscriptWriter):
    """A Markdown document: one paragraph per item; Markdown messages kept as Markdown."""

    def begin(self) -> None:
        self.stream.write("# Chat transcript\n")

    def _write_item(self, item: Mapping[str, Any]) -> None:
        who = markdown_escape(terminal_safe(speaker(item)))
        text = terminal_safe(summary(item))
        is_markdown = item.get("Type") == "MESSAGE" and item.get("ContentType") == "text/markdown"
        body = text if is_markdown else markdown_escape(text)
        # Two trailing spaces make a Markdown line break inside the paragraph.
        body = body.replace("\r\n", "\n").replace("\n", "  \n")
        self.stream.write(f"\n**{who}** · {short_time(item)}  \n{body}\n")


_HTML_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chat transcript</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
.item { margin: 0.6rem 0; padding: 0.4rem 0.7rem; border-left: 3px solid #bbb; }
.role-customer { border-color: #2a7ae2; } .role-agent { border-color: #2e9e44; }
.role-system, .role-custom_bot { border-color: #999; color: #555; }
.meta { font-size: 0.8rem; color: #666; }
.content { white-space: pre-wrap; overflow-wrap: anywhere; }
</style>
</head>
<body>
<h1>Chat transcript</h1>
"""


class HtmlWriter(TranscriptWriter):
    """A standalone HTML page; every participant-written string is escaped."""

    def begin(self) -> None:
        self.stream.write(_HTML_HEAD)

    def _write_item(self, item: Mapping[str, Any]) -> None:
        role = re.sub(r"[^a-z_]", "", str(item.get("ParticipantRole", "system")).lower())
        self.stream.write(
            f'<div class="item role-{role}">'
            f'<div class="meta"><time>{html.escape(short_time(item))}</time> '
            f"<strong>{html.escape(terminal_safe(speaker(item)))}</strong></div>"
            f'<div class="content">{html.escape(terminal_safe(summary(item)))}</div>'
            "</div>\n"
        )

    def end(self) -> None:
        self.stream.write("</body>\n</html>\n")


_WRITERS: dict[str, type[TranscriptWriter]] = {
    "json": JsonWriter,
    "jsonl": JsonLinesWriter,
    "text": TextWriter,
    "markdown": MarkdownWriter,
    "html": HtmlWriter,
}


def make_writer(output_format: str, stream: IO[str]) -> TranscriptWriter:
    """Return the writer for one of :data:`FORMATS`.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> writer = make_writer("jsonl", out)
    >>> writer.begin(); writer.write({"Id": "1"}); writer.end()
    >>> out.getvalue()
    '{"Id": "1"}\\n'
    """
    return _WRITERS[output_format](stream)
