"""ChatSession: a participant's live chat for ordinary (threaded) Python code.

The engine is :class:`AsyncChatSession`, run on a private event-loop thread;
every method here is a blocking call into it and may be used from several
threads at once.

Examples
--------
>>> from boto3_connectparticipant_ext.chat import ChatSession, MessageEvent
>>> def echo_bot(participant_token: str) -> None:
...     with ChatSession(participant_token, region_name="us-east-1") as chat:
...         for event in chat.events():
...             if isinstance(event, MessageEvent) and event.participant_role == "CUSTOMER":
...                 chat.send_read_receipt(event.id)
...                 chat.send_message(f"you said: {event.content}")
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import functools
import threading
import time
import weakref
from collections.abc import Coroutine, Iterator
from typing import Any, Callable, Optional, TypeVar

from .._loop_thread import LoopThread
from ._arguments import (
    Callback,
    EventKind,
    check_callback,
    check_timeout,
    check_wait_for_end,
    resolve_kind,
)
from ._callbacks import Callbacks
from ._consumer import CALLBACKS_CONSUMER, EVENTS_CONSUMER, EventConsumer
from .async_session import AsyncChatSession
from .config import ChatConfig
from .errors import ChatUsageError
from .events import ChatEvent
from .sent import SentMessage
from .state import SessionState

T = TypeVar("T")

#: At most this many events cross from the loop thread to a consumer in one hop.
_BATCH = 256
#: How long closing waits for the loop thread to end.
_STOP_TIMEOUT = 10.0


class ChatSession:
    """One participant's chat, blocking API: calls, live events, receipts and typing.

    Takes the same arguments as :class:`AsyncChatSession` and behaves the
    same way; see there for the details. Callbacks registered with :meth:`on`
    run on one dispatcher thread, in event order.

    Examples
    --------
    >>> def run(token: str) -> None:
    ...     with ChatSession(token, region_name="us-east-1") as chat:
    ...         chat.send_message("Hello")
    ...         for event in chat.events(timeout=30):
    ...             print(event.kind)
    """

    def __init__(
        self,
        participant_token: Optional[str] = None,
        *,
        region_name: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        client: Any = None,
        session: Any = None,
        config: Any = None,
        chat_config: Optional[ChatConfig] = None,
        websocket: bool = True,
        leave_on_exit: bool = True,
        participant_id: Optional[str] = None,
        _core: Optional[AsyncChatSession] = None,
    ) -> None:
        self._core = _core or AsyncChatSession(
            participant_token,
            region_name=region_name,
            endpoint_url=endpoint_url,
            client=client,
            session=session,
            config=config,
            chat_config=chat_config,
            websocket=websocket,
            leave_on_exit=leave_on_exit,
            participant_id=participant_id,
        )
        # The core's parts (its package-internal interface): the event consumer, the calls
        # (for a token), the lifecycle (has the chat ended?); only their public methods.
        self._parts = self._core.parts
        self._events = self._parts.events
        self._runner = LoopThread(
            name="cpx-chat-loop",
            error=ChatUsageError,
            stopped_message="this session is closed",
            reentry_message=(
                "a ChatSession method was called from its own event-loop thread "
                "(for example inside an awaited callback); use AsyncChatSession there"
            ),
        )
        # An abandoned session must not leave its loop thread behind.
        self._finalizer = weakref.finalize(self, self._runner.stop, timeout=_STOP_TIMEOUT)
        self._lock = threading.Lock()
        self._closed = False
        self._leftover: collections.deque[ChatEvent] = collections.deque()
        # Events taken from the engine in one hop and not yet handed to a consumer.
        self._ready: collections.deque[ChatEvent] = collections.deque()
        self._fetching = threading.Lock()
        self._callbacks = Callbacks()
        self._dispatcher: Optional[threading.Thread] = None

    @classmethod
    def resume(
        cls,
        state: SessionState,
        *,
        region_name: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        client: Any = None,
        session: Any = None,
        config: Any = None,
        chat_config: Optional[ChatConfig] = None,
        websocket: bool = False,
        leave_on_exit: bool = False,
    ) -> ChatSession:
        """Continue a chat from :meth:`save_state` output without a new connection.

        Examples
        --------
        >>> def lambda_handler(event: dict, context: object) -> dict:
        ...     state = SessionState.from_json(load_state(event["chat"]))
        ...     with ChatSession.resume(state) as chat:
        ...         chat.send_message(event["text"])
        ...         save_state(event["chat"], chat.save_state().to_json())
        ...     return {"ok": True}
        """
        core = AsyncChatSession.resume(
            state,
            region_name=region_name,
            endpoint_url=endpoint_url,
            client=client,
            session=session,
            config=config,
            chat_config=chat_config,
            websocket=websocket,
            leave_on_exit=leave_on_exit,
        )
        return cls(_core=core)

    def __repr__(self) -> str:
        return repr(self._core).replace("AsyncChatSession", "ChatSession", 1)

    # -- properties ------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The session's unsigned ``connectparticipant`` client (ConnectionToken bound)."""
        return self._core.client

    @property
    def chat_config(self) -> ChatConfig:
        return self._core.chat_config

    @property
    def connected(self) -> bool:
        return self._core.connected

    @property
    def chat_ended(self) -> bool:
        return self._core.chat_ended

    @property
    def participant_id(self) -> Optional[str]:
        return self._core.participant_id

    # -- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> ChatSession:
        self.connect()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._parts.leave_on_exit:
            self.disconnect()
        else:
            self.close()

    def connect(self) -> None:
        """See :meth:`AsyncChatSession.connect`."""
        self._run(self._core.connect())
        if self._callbacks:
            self._start_dispatcher()

    def close(self) -> None:
        """See :meth:`AsyncChatSession.close`. Buffered events stay readable."""
        self._end(self._core.close)

    def disconnect(self, *, wait_for_end: Optional[float] = None) -> None:
        """See :meth:`AsyncChatSession.disconnect` (leaves the chat; ``wait_for_end``
        seconds keeps receiving until ``chat.ended``)."""
        check_wait_for_end(wait_for_end)  # before _end: a bad argument must not close the session
        self._end(functools.partial(self._core.disconnect, wait_for_end=wait_for_end))

    def _end(self, step: Callable[[], Coroutine[Any, Any, None]]) -> None:
        with self._lock:
            if self._closed:
                return
        try:
            self._run(step())
        finally:
            self._finish()

    def _finish(self) -> None:
        dispatcher = self._dispatcher
        if dispatcher is not None and dispatcher is not threading.current_thread():
            dispatcher.join()
        leftover = self._run(_leftovers(self._events))
        with self._lock:
            self._leftover.extend(self._ready)
            self._ready.clear()
            self._leftover.extend(leftover)
            self._closed = True
        self._finalizer()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self._runner.run(coroutine)

    # -- the service API ----------------------------------------------------------------

    def send_message(self, content: str, *, content_type: str = "text/plain") -> SentMessage:
        """Send a message; return its ``Id`` (a :class:`~.sent.SentMessage`, a ``str``).
        See :meth:`AsyncChatSession.send_message`."""
        return self._run(self._core.send_message(content, content_type=content_type))

    def send_typing(self) -> bool:
        """Send a typing event (at most one per 10 s; extra calls return ``False``)."""
        return self._run(self._core.send_typing())

    def send_read_receipt(self, message_id: str) -> bool:
        """Queue a read receipt. See :meth:`AsyncChatSession.send_delivered_receipt`."""
        return self._run(self._core.send_read_receipt(message_id))

    def send_delivered_receipt(self, message_id: str) -> bool:
        """Queue a delivered receipt. See :meth:`AsyncChatSession.send_delivered_receipt`."""
        return self._run(self._core.send_delivered_receipt(message_id))

    def flush_receipts(self) -> None:
        """Send every queued receipt now."""
        self._run(self._core.flush_receipts())

    def describe_view(self, view_token: str) -> dict[str, Any]:
        """Return the ``View`` of a step-by-step guide (DescribeView)."""
        return self._run(self._core.describe_view(view_token))

    def get_authentication_url(self, session_id: str, redirect_uri: str) -> str:
        """Return the customer authentication URL (GetAuthenticationUrl)."""
        return self._run(self._core.get_authentication_url(session_id, redirect_uri))

    def cancel_participant_authentication(self, session_id: str) -> None:
        """Cancel an authentication in progress (CancelParticipantAuthentication)."""
        self._run(self._core.cancel_participant_authentication(session_id))

    def transcript(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Iterate over the transcript (``iter_transcript`` keywords: ``Order``,
        ``AfterId``, ``BeforeId``, ``ContactId``, ``MaxResults`` ...).

        Examples
        --------
        >>> def dump(chat: ChatSession) -> None:
        ...     for item in chat.transcript():
        ...         print(item.get("DisplayName"), item.get("Content"))
        """
        from ..transcript import iter_transcript

        token = self._run(self._parts.calls.current_token())
        return iter_transcript(self._core.client, ConnectionToken=token, **kwargs)

    def upload_attachment(self, filename: Any, **kwargs: Any) -> str:
        """Upload a file as an attachment (in the calling thread); return its ``AttachmentId``.

        Keywords are those of ``transfer.upload_attachment``.
        """
        from ..transfer import upload_attachment

        self._parts.lifecycle.require_not_ended()
        token = self._run(self._parts.calls.current_token())
        return upload_attachment(self._core.client, filename, ConnectionToken=token, **kwargs)

    def download_attachment(self, attachment_id: str, filename: Any, **kwargs: Any) -> str:
        """Download an attachment (in the calling thread); return the path written.

        Keywords are those of ``transfer.download_attachment``.
        """
        from ..transfer import download_attachment

        token = self._run(self._parts.calls.current_token())
        return download_attachment(
            self._core.client, attachment_id, filename, ConnectionToken=token, **kwargs
        )

    # -- events ----------------------------------------------------------------------

    def events(self, *, timeout: Optional[float] = None) -> Iterator[ChatEvent]:
        """Iterate over the chat's events. See :meth:`AsyncChatSession.events`.

        Several threads may iterate at once; each event goes to one of them.

        Examples
        --------
        >>> def show(chat: ChatSession) -> None:
        ...     for event in chat.events(timeout=60):
        ...         print(event.kind)
        """
        check_timeout(timeout)
        self._events.claim(EVENTS_CONSUMER)
        return self._iterate(timeout)

    def _iterate(self, timeout: Optional[float]) -> Iterator[ChatEvent]:
        while True:
            event = self._take(timeout)
            if event is None:
                return
            yield event

    def on(self, kind: EventKind, callback: Callback) -> Callable[[], None]:
        """Call ``callback(event)`` for every event of ``kind`` on the dispatcher thread.
        See :meth:`AsyncChatSession.on`. Returns a function that removes it.

        Examples
        --------
        >>> def register(chat: ChatSession) -> None:
        ...     chat.on("message", lambda event: print(event.content))
        """
        kind, callback = resolve_kind(kind), check_callback(callback)
        self._events.claim(CALLBACKS_CONSUMER)
        remove = self._callbacks.add(kind, callback)
        if self._core.connected:
            self._start_dispatcher()
        return remove

    def _start_dispatcher(self) -> None:
        with self._lock:
            if self._dispatcher is not None or self._closed:
                return
            self._dispatcher = threading.Thread(
                target=self._dispatch, name="cpx-chat-callbacks", daemon=True
            )
        self._dispatcher.start()

    def _dispatch(self) -> None:
        self._callbacks.pump(lambda: self._take(None))

    def _take(self, timeout: Optional[float]) -> Optional[ChatEvent]:
        """One event: from the batch taken last (one thread hop per backlog, not per
        event), else a new batch from the engine's buffer, else the leftovers after close."""
        with self._lock:
            if self._closed:
                return self._take_leftover()
            if self._ready:
                return self._consume(self._ready.popleft())
        deadline = None if timeout is None else time.monotonic() + timeout
        # One fetcher at a time keeps batches in order; the others wait for its batch.
        if not self._fetching.acquire(timeout=-1 if timeout is None else timeout):
            return None
        try:
            with self._lock:
                if self._closed:
                    return self._take_leftover()
                if self._ready:
                    return self._consume(self._ready.popleft())
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            batch = self._fetch(left)
            if not batch:
                with self._lock:
                    return self._take_leftover() if self._closed else None
            with self._lock:
                if self._closed:
                    # close() ran meanwhile: this batch comes before what it drained.
                    self._leftover.extendleft(reversed(batch))
                    return self._take_leftover()
                self._ready.extend(batch[1:])
                return self._consume(batch[0])
        finally:
            self._fetching.release()

    def _fetch(self, timeout: Optional[float]) -> list[ChatEvent]:
        try:
            # A backlog is taken from this thread, no hop to the loop (which only hears of
            # it when the reader waits for the room); only an empty buffer waits in a task.
            ready = self._events.take_ready_threadsafe(_BATCH, self._runner.post)
            if ready:
                return ready
            future = self._runner.submit(_next_batch(self._events, timeout))
        except ChatUsageError:
            with self._lock:
                if self._closed:
                    return []
            raise
        return self._result(future)

    def _result(self, future: concurrent.futures.Future[list[ChatEvent]]) -> list[ChatEvent]:
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            # The loop was stopped by close(): what is left was moved to the leftovers.
            return []
        except BaseException:
            if not future.done():
                future.cancel()
                future.add_done_callback(self._give_back)
            raise

    def _consume(self, event: ChatEvent) -> ChatEvent:
        self._events.note_consumed(event)
        return event

    def _take_leftover(self) -> Optional[ChatEvent]:
        if not self._leftover:
            return None
        return self._consume(self._leftover.popleft())

    def _give_back(self, future: concurrent.futures.Future[list[ChatEvent]]) -> None:
        """An interrupted consumer abandoned a batch the engine had handed out."""
        if future.cancelled() or future.exception() is not None:
            return
        batch = future.result()
        if batch:
            try:
                self._runner.submit(self._events.give_back(*batch))
            except ChatUsageError:
                with self._lock:
                    self._leftover.extendleft(reversed(batch))

    # -- saved state -----------------------------------------------------------------

    def save_state(self) -> SessionState:
        """See :meth:`AsyncChatSession.save_state`."""
        return self._core.save_state()


async def _next_batch(events: EventConsumer, timeout: Optional[float]) -> list[ChatEvent]:
    """The next batch for a waiting consumer thread, handed over one loop turn after it is
    taken: the producer the take let in refills the buffer first, and the consumer thread
    wakes as the loop goes idle instead of waiting for the GIL while the reader runs."""
    batch = await events.next_events(timeout, _BATCH)
    if batch:
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            await events.give_back(*batch)  # never lost: back at the front of the buffer
            raise
    return batch


async def _leftovers(events: EventConsumer) -> list[ChatEvent]:
    """What is left in a closed session's buffer (taken on its loop), not marked consumed."""
    return events.take_leftovers()


__all__ = ["ChatSession"]
