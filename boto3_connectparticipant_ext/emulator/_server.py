"""The aiohttp application and the background thread that serves it.

One endpoint answers everything: the participant API, the Connect admin API,
the chat websocket (``/connect/websocket``), the attachment store
(``/_store/...``) and the control API (``/_emulator/...``). The socket is bound
before the thread starts, so the URL is known as soon as :meth:`start` returns.

Examples
--------
>>> from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
>>> server = EmulatorServer(EmulatorConfig())      # doctest: +SKIP
>>> server.start(); server.endpoint_url            # doctest: +SKIP
'http://127.0.0.1:41234'
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Optional, TypeVar

from boto3_connectparticipant_ext._loop_thread import LoopThread
from boto3_connectparticipant_ext.emulator import _connect_api, _cors, _participant_api
from boto3_connectparticipant_ext.emulator._clock import ClockTimers, EmulatorClock
from boto3_connectparticipant_ext.emulator._control import Controller
from boto3_connectparticipant_ext.emulator._faults import FaultRegistry
from boto3_connectparticipant_ext.emulator._http_api import ApiDispatcher, Reset, error_response
from boto3_connectparticipant_ext.emulator._records import RecordedRequest, Recorder
from boto3_connectparticipant_ext.emulator._service_errors import (
    ServiceError,
    missing_authentication_token,
)
from boto3_connectparticipant_ext.emulator._state import ChatState
from boto3_connectparticipant_ext.emulator._store import (
    STORE_PREFIX,
    LocalObjectStore,
    ObjectStore,
    S3ObjectStore,
)
from boto3_connectparticipant_ext.emulator._validation import RouteTable
from boto3_connectparticipant_ext.emulator._websocket import WEBSOCKET_PATH, WebsocketHub
from boto3_connectparticipant_ext.emulator.bots.runner import BotHost
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.emulator.errors import (
    EmulatorNotRunningError,
    EmulatorStartError,
)

if TYPE_CHECKING:
    from aiohttp import web

CONTROL_PREFIX = _cors.CONTROL_PREFIX
_LOG = logging.getLogger("boto3_connectparticipant_ext.emulator")
_T = TypeVar("_T")
_CALL_TIMEOUT = 30.0
# Grace period aiohttp gives each open connection at stop (it may spend it twice).
_SHUTDOWN_TIMEOUT = 1.0
# Bounds on the stop sequence: serving stops, leftover tasks are cancelled (by the runner),
# the loop closes.
_STOP_SERVING_TIMEOUT = 3.5
_CANCEL_TIMEOUT = 1.0


def _version_tuple(text: str) -> tuple[int, ...]:
    numbers = []
    for part in text.split(".")[:2]:
        digits = "".join(character for character in part if character.isdigit())
        numbers.append(int(digits or 0))
    return tuple(numbers)


class EmulatorServer:
    """The emulator's event loop thread, HTTP server and service state."""

    def __init__(self, config: EmulatorConfig, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        self._host = host
        self._port = port
        self._runner_thread: Optional[LoopThread] = None
        self._runner: Any = None
        self.endpoint_url = ""
        self.controller: Optional[Controller] = None
        self.bots: Optional[BotHost] = None
        self._store: Optional[ObjectStore] = None
        self._local_store: Optional[LocalObjectStore] = None
        self._hub: Optional[WebsocketHub] = None
        self._dispatcher: Optional[ApiDispatcher] = None
        self._control_http: Any = None
        self.clock = EmulatorClock()

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        try:
            from aiohttp import web
        except ImportError as error:  # pragma: no cover - depends on the installation
            raise EmulatorStartError(
                "the emulator needs aiohttp: pip install 'boto3-connectparticipant-ext[emulator]'"
            ) from error
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self._host, self._port))
            listener.listen(512)
            listener.setblocking(False)
        except OSError as error:
            listener.close()
            raise EmulatorStartError(
                f"cannot listen on {self._host}:{self._port}: {error}"
            ) from None
        bound_host, bound_port = listener.getsockname()[:2]
        self.endpoint_url = f"http://{bound_host}:{bound_port}"
        runner = LoopThread(
            name="connect-chat-emulator",
            error=EmulatorNotRunningError,
            stopped_message="the emulator is not running; call start() first",
            cancel_timeout=_CANCEL_TIMEOUT,
        )
        self._runner_thread = runner
        self._build(runner.loop)
        try:
            runner.start(
                setup=lambda: self._serve(web, listener),
                teardown=self._shutdown,
                timeout=_CALL_TIMEOUT,
            )
        except Exception as error:
            self._runner_thread = None
            listener.close()
            self._close_store()
            raise EmulatorStartError(f"the emulator failed to start: {error}") from None

    def _build(self, loop: asyncio.AbstractEventLoop) -> None:
        from boto3_connectparticipant_ext.emulator._control_http import ControlHttpApi

        timers = ClockTimers(self.clock, loop)

        def schedule(delay: float, action: Callable[[], None]) -> None:
            timers.after(delay, action)

        state = ChatState(self.config, clock=self.clock.now, schedule=schedule)
        recorder = Recorder(
            max_requests=self.config.max_recorded_requests,
            max_frames=self.config.max_recorded_frames,
        )
        faults = FaultRegistry()
        self._hub = WebsocketHub(state, recorder, faults, timers=timers)
        if self.config.s3_endpoint_url:
            self._store = S3ObjectStore(
                endpoint_url=self.config.s3_endpoint_url,
                bucket=self.config.s3_bucket,
                region=self.config.region,
            )
        else:
            self._local_store = LocalObjectStore(
                base_url=self.endpoint_url,
                bucket=self.config.s3_bucket,
                region=self.config.region,
                clock=self.clock.now,
            )
            self._store = self._local_store
        websocket_url = "ws://" + self.endpoint_url.split("://", 1)[1] + WEBSOCKET_PATH
        self._dispatcher = ApiDispatcher(
            routes=RouteTable.for_services(),
            faults=faults,
            participant_context=_participant_api.ParticipantContext(
                state=state,
                store=self._store,
                base_url=self.endpoint_url,
                websocket_url=websocket_url,
                token_secret=secrets.token_bytes(32),
            ),
            connect_context=_connect_api.ConnectContext(state=state),
        )
        self.controller = Controller(state, recorder, faults, hub=self._hub, clock=self.clock)
        # Emulator bots: a listener on the state's items (see bots/runner.py).
        self.bots = BotHost(state, self._dispatcher._participant)
        self._control_http = ControlHttpApi(self.controller, self.config)

    async def _serve(self, web: Any, listener: socket.socket) -> None:
        from aiohttp import __version__ as aiohttp_version

        app = web.Application(client_max_size=self.config.max_request_bytes)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        app.on_response_prepare.append(self._on_response_prepare)
        # aiohttp 3.9 moved shutdown_timeout from the site to the runner.
        modern = _version_tuple(aiohttp_version) >= (3, 9)
        timeout = {"shutdown_timeout": _SHUTDOWN_TIMEOUT}
        from boto3_connectparticipant_ext.emulator._quiet_http import HANDLER_LIMITS, quiet_server

        self._runner = web.AppRunner(
            app,
            access_log=None,
            handle_signals=False,
            **HANDLER_LIMITS,
            **(timeout if modern else {}),
        )
        await self._runner.setup()
        # No request content in aiohttp's own error answers and logs (a token could be quoted).
        quiet_server(self._runner.server)
        site = web.SockSite(self._runner, listener, **({} if modern else timeout))
        await site.start()

    async def _shutdown(self) -> None:
        """Stop accepting, let in-flight requests finish briefly, then cancel what is left.

        ``AppRunner.cleanup()`` closes the listener and gives each connection
        ``shutdown_timeout`` to finish, but it only cancels (and never awaits) a handler
        it gave up on, and it cannot reach a handler whose client already went away
        (aiohttp drops its reference to that task on ``connection_lost``). Such a task,
        say one sleeping in an injected ``Fault.LATENCY``, would still be pending when
        the loop closes ("Task was destroyed but it is pending!"), so every task still
        alive afterwards is cancelled and awaited by the runner (``_loop_thread``) once this
        teardown returns.
        """
        try:
            await asyncio.wait_for(self._stop_serving(), timeout=_STOP_SERVING_TIMEOUT)
        except asyncio.TimeoutError:
            _LOG.debug("emulator: in-flight requests outlived the shutdown grace period")
        except Exception as error:
            _LOG.debug("emulator: stopping the server failed: %s", type(error).__name__)

    async def _stop_serving(self) -> None:
        if self._hub is not None:
            await self._hub.close_all()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    def stop(self) -> None:
        runner, self._runner_thread = self._runner_thread, None
        if runner is not None:
            runner.stop(timeout=_CALL_TIMEOUT)
        self._close_store()

    def _close_store(self) -> None:
        store, self._store, self._local_store = self._store, None, None
        if store is not None:
            store.close()

    @property
    def running(self) -> bool:
        runner = self._runner_thread
        return runner is not None and runner.running

    def call(self, action: Callable[[], _T]) -> _T:
        """Run ``action`` on the loop thread and return its result (or raise its error)."""
        runner = self._runner_thread
        if runner is None or not runner.running:
            raise EmulatorNotRunningError("the emulator is not running; call start() first")
        return runner.call(action, timeout=_CALL_TIMEOUT)

    # -- requests --------------------------------------------------------------------------

    async def _on_response_prepare(
        self, request: web.Request, response: web.StreamResponse
    ) -> None:
        if self.config.cors:
            _cors.add_cors_headers(request, response)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        try:
            if self.config.cors and _cors.is_preflight(request):
                return self._preflight(request)
            return await self._route(request)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            # Only the type: messages could quote a token from the request.
            _LOG.error("emulator failed on %s: %s", request.method, type(error).__name__)
            return error_response(
                ServiceError("InternalServerException", "An internal error occurred")
            )

    async def _route(self, request: web.Request) -> web.StreamResponse:
        raw_path = request.rel_url.raw_path
        if raw_path.startswith(CONTROL_PREFIX):
            response: web.StreamResponse = await self._control_http.handle(request)
            return response
        if raw_path == WEBSOCKET_PATH:
            return await self._require_hub().handle(
                request, lambda status: self._record(request, "WebsocketConnect", 0, status)
            )
        if raw_path.startswith(STORE_PREFIX) and self._local_store is not None:
            return await self._handle_store(request)
        return await self._handle_api(request)

    def _preflight(self, request: web.Request) -> web.StreamResponse:
        if not request.rel_url.raw_path.startswith(CONTROL_PREFIX):
            self._record(request, _cors.PREFLIGHT_OPERATION, 0, 200)
        return _cors.preflight_response(request)

    def _require_hub(self) -> WebsocketHub:
        assert self._hub is not None
        return self._hub

    async def _handle_store(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        from boto3_connectparticipant_ext.emulator._store_http import OPERATIONS, handle_store

        assert self._local_store is not None and self.controller is not None
        operation = OPERATIONS.get(request.method, request.method)
        fault = self.controller.faults.take_http(operation, participant_operation=False)
        if fault is not None and fault.kind.value == "LATENCY":
            await asyncio.sleep(fault.seconds)
        response = await handle_store(request, self._local_store, fault)
        size = request.content_length or 0
        if response is None:
            self._record(request, operation, size, None)
            _abort(request)
            return web.Response()
        self._record(request, operation, size, response.status)
        return response

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        assert self._dispatcher is not None
        found = self._dispatcher.route_of(request.method, request.rel_url.raw_path)
        if found is None:
            self._record(request, None, request.content_length or 0, 403)
            await _discard_body(request, self.config.max_request_bytes)
            return error_response(missing_authentication_token())
        route, labels = found
        try:
            body = await _read_body(request, self.config.max_request_bytes)
        except ServiceError as error:
            self._record(request, route.name, request.content_length or 0, error.status)
            response = error_response(error)
            response.force_close()
            return response
        try:
            answer = await self._dispatcher.answer(request, route, labels, body)
        except Reset:
            self._record(request, route.name, len(body), None)
            return web.Response()
        self._record(request, route.name, len(body), answer.status)
        return answer

    def _record(
        self, request: web.Request, operation: Optional[str], body_size: int, status: Optional[int]
    ) -> None:
        assert self.controller is not None
        self.controller.recorder.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.rel_url.raw_path,
                operation=operation,
                headers=dict(request.headers),
                body_size=body_size,
                status=status,
                query_keys=tuple(request.rel_url.query.keys()),
                time=time.time(),
            )
        )


async def _read_body(request: web.Request, limit: int) -> bytes:
    declared = request.content_length
    if declared is not None and declared > limit:
        raise ServiceError(
            "RequestEntityTooLargeException", "Request Too Long", message_key="message"
        )
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.content.iter_any():
        total += len(chunk)
        if total > limit:
            raise ServiceError(
                "RequestEntityTooLargeException", "Request Too Long", message_key="message"
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def _discard_body(request: web.Request, limit: int) -> None:
    declared = request.content_length
    if declared is not None and declared > limit:
        return
    try:
        await _read_body(request, limit)
    except ServiceError:
        return


def _abort(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()
