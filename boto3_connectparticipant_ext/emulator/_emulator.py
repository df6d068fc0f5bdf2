"""The :class:`Emulator`: a local Amazon Connect chat service with a Python control API."""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Optional

from boto3_connectparticipant_ext.emulator._control import Controller
from boto3_connectparticipant_ext.emulator._faults import Fault, FaultRule, check_fault
from boto3_connectparticipant_ext.emulator._records import RecordedFrame, RecordedRequest
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.emulator.errors import (
    EmulatorConfigError,
    EmulatorNotRunningError,
)

if TYPE_CHECKING:
    from boto3_connectparticipant_ext.emulator.bots.model import Bot


class Emulator:
    """Amazon Connect chat on ``127.0.0.1``: participant API, Connect admin API, websocket.

    Serves from a background thread; ``endpoint_url`` is known once started.
    Stock ``boto3.client("connect", ...)`` and ``boto3.client("connectparticipant", ...)``
    work against ``endpoint_url`` unchanged. Nothing is left on disk after :meth:`stop`.

    Examples
    --------
    >>> import boto3, botocore
    >>> from botocore.config import Config
    >>> with Emulator() as emu:
    ...     chat = emu.start_chat(display_name="Customer")
    ...     client = boto3.client("connectparticipant", region_name=emu.region,
    ...         endpoint_url=emu.endpoint_url,
    ...         config=Config(signature_version=botocore.UNSIGNED))
    ...     connection = client.create_participant_connection(
    ...         ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"])
    ...     token = connection["ConnectionCredentials"]["ConnectionToken"]
    ...     _ = client.send_message(ConnectionToken=token, ContentType="text/plain", Content="hi")
    ...     [item.get("Content") for item in emu.transcript(chat["ContactId"])][-1]
    'hi'
    """

    def __init__(
        self,
        *,
        config: Optional[EmulatorConfig] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        bots: Iterable[Bot] = (),
    ) -> None:
        if config is not None and not isinstance(config, EmulatorConfig):
            raise EmulatorConfigError("config must be an EmulatorConfig")
        if not isinstance(host, str) or not host:
            raise EmulatorConfigError("host must be a non-empty string such as '127.0.0.1'")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise EmulatorConfigError(
                f"port must be a whole number from 0 (any free port) to 65535, got {port!r:.40}"
            )
        self._config = config if config is not None else EmulatorConfig()
        self._host = host
        self._port = port
        self._server: Any = None
        self._finalizer: Optional[weakref.finalize[Any, Any]] = None
        self._bots: list[Bot] = []
        for bot in bots:
            self.add_bot(bot)

    @property
    def config(self) -> EmulatorConfig:
        """The live settings: changes apply to later requests."""
        return self._config

    @config.setter
    def config(self, new: EmulatorConfig) -> None:
        if not isinstance(new, EmulatorConfig):
            raise EmulatorConfigError("config must be an EmulatorConfig")
        # The running server holds the original object: copy the values into it.
        self._config.update(
            **{field.name: getattr(new, field.name) for field in dataclasses.fields(new)}
        )

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> Emulator:
        """Bind, start serving in a background thread, and return ``self``."""
        if self._server is not None:
            return self
        from boto3_connectparticipant_ext.emulator._server import EmulatorServer

        server = EmulatorServer(self._config, host=self._host, port=self._port)
        server.start()
        self._server = server
        for bot in self._bots:
            self._add_to(server, bot)
        # A forgotten emulator still stops (and deletes its files) when collected or at exit.
        self._finalizer = weakref.finalize(self, server.stop)
        return self

    def stop(self) -> None:
        """Close every socket, stop serving and delete stored attachments. Idempotent."""
        server, self._server = self._server, None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if server is not None:
            _close_contact_streaming(server)
            server.stop()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"endpoint_url={self.endpoint_url!r}" if self._server else "stopped"
        return f"Emulator({state})"

    @property
    def running(self) -> bool:
        return self._server is not None and bool(self._server.running)

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        server = self._server
        if server is None:
            raise EmulatorNotRunningError("the emulator is not running; call start() first")
        controller: Controller = server.controller
        action = getattr(controller, method)
        return server.call(lambda: action(*args, **kwargs))

    # -- where it is ---------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``: the one URL for every API, the websocket and the store."""
        if self._server is None:
            raise EmulatorNotRunningError("the emulator is not running; call start() first")
        return str(self._server.endpoint_url)

    @property
    def region(self) -> str:
        return self.config.region

    @property
    def instance_id(self) -> str:
        """The configured Connect instance (any is accepted unless ``config.strict_ids``)."""
        return self.config.instance_id

    @property
    def contact_flow_id(self) -> str:
        """The configured contact flow (any is accepted unless ``config.strict_ids``)."""
        return self.config.contact_flow_id

    @property
    def contact_streaming(self) -> Any:
        """The emulator's SNS stand-in for StartContactStreaming (a ``ContactStreaming``).

        ``subscribe(topic_arn, url_or_callback)`` delivers each streamed item of
        contacts streaming to ``topic_arn``; ``certificate_url`` and
        ``certificate_pem`` let a verifier trust its signatures.
        """
        server = self._server
        if server is None:
            raise EmulatorNotRunningError("the emulator is not running; call start() first")
        from boto3_connectparticipant_ext.emulator._contact_streaming import hub_of

        return hub_of(server)

    # -- driving chats ------------------------------------------------------------

    def start_chat(
        self,
        *,
        display_name: str = "Customer",
        initial_message: Optional[str] = None,
        attributes: Optional[dict[str, str]] = None,
        supported_content_types: Optional[Sequence[str]] = None,
    ) -> dict[str, Any]:
        """Start a chat like StartChatContact.

        Returns ``{"ContactId", "ParticipantId", "ParticipantToken"}``. The contact
        supports every message content type unless ``supported_content_types`` says
        otherwise (checked like StartChatContact's ``SupportedMessagingContentTypes``;
        StartChatContact itself defaults to ``["text/plain"]``, as the service does).
        """
        result: dict[str, Any] = self._call(
            "start_chat",
            display_name=display_name,
            initial_message=initial_message,
            attributes=attributes,
            supported_content_types=(
                None if supported_content_types is None else list(supported_content_types)
            ),
        )
        return result

    def advance_clock(self, seconds: float) -> float:
        """Move the emulator's clock ``seconds`` forward; return the total advance so far.

        Everything timed happens as if that time had passed: tokens and URLs
        expire, contacts reach their ChatDurationInMinutes and end, idle or old
        sockets close, later items carry the later ``AbsoluteTime``. The clock is
        real time plus this offset; it never goes back.

        Examples
        --------
        >>> with Emulator() as emu:
        ...     chat = emu.start_chat()
        ...     emu.advance_clock(25 * 3600)
        ...     emu.transcript(chat["ContactId"])[-1]["ContentType"]
        90000.0
        'application/vnd.amazonaws.connect.event.chat.ended'
        """
        return float(self._call("advance_clock", seconds))

    def add_participant(
        self, contact_id: str, *, role: str = "AGENT", display_name: Optional[str] = None
    ) -> dict[str, Any]:
        """Add a participant who joins at once (``AGENT``, ``CUSTOM_BOT``, ``SUPERVISOR``).

        Returns ``{"ParticipantId", "ParticipantToken"}``.
        """
        result: dict[str, Any] = self._call(
            "add_participant", contact_id, role=role, display_name=display_name
        )
        return result

    def send_message(
        self,
        contact_id: str,
        participant_id: str,
        content: str,
        *,
        content_type: str = "text/plain",
    ) -> str:
        """Post a message as ``participant_id`` (no connection needed); return its Id."""
        return str(
            self._call(
                "send_message", contact_id, participant_id, content, content_type=content_type
            )
        )

    def send_event(
        self,
        contact_id: str,
        participant_id: str,
        content_type: str,
        content: Optional[str] = None,
    ) -> str:
        """Post an event (typing, delivered/read receipt) as ``participant_id``; return its Id."""
        return str(self._call("send_event", contact_id, participant_id, content_type, content))

    def emit_event(
        self,
        contact_id: str,
        event: str,
        *,
        participant_id: Optional[str] = None,
        content: Optional[str] = None,
    ) -> str:
        """Write an event the service itself produces; return its Id.

        ``event`` is the short name (``"participant.idle"``, ``"transfer.succeeded"``)
        or the full content type. Participant events (``participant.idle``,
        ``.returned``, ``.active``, ``.inactive``, ``.invited``, ``.autodisconnection``,
        ``.displayname.updated``)
        need ``participant_id`` and carry that participant's ParticipantId,
        DisplayName and ParticipantRole; contact events (``transfer.succeeded``,
        ``transfer.failed``, ``chat.rehydrated``, ``workflow.cancelled``,
        ``authentication.succeeded|failed|timeout|expired``) take none. ``content``
        becomes the item's ``Content`` as given.

        Every accepted event is pushed to the contact's sockets and kept in the
        transcript: the service keeps participant and transfer events (typing and
        receipts, which are never kept, are not emitted here). The emulator's state
        does not change: ``participant.autodisconnection`` does not make the
        participant leave; call :meth:`disconnect_participant` for that.

        Refused with :class:`EmulatorConfigError`: an unknown name, a participant
        event without ``participant_id`` or a contact event with one, and events
        with a call of their own (typing and receipts: :meth:`send_event`;
        ``participant.joined``: :meth:`add_participant`; ``participant.left``:
        :meth:`disconnect_participant`; ``chat.ended``: :meth:`end_contact`;
        ``authentication.initiated``: :meth:`start_authentication`). An ended
        contact or a participant who left is :class:`EmulatorOperationError`
        (AccessDeniedException).

        Examples
        --------
        >>> with Emulator() as emu:
        ...     chat = emu.start_chat()
        ...     _ = emu.emit_event(chat["ContactId"], "participant.idle",
        ...                        participant_id=chat["ParticipantId"])
        ...     emu.transcript(chat["ContactId"])[-1]["ContentType"]
        'application/vnd.amazonaws.connect.event.participant.idle'
        """
        return str(
            self._call(
                "emit_event", contact_id, event, participant_id=participant_id, content=content
            )
        )

    def stream_bot_message(
        self,
        contact_id: str,
        chunks: Sequence[str],
        *,
        participant_id: Optional[str] = None,
        display_name: str = "BOT",
    ) -> str:
        """Push a bot message in streaming chunks; return its Id.

        ``chunks`` are the message's successive pieces. Each goes to the contact's
        sockets as a ``text/plain`` MESSAGE item with the same ``Id``,
        ``MessageMetadata{"ChunkNumber": n, "MessageCompleted": ...}`` (numbered
        from 1, only the last completed) and ``ParticipantRole`` SYSTEM with
        ``display_name`` (no ParticipantId), or the identity of ``participant_id``,
        which must be a CUSTOM_BOT participant. Earlier items carry their piece; the
        completed one carries the whole message, which AWS's browser client shows in
        place of the pieces. The transcript keeps ONE MESSAGE item with that ``Id``
        and the whole content, without chunk metadata. That is an inference: the
        service documents the chunks on the socket, not what GetTranscript returns.

        Refused with :class:`EmulatorConfigError`: no chunks, a chunk that is not a
        non-empty string (a bare string is not a list of chunks), a whole message
        longer than the ``text/plain`` limit of ``config.message_content_limits``
        (16,384 UTF-8 bytes, as SendMessage), a participant who is not a CUSTOM_BOT.

        Examples
        --------
        >>> with Emulator() as emu:
        ...     chat = emu.start_chat()
        ...     message_id = emu.stream_bot_message(chat["ContactId"], ["Hel", "lo"])
        ...     kept = emu.transcript(chat["ContactId"])[-1]
        ...     (kept["Id"] == message_id, kept["Content"], kept["ParticipantRole"])
        (True, 'Hello', 'SYSTEM')
        """
        if isinstance(chunks, str):
            raise EmulatorConfigError("chunks must be a list of strings, not one string")
        return str(
            self._call(
                "stream_bot_message",
                contact_id,
                list(chunks),
                participant_id=participant_id,
                display_name=display_name,
            )
        )

    def disconnect_participant(self, contact_id: str, participant_id: str) -> None:
        """Make a participant leave, like their DisconnectParticipant call."""
        self._call("disconnect_participant", contact_id, participant_id)

    def end_contact(self, contact_id: str) -> None:
        """End the chat like StopContact: ``chat.ended``; its ConnectionTokens stop working."""
        self._call("end_contact", contact_id)

    def start_authentication(self, contact_id: str) -> str:
        """Open a customer authentication session (``authentication.initiated``); return its id."""
        return str(self._call("start_authentication", contact_id))

    def register_view(self, view_token: str, view: dict[str, Any]) -> None:
        """Make DescribeView answer ``{"View": view}`` for ``view_token``."""
        self._call("register_view", view_token, view)

    def add_bot(self, bot: Bot) -> None:
        """Let a scripted bot play every contact started with its flow id (see ``emulator.bots``).

        Before :meth:`start` or while running; a second bot for the same flow is refused.

        Examples
        --------
        >>> import time
        >>> from boto3_connectparticipant_ext.emulator.bots import Bot, say
        >>> flow = EmulatorConfig().contact_flow_id  # the flow emu.start_chat uses
        >>> with Emulator(bots=[Bot("hello", flow, greeting=(say("Hello!"),))]) as emu:
        ...     chat = emu.start_chat()
        ...     deadline = time.monotonic() + 10
        ...     while len(emu.transcript(chat["ContactId"])) < 2 and time.monotonic() < deadline:
        ...         time.sleep(0.01)
        ...     emu.transcript(chat["ContactId"])[-1]["Content"]
        'Hello!'
        """
        from boto3_connectparticipant_ext.emulator.bots.model import Bot as BotType

        if not isinstance(bot, BotType):
            raise EmulatorConfigError(f"expected a Bot, got {type(bot).__name__}")
        if any(b.flow_id == bot.flow_id and b != bot for b in self._bots):
            raise EmulatorConfigError(f"flow {bot.flow_id} already has a bot")
        if self._server is not None:
            self._add_to(self._server, bot)
        if bot not in self._bots:
            self._bots.append(bot)

    @staticmethod
    def _add_to(server: Any, bot: Bot) -> None:
        server.call(lambda: server.bots.add(bot))

    @property
    def bots(self) -> list[Bot]:
        """The bots this emulator plays."""
        return list(self._bots)

    # -- reading --------------------------------------------------------------------

    def transcript(self, contact_id: str) -> list[dict[str, Any]]:
        """Every kept transcript item of the contact, oldest first."""
        result: list[dict[str, Any]] = self._call("transcript", contact_id)
        return result

    def participants(self, contact_id: str) -> list[dict[str, Any]]:
        """The contact's participants with their state (active, connected, open sockets)."""
        result: list[dict[str, Any]] = self._call("participants", contact_id)
        return result

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every HTTP request answered so far (control API excluded), oldest first."""
        result: list[RecordedRequest] = self._call("requests")
        return result

    @property
    def frames(self) -> list[RecordedFrame]:
        """Every websocket frame so far, both directions, oldest first."""
        result: list[RecordedFrame] = self._call("frames")
        return result

    def clear_records(self) -> None:
        self._call("clear_records")

    # -- faults ------------------------------------------------------------------------

    def inject_fault(
        self,
        kind: Fault,
        *,
        operation: Optional[str] = None,
        participant_id: Optional[str] = None,
        count: Optional[int] = 1,
        seconds: float = 0.0,
        limit: Optional[int] = None,
    ) -> FaultRule:
        """Make the next ``count`` matching requests or frames fail (``count=None``: until cleared).

        ``operation`` names a participant or Connect operation, or ``"PutObject"`` /
        ``"GetObject"`` for the attachment store; ``None`` means every participant
        operation (every download for ``TRUNCATE_DOWNLOAD``). ``participant_id``
        narrows a fault to one participant. ``DROP_WEBSOCKET`` aborts open sockets
        at once (the next to open when none is), ``EXPIRE_TOKEN`` expires
        ConnectionTokens at once. ``CHAT_QUOTA`` refuses StartChatContact while ``limit``
        chats are active (``count=None`` for a standing quota).

        Examples
        --------
        >>> with Emulator() as emu:
        ...     rule = emu.inject_fault(Fault.THROTTLE, operation="SendMessage", count=2)
        ...     rule.remaining
        2
        """
        kind = check_fault(kind, operation=operation, participant_id=participant_id,
                           count=count, seconds=seconds, limit=limit)  # fmt: skip
        rule: FaultRule = self._call(
            "inject_fault",
            kind,
            operation=operation,
            participant_id=participant_id,
            count=count,
            seconds=seconds,
            limit=limit,
        )
        return rule

    def clear_faults(self) -> None:
        """Forget every pending fault."""
        self._call("clear_faults")


def _close_contact_streaming(server: Any) -> None:
    if getattr(server, "contact_streaming", None) is not None:
        from boto3_connectparticipant_ext.emulator._contact_streaming import close_hub

        close_hub(server)
