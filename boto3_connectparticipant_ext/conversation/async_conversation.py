"""AsyncConversation: :class:`Conversation` for an :class:`AsyncChatSession` (asyncio).

Same engine, same rules, same failure messages; every method is a coroutine.

Examples
--------
>>> async def test_greeting(chat) -> None:
...     talk = AsyncConversation(chat, timeout=15)
...     await talk.expect(role="SYSTEM", text="Welcome")
...     await talk.say("Hi")
...     await talk.expect(template="QuickReply")
...     await talk.choose(0)
"""

from __future__ import annotations

import time
from typing import Any, Optional, Union

from botocore.exceptions import ClientError

from ..chat.events import AttachmentEvent, ChatEndedEvent, ChatEvent, ItemEvent, MessageEvent
from ..service_limits import INTERACTIVE_RESPONSE_CONTENT_TYPE
from ._choose import answer_content
from ._engine import Expectation, RoleMatcher, Step, TextMatcher
from ._shared import (
    DEFAULT_TIMEOUT,
    ConversationDriver,
    check_text,
    check_timeout,
    download_target,
    history_refused,
    resolve_kind,
)
from .recording import PathLike, async_record_chat


class AsyncConversation(ConversationDriver):
    """A customer's side of a chat over an :class:`AsyncChatSession`; see :class:`Conversation`."""

    async def __aenter__(self) -> AsyncConversation:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.end()

    async def end(self) -> None:
        """Leave the chat (and stop the contact of a :func:`start_async_chat` session)."""
        await self.session.disconnect()

    async def say(self, text: str, *, content_type: str = "text/plain") -> str:
        message_id: str = await self.session.send_message(
            check_text(text), content_type=content_type
        )
        self.engine.note_sent()
        return message_id

    async def choose(self, choice: Any, *, message: Optional[MessageEvent] = None) -> str:
        content = answer_content(self.engine, choice, message)
        return await self.say(content, content_type=INTERACTIVE_RESPONSE_CONTENT_TYPE)

    async def send_attachment(self, path: PathLike, **kwargs: Any) -> str:
        attachment_id: str = await self.session.upload_attachment(path, **kwargs)
        self.engine.note_sent()
        return attachment_id

    async def download(self, event: AttachmentEvent, path: PathLike, **kwargs: Any) -> str:
        attachment_id, target = download_target(event, path)
        written: str = await self.session.download_attachment(attachment_id, target, **kwargs)
        return written

    async def expect(
        self,
        *,
        role: RoleMatcher = None,
        text: TextMatcher = None,
        template: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> MessageEvent:
        expectation = Expectation.message(role=role, text=text, template=template)
        event: MessageEvent = await self._wait(expectation, timeout)
        return event

    async def expect_attachment(
        self, *, role: RoleMatcher = None, name: TextMatcher = None, timeout: Optional[float] = None
    ) -> AttachmentEvent:
        expectation = Expectation.attachment(role=role, name=name)
        event: AttachmentEvent = await self._wait(expectation, timeout)
        return event

    async def expect_event(
        self,
        kind: Union[str, type[ChatEvent]],
        *,
        role: RoleMatcher = None,
        timeout: Optional[float] = None,
    ) -> ItemEvent:
        expectation = Expectation.event(resolve_kind(kind), role=role)
        event: ItemEvent = await self._wait(expectation, timeout)
        return event

    async def expect_silence(self, for_seconds: float) -> None:
        seconds = check_timeout(for_seconds, DEFAULT_TIMEOUT, "for_seconds")
        await self._drive(self.engine.silence(seconds))

    async def expect_end(self, *, timeout: Optional[float] = None) -> None:
        if self.engine.ended:
            return
        seconds = check_timeout(timeout, self._timeout)
        expectation = Expectation.event(ChatEndedEvent)
        await self._drive(self.engine.wait(expectation, timeout=seconds, end_ok=True))

    def transcript(self) -> list[ItemEvent]:
        return self.engine.transcript()

    async def save(self, path: PathLike) -> str:
        return await async_record_chat(self.session, path)

    async def _wait(self, expectation: Expectation, timeout: Optional[float]) -> Any:
        seconds = check_timeout(timeout, self._timeout)
        return await self._drive(self.engine.wait(expectation, timeout=seconds))

    async def _drive(self, step: Step) -> Any:
        if not self.engine.history_loaded:
            try:
                history = [item async for item in self.session.transcript()]
            except ClientError as error:
                if not history_refused(error):
                    raise
                history = []
            self.engine.load_history(history)
        try:
            timeout = next(step)
            while True:
                timeout = step.send(await self._next_event(timeout))
        except StopIteration as done:
            return done.value

    async def _next_event(self, timeout: float) -> Optional[ChatEvent]:
        started = time.monotonic()
        events = self.session.events(timeout=timeout)
        try:
            event: Optional[ChatEvent] = await events.__anext__()
        except StopAsyncIteration:
            event = None
        finally:
            await events.aclose()
        if event is None:
            self.engine.stream_paused(
                chat_ended=self.session.chat_ended,
                early=time.monotonic() - started < timeout * 0.9,
            )
        return event
