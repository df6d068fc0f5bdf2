"""A session's credentials: the ParticipantToken, the ConnectionToken and its refresh.

:class:`Credentials` keeps the ConnectionToken bound to the session's client,
creates connections (CreateParticipantConnection: a 403 is ``ChatGone``),
refreshes the token before it expires (``_schedule.token_refresh_due``; a
failed refresh keeps the current token while it is valid, and the background
refresher waits ``_schedule.refresh_retry_backoff`` between failures), and
makes a call with the token, replacing a refused token once (a 403 may be a
revoked or early-expired token; a 403 on the new connection is the chat's end).

The session gives it how to run blocking calls (``run_sync``), whether the
chat has ended (``ended``) and what to do when the service says it has
(``on_gone``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Mapping
from typing import Any, Callable, Optional

from ..auth import bind_tokens
from ..redact import describe_error
from ._schedule import refresh_retry_backoff, token_refresh_due
from ._service_errors import is_access_denied, websocket_url
from ._stream_api import ChatGone
from .config import ChatConfig
from .errors import ChatEndedError, ChatNotConnectedError
from .state import parse_timestamp

logger = logging.getLogger("boto3_connectparticipant_ext.chat")

RunSync = Callable[..., Awaitable[Any]]


class Credentials:
    """The tokens of one session, on one event loop (:meth:`bind_loop` first)."""

    def __init__(
        self,
        client: Any,
        participant_token: Optional[str],
        *,
        config: ChatConfig,
        run_sync: RunSync,
        ended: Callable[[], bool],
        on_gone: Callable[[], Awaitable[None]],
    ) -> None:
        self.client = client
        self.participant_token = participant_token
        self.connection_token: Optional[str] = None
        self.expiry: Optional[str] = None
        self.obtained_at: Optional[float] = None
        self._config = config
        self._run_sync = run_sync
        self._ended = ended
        self._on_gone = on_gone
        self._lock: Optional[asyncio.Lock] = None
        self._changed: Optional[asyncio.Event] = None

    def bind_loop(self) -> None:
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()

    def set(self, token: str, expiry: Optional[str]) -> None:
        """Use ``token`` (bound to the client) from now on."""
        self.connection_token = token
        self.expiry = expiry
        self.obtained_at = time.time()
        bind_tokens(self.client, connection_token=token, participant_token=self.participant_token)
        self.wake()

    def wake(self) -> None:
        """Let the background refresher look again (new token, or the chat ended)."""
        if self._changed is not None:
            self._changed.set()

    def refresh_due(self) -> Optional[float]:
        """Epoch seconds when the ConnectionToken should be refreshed (``None``: never)."""
        if self._ended() or self.participant_token is None:
            return None
        return token_refresh_due(
            self.expiry,
            obtained_at=self.obtained_at or time.time(),
            margin=self._config.token_refresh_margin,
        )

    async def create_connection(
        self, types: list[str], *, connect_participant: bool = False
    ) -> dict[str, Any]:
        """CreateParticipantConnection; ``ChatGone`` on 403; new credentials are bound."""
        if self.participant_token is None:
            raise ChatNotConnectedError(
                "this session has no ParticipantToken, so it cannot create a connection "
                "(it was resumed from a state saved without one)"
            )
        params: dict[str, Any] = {"ParticipantToken": self.participant_token, "Type": types}
        if connect_participant:
            params["ConnectParticipant"] = True
        try:
            response: dict[str, Any] = await self._run_sync(
                self.client.create_participant_connection, **params
            )
        except Exception as error:
            if is_access_denied(error):
                raise ChatGone() from None
            raise
        credentials = response.get("ConnectionCredentials")
        if isinstance(credentials, Mapping) and credentials.get("ConnectionToken"):
            expiry = credentials.get("Expiry")
            self.set(str(credentials["ConnectionToken"]), None if expiry is None else str(expiry))
        return response

    async def create_websocket(self, *, refresh_credentials: bool) -> str:
        types = ["WEBSOCKET"] + (["CONNECTION_CREDENTIALS"] if refresh_credentials else [])
        return websocket_url(await self.create_connection(types))

    async def current(self) -> str:
        """The ConnectionToken, refreshed first when it is due."""
        await self.ensure_fresh()
        token = self.connection_token
        if token is None:
            raise ChatNotConnectedError("connect() the session (or use it with `with`) first")
        return token

    async def ensure_fresh(self) -> None:
        due = self.refresh_due()
        if due is None or time.time() < due:
            return
        assert self._lock is not None
        gone = False
        async with self._lock:
            due = self.refresh_due()
            if due is None or time.time() < due:
                return
            try:
                await self.create_connection(["CONNECTION_CREDENTIALS"])
            except ChatGone:
                gone = True
            except Exception as error:
                expiry = parse_timestamp(self.expiry or "") or 0.0
                if time.time() >= expiry:
                    raise
                logger.warning(
                    "ConnectionToken refresh failed, using the current one: %s",
                    describe_error(error),
                )
        if gone:
            await self._on_gone()
            raise ChatEndedError("the chat has ended (the service refused the participant)")

    async def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call ``operation`` with the ConnectionToken, replacing a refused token once."""
        token = await self.current()
        method = getattr(self.client, operation)
        try:
            response: dict[str, Any] = await self._run_sync(method, ConnectionToken=token, **params)
            return response
        except Exception as error:
            if not is_access_denied(error) or self.participant_token is None:
                raise
            if self._ended():
                raise ChatEndedError("the chat has ended") from None
            first_error = error
        try:
            await self.create_connection(["CONNECTION_CREDENTIALS"])
        except ChatGone:
            await self._on_gone()
            raise ChatEndedError(
                f"the chat has ended ({operation} was refused and so was a new connection)"
            ) from None
        except Exception:
            raise first_error from None
        token = await self.current()
        retried: dict[str, Any] = await self._run_sync(method, ConnectionToken=token, **params)
        return retried

    async def refresh_forever(self) -> None:
        """Refresh the ConnectionToken ahead of its expiry until the chat ends (a task)."""
        changed = self._changed
        assert changed is not None
        waits = refresh_retry_backoff(self._config.reconnect_max_delay)
        while not self._ended():
            changed.clear()
            due = self.refresh_due()
            timeout = None if due is None else max(0.0, due - time.time())
            try:
                await asyncio.wait_for(changed.wait(), timeout)
                continue
            except asyncio.TimeoutError:
                pass
            try:
                await self.ensure_fresh()
            except ChatEndedError:
                return
            except Exception as error:
                logger.warning("ConnectionToken refresh failed: %s", describe_error(error))
            due = self.refresh_due()
            if due is not None and time.time() >= due:
                # The refresh failed and the old token is still in use: wait, do not spin.
                await asyncio.sleep(waits.next_delay())
            else:
                waits.reset()


__all__ = ["Credentials"]
