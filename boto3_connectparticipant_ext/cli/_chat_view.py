"""What ``cpx chat`` shows: one rich ``Text`` per chat event, and the state the prompt needs.

No I/O here: :class:`ChatView` turns events into lines (roles, times, contents, numbered
choices of interactive messages, attachments, the other side's typing, receipts of the
customer's messages) and remembers what a number or ``/download`` refers to.
Every text from the chat goes through ``terminal_safe`` and ``redact_text`` first.

Examples
--------
>>> from boto3_connectparticipant_ext.chat.events import event_from_item
>>> view = ChatView(me="p-1")
>>> line = view.render(event_from_item({"Id": "m1", "Type": "MESSAGE", "Content": "hi",
...     "ContentType": "text/plain", "ParticipantRole": "AGENT", "DisplayName": "Ann",
...     "AbsoluteTime": "2030-01-02T09:30:01.000Z"}))
>>> line.plain
'09:30:01  Ann (AGENT): hi'
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Optional

from boto3_connectparticipant_ext.chat.events import (
    AttachmentEvent,
    ChatEndedEvent,
    ChatEvent,
    ItemEvent,
    MessageEvent,
    ReadReceiptEvent,
    ReceiptEvent,
    TypingEvent,
)
from boto3_connectparticipant_ext.cli._render import speaker, summary, terminal_safe
from boto3_connectparticipant_ext.cli._watch import event_item
from boto3_connectparticipant_ext.redact import redact_text
from boto3_connectparticipant_ext.service_limits import (
    INTERACTIVE_CONTENT_TYPE,
    INTERACTIVE_RESPONSE_CONTENT_TYPE,
)

if TYPE_CHECKING:
    from rich.text import Text

HELP = (
    "type a message and press Enter; a number answers the last choices; "
    "/attach PATH sends a file; /download [N] [DIR] saves an attachment; "
    "/history shows the transcript; /end leaves the chat; /help shows this"
)
_ROLE_STYLES = {
    "CUSTOMER": "bold cyan",
    "AGENT": "bold green",
    "SYSTEM": "bold magenta",
    "CUSTOM_BOT": "bold magenta",
    "SUPERVISOR": "bold yellow",
}
_CONNECTION_TEXT = {
    "connection.established": "connected (type /help for commands)",
    "connection.lost": "connection lost, reconnecting...",
    "connection.reestablished": "reconnected",
    "deep_heartbeat.failed": "the service did not answer a ping",
}


def clean(text: str) -> str:
    return terminal_safe(redact_text(text))


@dataclasses.dataclass
class Pending:
    """The interactive message a number answers."""

    event: MessageEvent
    message: Any


class ChatView:
    """Renders events and keeps what the prompt refers to (choices, attachments, status)."""

    def __init__(self, *, me: Optional[str]) -> None:
        self.me = me
        self.pending: Optional[Pending] = None
        self.attachments: list[AttachmentEvent] = []
        self.typing: Optional[str] = None
        self.receipt: Optional[str] = None
        self.ended = False
        self._own: set[str] = set()
        self._names: dict[str, str] = {}
        self._seen: set[tuple[str, Optional[str]]] = set()
        self._typing_shown: set[str] = set()
        self._receipts_shown: set[tuple[str, str]] = set()

    def note_own(self, message_id: str) -> None:
        self._own.add(message_id)

    def mine(self, event: ItemEvent) -> bool:
        return (self.me is not None and event.participant_id == self.me) or (
            event.participant_role == "CUSTOMER" and self.me is None
        )

    def status(self) -> str:
        """The bottom toolbar: who is typing, the last receipt."""
        parts = [self.typing or "", self.receipt or ""]
        return "  ".join(p for p in parts if p) or "Enter sends, /help for commands"

    def render(self, event: ChatEvent) -> Optional[Text]:
        """The line(s) to print for ``event`` (``None``: nothing to print)."""
        from rich.text import Text

        if not isinstance(event, ItemEvent):
            text = _CONNECTION_TEXT.get(event.kind, event.kind)
            return Text(f"* {text}", style="dim")
        if event.id is not None and not isinstance(event, (TypingEvent, ReceiptEvent)):
            # The history (GetTranscript) and the live stream may both bring an item.
            key = (event.id, event.status if isinstance(event, AttachmentEvent) else None)
            if key in self._seen:
                return None
            self._seen.add(key)
        if event.participant_id and event.display_name:
            self._names[event.participant_id] = event.display_name
        if isinstance(event, TypingEvent):
            return self._typing(event)
        if isinstance(event, ReceiptEvent):
            return self._receipt(event)
        who = event.participant_id or event.participant_role or ""
        self._typing_shown.discard(who)
        if self.typing and event.display_name and self.typing.startswith(event.display_name):
            self.typing = None
        line = self._head(event)
        if isinstance(event, MessageEvent):
            if event.id and event.participant_id == self.me:
                self._own.add(event.id)
            line.append_text(self._message_body(event))
        elif isinstance(event, AttachmentEvent):
            line.append(clean(summary(event_item(event))))
            if event.status != "IN_PROGRESS" and not self.mine(event):
                self.attachments.append(event)
                line.append(f"  (/download {len(self.attachments)})", style="dim")
        else:
            line.append(clean(summary(event_item(event))), style="italic")
        if isinstance(event, ChatEndedEvent):
            self.ended = True
        return line

    def _head(self, event: ItemEvent) -> Text:
        from rich.text import Text

        when = (event.absolute_time or "")[11:19] or "--:--:--"
        role = event.participant_role or ""
        line = Text(f"{when}  ", style="dim")
        line.append(clean(speaker(event_item(event))), style=_ROLE_STYLES.get(role, "bold"))
        line.append(": ")
        return line

    def _message_body(self, event: MessageEvent) -> Text:
        from rich.text import Text

        if event.content_type == INTERACTIVE_RESPONSE_CONTENT_TYPE:
            from boto3_connectparticipant_ext.interactive import parse_response

            try:
                return Text(f"chose {clean(parse_response(event.content).title or '?')}")
            except Exception:
                return Text(clean(event.content))
        if event.content_type != INTERACTIVE_CONTENT_TYPE:
            return Text(clean(event.content).replace("\n", "\n    "))
        from boto3_connectparticipant_ext.interactive import parse_interactive

        try:
            message = parse_interactive(event.content)
        except Exception:
            return Text(clean(event.content))
        body = Text(f"[{message.template_type}] ", style="dim")
        body.append(clean(message.title or ""), style="bold")
        for choice in message.choices:
            body.append(f"\n    {choice.index + 1}. ", style="bold")
            body.append(clean(choice.title))
            if choice.subtitle:
                body.append(f" - {clean(choice.subtitle)}", style="dim")
        if message.choices and not self.mine(event):
            self.pending = Pending(event, message)
            body.append("\n    (answer with a number)", style="dim")
        return body

    def _typing(self, event: TypingEvent) -> Optional[Text]:
        from rich.text import Text

        if self.mine(event):
            return None
        name = clean(event.display_name or event.participant_role or "someone")
        self.typing = f"{name} is typing..."
        who = event.participant_id or name
        if who in self._typing_shown:
            return None
        self._typing_shown.add(who)
        return Text(f"          {self.typing}", style="dim italic")

    def _receipt(self, event: ReceiptEvent) -> Optional[Text]:
        from rich.text import Text

        if not event.message_id or event.message_id not in self._own or self.mine(event):
            return None
        kind = "read" if isinstance(event, ReadReceiptEvent) else "delivered"
        readers = [r.recipient_participant_id for r in event.receipts]
        if self.me is not None and self.me in readers:
            return None
        known = [self._names[r] for r in readers if r in self._names]
        name = clean(event.display_name or (known[0] if known else "the other side"))
        self.receipt = f"your last message: {kind}"
        key = (event.message_id, kind)
        if key in self._receipts_shown:
            return None
        self._receipts_shown.add(key)
        mark = "✓✓" if kind == "read" else "✓"
        return Text(f"          {mark} {kind} by {name}", style="dim")
