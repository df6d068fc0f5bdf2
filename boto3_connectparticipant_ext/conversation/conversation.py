"""Conversation: script a customer over a :class:`ChatSession` and check the replies.

Examples
--------
>>> import re
>>> def test_greeting(chat) -> None:
...     talk = Conversation(chat, timeout=15)
...     talk.expect(text=re.compile(r"(?i)how can i help"))
...     talk.say("My order is late")
...     talk.expect(template="ListPicker")
...     talk.choose("Track my order")
...     talk.expect(role="AGENT", text="order")
...     print(talk.latencies.summary())
"""

from __future__ import annotations

import time
from typing import Any, Optional, Union

from botocore.exceptions import ClientError

from ..chat.events import AttachmentEvent, ChatEndedEvent, ChatEvent, ItemEvent, MessageEvent
from ..service_limits import INTERACTIVE_RESPONSE_CONTENT_TYPE
from ._choose import answer_content
from ._engine import Expectation, RoleMatcher, Step, TextMatcher, drive_sync
from ._shared import (
    DEFAULT_TIMEOUT,
    ConversationDriver,
    check_text,
    check_timeout,
    download_target,
    history_refused,
    resolve_kind,
)
from .recording import PathLike, record_chat


class Conversation(ConversationDriver):
    """A customer's side of a chat, as test steps (blocking; see :class:`AsyncConversation`).

    ``session`` is a connected :class:`ChatSession` (from :func:`start_chat`, or any).
    The conversation consumes the session's events (do not iterate them elsewhere).
    ``timeout`` is the default wait of every ``expect``. With ``history`` (default) the
    first wait starts with the chat's items so far (GetTranscript), so a greeting sent
    before the websocket opened is seen too. ``latencies`` may be shared by
    several conversations (a load test). Leaving a ``with`` block ends the chat.
    """

    def __enter__(self) -> Conversation:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.end()

    def end(self) -> None:
        """Leave the chat (and stop the contact of a :func:`start_chat` session)."""
        self.session.disconnect()

    # -- the customer's moves --------------------------------------------------------

    def say(self, text: str, *, content_type: str = "text/plain") -> str:
        """Send a message as the customer; return its Id."""
        message_id: str = self.session.send_message(check_text(text), content_type=content_type)
        self.engine.note_sent()
        return message_id

    def choose(self, choice: Any, *, message: Optional[MessageEvent] = None) -> str:
        """Answer the last interactive message (or ``message``) with ``choice``: its 0-based
        index, its title or a ``Choice``. Returns the response message's Id."""
        content = answer_content(self.engine, choice, message)
        return self.say(content, content_type=INTERACTIVE_RESPONSE_CONTENT_TYPE)

    def send_attachment(self, path: PathLike, **kwargs: Any) -> str:
        """Upload a file as an attachment; return its AttachmentId."""
        attachment_id: str = self.session.upload_attachment(path, **kwargs)
        self.engine.note_sent()
        return attachment_id

    def download(self, event: AttachmentEvent, path: PathLike, **kwargs: Any) -> str:
        """Download ``event``'s attachment to ``path`` (a file, or a directory to put it in)."""
        attachment_id, target = download_target(event, path)
        written: str = self.session.download_attachment(attachment_id, target, **kwargs)
        return written

    # -- expectations ----------------------------------------------------------------

    def expect(
        self,
        *,
        role: RoleMatcher = None,
        text: TextMatcher = None,
        template: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> MessageEvent:
        """Wait for a message matching ``role``, ``text`` (substring, or a compiled regular
        expression searched) and ``template`` (an interactive ``templateType``); return it.

        Raises :class:`ExpectationFailed` (an AssertionError) showing the conversation.
        """
        expectation = Expectation.message(role=role, text=text, template=template)
        event: MessageEvent = self._wait(expectation, timeout)
        return event

    def expect_attachment(
        self, *, role: RoleMatcher = None, name: TextMatcher = None, timeout: Optional[float] = None
    ) -> AttachmentEvent:
        """Wait for an attachment whose scan finished (APPROVED or REJECTED); return it."""
        event: AttachmentEvent = self._wait(Expectation.attachment(role=role, name=name), timeout)
        return event

    def expect_event(
        self,
        kind: Union[str, type[ChatEvent]],
        *,
        role: RoleMatcher = None,
        timeout: Optional[float] = None,
    ) -> ItemEvent:
        """Wait for an event of ``kind`` (``"participant.joined"``, ``"transfer.succeeded"``,
        ``"typing"`` ...); ``role=None`` means anyone but the customer."""
        event: ItemEvent = self._wait(Expectation.event(resolve_kind(kind), role=role), timeout)
        return event

    def expect_silence(self, for_seconds: float) -> None:
        """Fail if the other side writes (a message or an attachment) within ``for_seconds``."""
        seconds = check_timeout(for_seconds, DEFAULT_TIMEOUT, "for_seconds")
        self._drive(self.engine.silence(seconds))

    def expect_end(self, *, timeout: Optional[float] = None) -> None:
        """Wait for the chat to end (a ``chat.ended`` event, whoever ended it)."""
        if self.engine.ended:
            return
        expectation = Expectation.event(ChatEndedEvent)
        seconds = check_timeout(timeout, self._timeout)
        self._drive(self.engine.wait(expectation, timeout=seconds, end_ok=True))

    def transcript(self) -> list[ItemEvent]:
        """The chat items seen so far, oldest first (typing and receipts left out)."""
        return self.engine.transcript()

    def save(self, path: PathLike) -> str:
        """Record the chat (GetTranscript) to ``path`` in the replayable format."""
        return record_chat(self.session, path)

    # -- driving the engine ------------------------------------------------------------

    def _wait(self, expectation: Expectation, timeout: Optional[float]) -> Any:
        seconds = check_timeout(timeout, self._timeout)
        return self._drive(self.engine.wait(expectation, timeout=seconds))

    def _drive(self, step: Step) -> Any:
        if not self.engine.history_loaded:
            try:
                history = list(self.session.transcript())
            except ClientError as error:
                if not history_refused(error):
                    raise
                history = []
            self.engine.load_history(history)
        return drive_sync(step, self._next_event)

    def _next_event(self, timeout: float) -> Optional[ChatEvent]:
        started = time.monotonic()
        event: Optional[ChatEvent] = next(iter(self.session.events(timeout=timeout)), None)
        if event is None:
            self.engine.stream_paused(
                chat_ended=self.session.chat_ended,
                early=time.monotonic() - started < timeout * 0.9,
            )
        return event
