"""A session's calls to the service: the client, its tokens and the threads that run the calls.

:class:`ServiceCalls` is what the rest of the session (the public methods, the lifecycle, the
event stream's hooks) uses to reach the participant API. It binds the session to the event loop
of its first use (:meth:`bind_loop`: a session cannot move between loops), runs each blocking
botocore call on the session's :class:`~._workers.ApiWorkers`, and gives every call a current
ConnectionToken through :class:`~._credentials.Credentials` (refresh before expiry, one token
replacement after a 403).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any, Callable, Optional, TypeVar

from ._credentials import Credentials
from ._service_errors import message_refused
from ._workers import ApiWorkers
from .errors import ChatUsageError
from .sent import SentMessage

T = TypeVar("T")

#: Transcript items fetched per thread hop (a gap fill, ``transcript()``).
GAP_FILL_BATCH = 100


def take_batch(iterator: Iterator[T], size: int) -> list[T]:
    """The next ``size`` items of ``iterator`` (fewer at its end)."""
    return list(itertools.islice(iterator, size))


class ServiceCalls:
    """The participant API as the session calls it (on the session's event loop)."""

    def __init__(self, client: Any, credentials: Credentials, workers: ApiWorkers) -> None:
        self.client = client
        self.credentials = credentials
        self.workers = workers
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    # -- the event loop ----------------------------------------------------------------

    @property
    def loop_bound(self) -> bool:
        """Whether a first connect or call has bound the session to its event loop."""
        return self._loop is not None

    def bind_loop(self) -> asyncio.AbstractEventLoop:
        """The running loop, bound on first use; ``ChatUsageError`` from any other loop."""
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            self.credentials.bind_loop()
        elif self._loop is not loop:
            raise ChatUsageError("an AsyncChatSession is bound to the event loop it first ran on")
        return loop

    # -- calls -------------------------------------------------------------------------

    async def run_blocking(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking function (a botocore call, a transcript page) on the session's threads."""
        return await self.workers.run(function, *args, **kwargs)

    async def current_token(self) -> str:
        """The ConnectionToken, refreshed first when it is due."""
        self.bind_loop()
        return await self.credentials.current()

    async def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call ``operation`` with the ConnectionToken (see ``Credentials.call``)."""
        self.bind_loop()
        return await self.credentials.call(operation, **params)

    async def create_websocket(self, *, refresh_credentials: bool) -> str:
        """A fresh websocket URL (CreateParticipantConnection); ``ChatGone`` on 403."""
        return await self.credentials.create_websocket(refresh_credentials=refresh_credentials)

    async def send_message(self, content: str, content_type: str) -> SentMessage:
        """SendMessage; a refusal of the content is a ``MessageRefusedError``."""
        try:
            response = await self.call("send_message", Content=content, ContentType=content_type)
        except Exception as error:
            refused = message_refused(error)
            if refused is None:
                raise
            raise refused from error
        return SentMessage.from_response(response)

    # -- transcript and attachments ------------------------------------------------------

    async def transcript_iterator(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """A blocking ``iter_transcript`` with a current token (advance it with
        :meth:`run_blocking`)."""
        from ..transcript import iter_transcript

        token = await self.current_token()
        return iter_transcript(self.client, ConnectionToken=token, **kwargs)

    async def transcript(self, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        """The transcript's items, fetched a batch per thread hop."""
        iterator = await self.transcript_iterator(**kwargs)
        while True:
            batch = await self.run_blocking(take_batch, iterator, GAP_FILL_BATCH)
            if not batch:
                return
            for item in batch:
                yield item

    async def upload_attachment(self, filename: Any, **kwargs: Any) -> str:
        """``transfer.upload_attachment`` on the session's threads, with a current token."""
        from ..transfer import upload_attachment

        token = await self.current_token()
        result: str = await self.run_blocking(
            upload_attachment, self.client, filename, ConnectionToken=token, **kwargs
        )
        return result

    async def download_attachment(self, attachment_id: str, filename: Any, **kwargs: Any) -> str:
        """``transfer.download_attachment`` on the session's threads, with a current token."""
        from ..transfer import download_attachment

        token = await self.current_token()
        result: str = await self.run_blocking(
            download_attachment,
            self.client,
            attachment_id,
            filename,
            ConnectionToken=token,
            **kwargs,
        )
        return result


__all__ = ["GAP_FILL_BATCH", "ServiceCalls", "take_batch"]
