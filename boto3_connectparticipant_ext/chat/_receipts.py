"""The session's receipts and own messages: components with public methods.

:class:`ReceiptQueue` sends queued read/delivered receipts after
``receipt_delay`` (one per message and kind, as :class:`~._throttle.ReceiptBook`
decides) through a ``send(content_type, content)`` coroutine function the
session gives it. :class:`OwnMessages` learns which items are this
participant's (no receipts for those) and the participant's id from the first
own message that comes back on the socket.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
from collections.abc import Awaitable, Mapping
from typing import Any, Callable, Optional

from ..redact import describe_error
from . import _throttle
from .events import EVENT_PREFIX
from .state import MAX_SAVED_IDS

logger = logging.getLogger("boto3_connectparticipant_ext.chat")

READ_RECEIPT = EVENT_PREFIX + "message.read"
DELIVERED_RECEIPT = EVENT_PREFIX + "message.delivered"
_CONTENT_TYPES = {_throttle.READ: READ_RECEIPT, _throttle.DELIVERED: DELIVERED_RECEIPT}


class ReceiptQueue:
    """Receipts waiting for their delay, on one event loop."""

    def __init__(
        self,
        book: _throttle.ReceiptBook,
        *,
        delay: float,
        send: Callable[[str, str], Awaitable[Any]],
    ) -> None:
        self.book = book
        self._delay = delay
        self._send = send
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._sends: set[asyncio.Task[None]] = set()

    def request(self, message_id: str, kind: str, loop: asyncio.AbstractEventLoop) -> bool:
        """Queue a receipt of ``kind``; ``False`` when the book says it is not needed."""
        if not self.book.request(message_id, kind):
            return False
        if message_id not in self._timers:
            self._timers[message_id] = loop.call_later(self._delay, self._due, message_id)
        return True

    def cancel(self) -> None:
        """Forget the timers (the chat ended: nothing more is sent)."""
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()

    async def flush(self) -> None:
        """Send every queued receipt now (the first error is raised)."""
        self.cancel()
        pending = [self._send_one(message_id) for message_id in self.book.pending_ids()]
        results = await asyncio.gather(*pending, *self._sends, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    def _due(self, message_id: str) -> None:
        self._timers.pop(message_id, None)
        task = asyncio.get_running_loop().create_task(self._send_logged(message_id))
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    async def _send_logged(self, message_id: str) -> None:
        try:
            await self._send_one(message_id)
        except Exception as error:
            logger.warning("receipt for a message could not be sent: %s", describe_error(error))

    async def _send_one(self, message_id: str) -> None:
        kind = self.book.take(message_id)
        if kind is None:
            return
        try:
            await self._send(_CONTENT_TYPES[kind], json.dumps({"messageId": message_id}))
        except BaseException:
            self.book.give_back(message_id, kind)
            raise


class OwnMessages:
    """Which items are this participant's, and its id once known."""

    def __init__(self, book: _throttle.ReceiptBook, participant_id: Optional[str]) -> None:
        self._book = book
        self.participant_id = participant_id
        self._senders: collections.OrderedDict[str, str] = collections.OrderedDict()

    def observe(self, item: Mapping[str, Any]) -> None:
        """Note the sender of a message or attachment seen on the socket or transcript."""
        item_type = item.get("Type")
        if item_type != "MESSAGE" and item_type != "ATTACHMENT":
            return
        item_id = item.get("Id")
        sender = item.get("ParticipantId")
        if not isinstance(item_id, str) or not isinstance(sender, str):
            return
        participant_id = self.participant_id
        if participant_id is not None:
            # Known id: the senders are only kept to learn it, so none is noted.
            if sender == participant_id:
                self._book.mark_own(item_id)
            return
        # Our own message can come back on the socket before SendMessage answers.
        senders = self._senders
        senders[item_id] = sender
        if len(senders) > MAX_SAVED_IDS:  # one in, one out
            senders.popitem(last=False)
        if self._book.is_own(item_id):
            self._learn(sender)  # marks this item's id too

    def sent(self, message_id: str) -> None:
        """Note a message this participant sent (SendMessage answered its id)."""
        self._book.mark_own(message_id)
        sender = self._senders.get(message_id)
        if self.participant_id is None and sender is not None:
            self._learn(sender)

    def _learn(self, participant_id: str) -> None:
        self.participant_id = participant_id
        for item_id, sender in self._senders.items():
            if sender == participant_id:
                self._book.mark_own(item_id)


__all__ = ["DELIVERED_RECEIPT", "READ_RECEIPT", "OwnMessages", "ReceiptQueue"]
