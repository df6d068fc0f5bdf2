"""The conversation engine: matching, waiting, failure messages and latency, without I/O.

:class:`Conversation` and :class:`AsyncConversation` are thin drivers of this module. A wait
is a generator (a "sans-I/O" step machine): it yields how many seconds the driver may wait
for the next event and receives that event (or ``None`` when none came or the stream
ended); it returns the matched event or raises :class:`ExpectationFailed`. The sync driver
feeds it from ``ChatSession.events()``, the async one from ``AsyncChatSession.events()``.

Matching rules (the issue leaves them open; chosen to be predictable):

* Events are consumed in order. An event that does not match the current expectation is
  skipped (it stays in :meth:`Engine.transcript`), as ``pexpect`` does.
* ``text``: a ``str`` must occur in the content as-is (substring, case-sensitive); a
  compiled ``re.Pattern`` is searched. ``role``: one role or several (``"AGENT"``,
  ``"SYSTEM"`` (flows and Lex bots), ``"CUSTOM_BOT"`` ...); ``None`` means anyone but the
  customer.
* The chat ending fails every expectation but ``expect_end``.

Examples
--------
>>> from boto3_connectparticipant_ext.chat import event_from_item
>>> engine = Engine(clock=iter([0.0, 0.0, 0.0, 0.5]).__next__)
>>> engine.note_sent()
>>> wait = engine.wait(Expectation.message(role="AGENT", text="hello"), timeout=5)
>>> next(wait)
5.0
>>> reply = event_from_item({"Type": "MESSAGE", "ContentType": "text/plain",
...     "Content": "hello there", "ParticipantRole": "AGENT", "Id": "m1"})
>>> try:
...     wait.send(reply)
... except StopIteration as done:
...     print(done.value.content, engine.latencies.samples[0].seconds)
hello there 0.5
"""

from __future__ import annotations

import collections
import dataclasses
import json
import re
import time
from collections.abc import Collection, Generator, Iterable, Mapping
from typing import Any, Callable, Optional, Union

from ..chat.events import (
    AttachmentEvent,
    ChatEndedEvent,
    ChatEvent,
    ItemEvent,
    MessageEvent,
    ReceiptEvent,
    TypingEvent,
    event_from_item,
)
from ..redact import redact_text
from ..service_limits import INTERACTIVE_CONTENT_TYPE, INTERACTIVE_RESPONSE_CONTENT_TYPE
from .errors import ExpectationFailed
from .latency import LatencyStats

CUSTOMER = "CUSTOMER"
TextMatcher = Union[str, "re.Pattern[str]", None]
RoleMatcher = Union[str, Collection[str], None]
Step = Generator[float, Optional[ChatEvent], Optional[ChatEvent]]

#: How many of the last items a failure message shows.
SHOWN_ITEMS = 12
_CONTENT_WIDTH = 160


def _roles(role: RoleMatcher) -> Optional[frozenset[str]]:
    if role is None:
        return None
    if isinstance(role, str):
        return frozenset({role})
    return frozenset(role)


def template_of(event: ChatEvent) -> Optional[str]:
    """The ``templateType`` of an interactive message event (``None`` for anything else)."""
    if not isinstance(event, MessageEvent) or event.content_type != INTERACTIVE_CONTENT_TYPE:
        return None
    try:
        body = json.loads(event.content)
    except ValueError:
        return None
    value = body.get("templateType") if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


@dataclasses.dataclass(frozen=True)
class Expectation:
    """What an ``expect`` call waits for; :meth:`describe` is its text in failure messages."""

    kinds: tuple[type[ChatEvent], ...]
    roles: Optional[frozenset[str]] = None
    text: TextMatcher = None
    template: Optional[str] = None
    final_scan: bool = False
    label: str = "a message"

    @classmethod
    def message(
        cls, *, role: RoleMatcher = None, text: TextMatcher = None, template: Optional[str] = None
    ) -> Expectation:
        return cls((MessageEvent,), _roles(role), text, template)

    @classmethod
    def attachment(cls, *, role: RoleMatcher = None, name: TextMatcher = None) -> Expectation:
        return cls((AttachmentEvent,), _roles(role), name, None, True, "an attachment")

    @classmethod
    def event(cls, kind: type[ChatEvent], *, role: RoleMatcher = None) -> Expectation:
        return cls((kind,), _roles(role), label=f"a {kind.kind} event")

    def matches(self, event: ChatEvent) -> bool:
        if not isinstance(event, self.kinds) or not isinstance(event, ItemEvent):
            return False
        role = event.participant_role
        if self.roles is None:
            if role == CUSTOMER and not isinstance(event, ChatEndedEvent):
                return False
        elif role not in self.roles:
            return False
        if self.template is not None and template_of(event) != self.template:
            return False
        if isinstance(event, AttachmentEvent):
            if self.final_scan and event.status == "IN_PROGRESS":
                return False
            subject = " ".join(a.name or "" for a in event.attachments)
        else:
            subject = getattr(event, "content", "")
        return self.text is None or _text_matches(self.text, subject)

    def describe(self) -> str:
        parts = [self.label]
        parts.append(
            "from anyone but the customer"
            if self.roles is None
            else "from " + " or ".join(sorted(self.roles))
        )
        if self.template is not None:
            parts.append(f"with template {self.template}")
        if isinstance(self.text, str):
            parts.append(f"containing {self.text!r}")
        elif self.text is not None:
            parts.append(f"matching /{self.text.pattern}/")
        return " ".join(parts)


def _text_matches(matcher: Union[str, re.Pattern[str]], subject: str) -> bool:
    if isinstance(matcher, str):
        return matcher in subject
    return matcher.search(subject) is not None


def describe_item(event: ChatEvent) -> str:
    """One line of a conversation: time, role, name and content (redacted, shortened)."""
    if not isinstance(event, ItemEvent):
        return event.kind
    when = (event.absolute_time or "")[11:23] or "--:--:--.---"
    who = event.participant_role or "-"
    name = f" {event.display_name}" if event.display_name else ""
    if isinstance(event, MessageEvent):
        what = json.dumps(_message_summary(event), ensure_ascii=False)
    elif isinstance(event, AttachmentEvent):
        names = ", ".join(a.name or "?" for a in event.attachments)
        what = f"attachment {names} ({event.status or 'no status'})"
    else:
        what = f"<{event.kind}>"
    what = redact_text(what)
    if len(what) > _CONTENT_WIDTH:
        what = what[: _CONTENT_WIDTH - 3] + "..."
    return f"{when}  {who:<10}{name}: {what}"


def _message_summary(event: MessageEvent) -> str:
    template = template_of(event)
    if template:
        return f"[{template}] {_interactive_summary(event.content)}"
    if event.content_type == INTERACTIVE_RESPONSE_CONTENT_TYPE:
        try:
            from ..interactive import parse_response

            return f"[chose] {parse_response(event.content).title}"
        except Exception:
            return event.content
    return event.content


def _interactive_summary(content: str) -> str:
    try:
        from ..interactive import parse_interactive

        message = parse_interactive(content)
    except Exception:
        return content
    titles = "; ".join(f"{c.index + 1}. {c.title}" for c in message.choices)
    return f"{message.title or ''} ({titles})" if titles else (message.title or content)


class Engine:
    """The state of one conversation: what happened, what was sent, latencies.

    ``clock`` is monotonic seconds (``time.monotonic`` by default).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        latencies: Optional[LatencyStats] = None,
    ) -> None:
        self._clock = clock
        self.events: list[ChatEvent] = []
        self.latencies = latencies if latencies is not None else LatencyStats()
        self.last_interactive: Optional[MessageEvent] = None
        self.ended = False
        self.closed = False
        self._sent_at: Optional[float] = None
        self._backlog: collections.deque[ChatEvent] = collections.deque()
        self._seen: set[tuple[str, Optional[str]]] = set()
        self.history_loaded = False

    # -- what happened -----------------------------------------------------------

    def note_sent(self) -> None:
        """The customer just sent something: latencies count from now."""
        self._sent_at = self._clock()

    def stream_paused(self, *, chat_ended: bool, early: bool) -> None:
        """The driver got no event: the chat ended, the session closed (``early``), or
        the wait ran out."""
        if chat_ended:
            self.ended = True
        elif early:
            self.closed = True

    def load_history(self, items: Iterable[Mapping[str, Any]]) -> None:
        """Queue the items the chat had before this conversation's first wait (a flow's
        greeting is often sent before the customer's websocket opens); each goes through
        the next waits like a live event, and a live repeat of one is ignored."""
        self.history_loaded = True
        for item in items:
            self._backlog.append(event_from_item(item))

    def observe(self, event: ChatEvent) -> bool:
        """Record ``event``; ``False`` when it was already seen (history and live overlap)."""
        if isinstance(event, ItemEvent) and event.id is not None:
            status = event.status if isinstance(event, AttachmentEvent) else None
            key = (event.id, status)
            if key in self._seen:
                return False
            self._seen.add(key)
        self.events.append(event)
        if template_of(event) is not None:
            assert isinstance(event, MessageEvent)
            self.last_interactive = event
        if isinstance(event, ChatEndedEvent):
            self.ended = True
        return True

    def transcript(self) -> list[ItemEvent]:
        """The chat items so far, oldest first (typing and receipts left out)."""
        return [
            event
            for event in self.events
            if isinstance(event, ItemEvent) and not isinstance(event, (TypingEvent, ReceiptEvent))
        ]

    def failure(self, expected: str, reason: str) -> ExpectationFailed:
        """The AssertionError of a failed expectation: what, why, and the last items."""
        shown = self.transcript()[-SHOWN_ITEMS:]
        lines = [f"expected {expected}: {reason}"]
        if shown:
            lines.append(f"last {len(shown)} items of the conversation:")
            lines.extend("  " + describe_item(event) for event in shown)
        else:
            lines.append("the conversation has no items yet")
        return ExpectationFailed("\n".join(lines), expected=expected)

    # -- waits (driven by Conversation / AsyncConversation) ----------------------

    def wait(self, expectation: Expectation, *, timeout: float, end_ok: bool = False) -> Step:
        """Wait for an event matching ``expectation`` within ``timeout`` seconds."""
        deadline = self._clock() + timeout
        expected = expectation.describe()
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise self.failure(expected, f"nothing matched within {timeout:g} s")
            event = self._backlog.popleft() if self._backlog else (yield remaining)
            if event is None:
                if self.ended and end_ok:
                    return None
                if self.ended:
                    raise self.failure(expected, "the chat ended")
                if self.closed:
                    raise self.failure(expected, "the chat session was closed")
                continue
            if not self.observe(event):
                continue
            if expectation.matches(event):
                if getattr(event, "participant_role", None) != CUSTOMER:
                    self._record_latency(expected)
                return event
            if isinstance(event, ChatEndedEvent) and not end_ok:
                raise self.failure(expected, "the chat ended")

    def silence(self, seconds: float) -> Step:
        """Nothing from the other side (message or attachment) for ``seconds``."""
        deadline = self._clock() + seconds
        other_side = Expectation((MessageEvent, AttachmentEvent))
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                return None
            event = self._backlog.popleft() if self._backlog else (yield remaining)
            if event is None:
                if self.ended or self.closed:
                    return None
                continue
            if not self.observe(event):
                continue
            if other_side.matches(event):
                raise self.failure(
                    f"silence for {seconds:g} s", "the other side wrote (the last item below)"
                )

    def _record_latency(self, expected: str) -> None:
        # A reply of the other side: the time since the customer's last message (once).
        if self._sent_at is not None:
            self.latencies.add(expected, self._clock() - self._sent_at)
            self._sent_at = None


def drive_sync(step: Step, next_event: Callable[[float], Optional[ChatEvent]]) -> Any:
    """Run a wait with a blocking ``next_event(timeout)``."""
    try:
        timeout = next(step)
        while True:
            timeout = step.send(next_event(timeout))
    except StopIteration as done:
        return done.value


__all__ = ["Engine", "Expectation", "describe_item", "drive_sync", "template_of"]
