"""The other side's typing indicator lapses: ``TypingEvent.expires_at`` and ``typing.lapsed``.

The service sends a typing event at most every 10 s while someone types and
never says they stopped. AWS's chat widget (amazon-connect-chat-interface,
``ChatSession._handleTypingEvent``) shows a participant as typing for 12 s after
their last typing event, and stops at once when a message of theirs arrives;
its own typing echoes are ignored. The session does the same (it knows its own
typing when it knows its participant id: given, or learnt from a message it sent): every typing
event of another participant carries ``expires_at`` (epoch seconds), and a
:class:`TypingLapsedEvent` is delivered when that time passes with no newer
typing event and no message or attachment from them. ``ChatConfig.typing_expiry``
sets the delay (``0`` turns the lapse events off).

:class:`TypingExpiry` is the engine (no I/O, the clock passed in);
:class:`TypingHooks` drives it from the session's event loop.

Examples
--------
>>> engine = TypingExpiry(12.0)
>>> typing = TypingEvent(participant_id="agent-1", display_name="Ann")
>>> engine.typing(typing, now=100.0)
112.0
>>> engine.lapse("agent-1", now=111.0) is None
True
>>> engine.lapse("agent-1", now=112.0).participant_id
'agent-1'
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Callable, ClassVar, Optional

from ._consumer import EventConsumer
from ._receipts import OwnMessages
from ._stream_hooks import ServiceSide, SessionHooks
from .events import AttachmentEvent, ChatEvent, MessageEvent, TypingEvent

__all__ = ["TypingExpiry", "TypingHooks", "TypingLapsedEvent"]


@dataclasses.dataclass(frozen=True)
class TypingLapsedEvent(ChatEvent):
    """``participant_id`` has not typed for ``ChatConfig.typing_expiry`` seconds
    (and sent no message since): hide their typing indicator."""

    kind: ClassVar[str] = "typing.lapsed"
    participant_id: Optional[str] = None
    participant_role: Optional[str] = None
    display_name: Optional[str] = None


class TypingExpiry:
    """Which participants are typing, and when each indicator lapses."""

    def __init__(self, expiry: float) -> None:
        self.expiry = expiry
        self._typing: dict[str, tuple[float, TypingEvent]] = {}

    def typing(self, event: TypingEvent, *, now: float) -> Optional[float]:
        """Note a typing event; return its lapse time (``None``: not tracked)."""
        if not event.participant_id or self.expiry <= 0:
            return None
        deadline = now + self.expiry
        self._typing[event.participant_id] = (deadline, event)
        return deadline

    @property
    def tracking(self) -> bool:
        """Whether any participant's indicator is tracked (else :meth:`cleared` is a no-op)."""
        return bool(self._typing)

    def cleared(self, participant_id: Optional[str]) -> None:
        """A message or attachment of ``participant_id`` ends their typing."""
        if participant_id:
            self._typing.pop(participant_id, None)

    def clear_all(self) -> None:
        self._typing.clear()

    def lapse(self, participant_id: str, *, now: float) -> Optional[TypingLapsedEvent]:
        """The lapse event if ``participant_id``'s indicator has run out by ``now``."""
        found = self._typing.get(participant_id)
        if found is None or found[0] > now:
            return None
        del self._typing[participant_id]
        typing = found[1]
        return TypingLapsedEvent(
            participant_id=typing.participant_id,
            participant_role=typing.participant_role,
            display_name=typing.display_name,
        )


class TypingHooks(SessionHooks):
    """:class:`SessionHooks` that stamp typing events and deliver their lapses."""

    def __init__(
        self,
        service: ServiceSide,
        events: EventConsumer,
        own: OwnMessages,
        *,
        on_chat_ended: Callable[[], None],
        expiry: float,
    ) -> None:
        super().__init__(service, events, own, on_chat_ended=on_chat_ended)
        self._engine = TypingExpiry(expiry)
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def stamp(self, event: ChatEvent) -> ChatEvent:
        if isinstance(event, TypingEvent) and not self._is_own(event.participant_id):
            loop = asyncio.get_running_loop()
            participant_id = event.participant_id
            if participant_id and self._engine.typing(event, now=loop.time()) is not None:
                event = dataclasses.replace(event, expires_at=time.time() + self._engine.expiry)
                self._schedule(loop, participant_id)
        elif (self._timers or self._engine.tracking) and isinstance(
            event, (MessageEvent, AttachmentEvent)
        ):
            self._engine.cleared(event.participant_id)
            self._cancel(event.participant_id)
        return event

    async def chat_ended(self) -> None:
        self._engine.clear_all()
        for participant_id in list(self._timers):
            self._cancel(participant_id)
        await super().chat_ended()

    def _is_own(self, participant_id: Optional[str]) -> bool:
        return participant_id is not None and participant_id == self._own.participant_id

    def _schedule(self, loop: asyncio.AbstractEventLoop, participant_id: str) -> None:
        self._cancel(participant_id)

        def fire() -> None:
            self._timers.pop(participant_id, None)
            lapsed = self._engine.lapse(participant_id, now=loop.time())
            if lapsed is not None:
                loop.create_task(SessionHooks.deliver(self, lapsed))

        self._timers[participant_id] = loop.call_later(self._engine.expiry, fire)

    def _cancel(self, participant_id: Optional[str]) -> None:
        handle = self._timers.pop(participant_id or "", None)
        if handle is not None:
            handle.cancel()
