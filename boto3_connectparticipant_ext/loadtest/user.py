"""ChatUser: a Locust user whose tasks are a customer's chat, written with the conversation API.

A task is plain blocking code (gevent makes it cooperative)::

    class Customer(ChatUser):
        wait_time = between(5, 15)

        def flow(self, talk: LoadConversation) -> None:
            talk.expect(text="Welcome", name="greeting")
            talk.say("billing")
            talk.expect(template="ListPicker", name="menu")
            talk.choose("Billing")

Each step is a Locust request (type ``chat``): ``StartChatContact``, ``Connect`` (the
participant connection, websocket and subscription), ``SendMessage``, every ``expect``
(its time is the reply latency: from the customer's last message to the matched reply),
``FirstMessage`` (from the chat's start to the first matched message), ``UploadAttachment``
and ``EndChat``. Lost sockets, reconnects and gap-filled items are requests named
``connection lost``, ``reconnect`` and ``gap-filled items`` (the count is their length).
A failed step is reported by kind (``Throttled``, ``QuotaExceeded``, ``AccessDenied``,
``StepTimeout``, ``UnexpectedReply``) and ends that chat; the user goes on with its next
task. Every chat is ended (DisconnectParticipant, then StopContact) when its task ends,
fails or is killed, and whatever is left when the test stops or Locust quits. Once Locust's
ramp-up is complete the worker freezes its long-lived objects out of the garbage collector's
walks, once per process (``_gc.freeze_long_lived``: full collections then stay short).

Settings, in order: the class attributes, the command line (``--connect-instance-id``,
``--connect-flow-id``, ``--chat-endpoint-url``, ``--chat-start-rate``, ``--chat-start-burst``),
the environment (``CPX_LOADTEST_INSTANCE_ID`` ...).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any, ClassVar, Optional

from locust import User, events, task

from ..conversation import Conversation
from ._driver import ChatDriver, GeventDriver, LoadSession
from ._gc import FreezeOnce
from ._pacing import DEFAULT_START_BURST, DEFAULT_START_RATE, TokenBucket
from ._report import OPEN_CHATS, Reporter
from .errors import StepFailure, classify

_OPTIONS = {
    "connect_instance_id": "CPX_LOADTEST_INSTANCE_ID",
    "connect_flow_id": "CPX_LOADTEST_FLOW_ID",
    "chat_endpoint_url": "CPX_LOADTEST_ENDPOINT_URL",
    "chat_region": "CPX_LOADTEST_REGION",
    "chat_start_rate": "CPX_LOADTEST_START_RATE",
    "chat_start_burst": "CPX_LOADTEST_START_BURST",
}


def _add_arguments(parser: Any) -> None:
    group = parser.add_argument_group("chat load test (boto3-connectparticipant-ext)")
    for option, variable in _OPTIONS.items():
        group.add_argument(
            "--" + option.replace("_", "-"),
            default=os.environ.get(variable, ""),
            help=f"(env {variable})",
        )


def _end_on_stop(**_: Any) -> None:
    OPEN_CHATS.end_all()


def _end_on_quit(**_: Any) -> None:
    OPEN_CHATS.end_all()


events.init_command_line_parser.add_listener(_add_arguments)  # type: ignore[no-untyped-call]
events.test_stop.add_listener(_end_on_stop)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_end_on_quit)  # type: ignore[no-untyped-call]
# Once the ramp-up is done, what lives long leaves the collector's walks (see ``_gc``).
events.spawning_complete.add_listener(FreezeOnce())  # type: ignore[no-untyped-call]


_shared_lock = threading.Lock()
_buckets: dict[tuple[float, int], TokenBucket] = {}
_drivers: dict[tuple[Optional[str], Optional[str]], ChatDriver] = {}


def shared_bucket(rate: float, burst: int) -> TokenBucket:
    """The process's StartChatContact bucket for ``rate`` and ``burst``."""
    with _shared_lock:
        key = (rate, burst)
        if key not in _buckets:
            _buckets[key] = TokenBucket(rate=rate, burst=burst)
        return _buckets[key]


class LoadConversation:
    """A :class:`Conversation` whose steps are reported to Locust (see the module notes)."""

    def __init__(self, session: LoadSession, reporter: Reporter, started: float, timeout: float):
        self.session = session
        self.conversation = Conversation(session, timeout=timeout)
        self.reporter = reporter
        self._started = started
        self._first_seen = False

    @property
    def contact_id(self) -> str:
        return self.session.contact.contact_id

    def say(self, text: str, *, name: str = "SendMessage") -> str:
        with self.reporter.step(name):
            return self.conversation.say(text)

    def choose(self, choice: Any, *, name: str = "SendMessage (choice)") -> str:
        with self.reporter.step(name):
            return self.conversation.choose(choice)

    def send_attachment(self, path: Any, *, name: str = "UploadAttachment", **kw: Any) -> str:
        with self.reporter.step(name):
            return self.conversation.send_attachment(path, **kw)

    def expect(self, *, name: Optional[str] = None, **matchers: Any) -> Any:
        """``Conversation.expect``; reported as ``expect <name>`` with the reply latency."""
        label = "expect " + (name or _describe(matchers))
        return self._expect(label, self.conversation.expect, matchers)

    def expect_attachment(self, *, name: str = "attachment", **matchers: Any) -> Any:
        return self._expect("expect " + name, self.conversation.expect_attachment, matchers)

    def expect_silence(self, for_seconds: float, *, name: str = "silence") -> None:
        with self.reporter.step("expect " + name):
            self.conversation.expect_silence(for_seconds)

    def expect_end(self, *, timeout: Optional[float] = None, name: str = "end") -> None:
        with self.reporter.step("expect " + name):
            self.conversation.expect_end(timeout=timeout)

    def _expect(self, label: str, wait: Any, matchers: dict[str, Any]) -> Any:
        latencies = self.conversation.latencies
        before = latencies.count
        started = time.perf_counter()
        try:
            event = wait(**matchers)
        except Exception as error:
            failure = classify(error, label)
            self.reporter.report(label, time.perf_counter() - started, exception=failure)
            raise failure from None
        samples = latencies.samples
        seconds = samples[-1].seconds if len(samples) > before else time.perf_counter() - started
        content = getattr(event, "content", "") or ""
        self.reporter.report(label, seconds, length=len(content.encode("utf-8")))
        if not self._first_seen:
            self._first_seen = True
            self.reporter.report("FirstMessage", time.perf_counter() - self._started)
        return event


def _gevent_spawn(function: Any, *args: Any) -> Any:
    import gevent

    return gevent.spawn(function, *args)


def _describe(matchers: dict[str, Any]) -> str:
    for key in ("template", "text", "role"):
        value = matchers.get(key)
        if value is not None:
            return str(getattr(value, "pattern", value))
    return "message"


class ChatUser(User):
    """A simulated customer (abstract: write :meth:`flow`, or tasks using :meth:`chat`)."""

    abstract = True
    instance_id: ClassVar[Optional[str]] = None
    contact_flow_id: ClassVar[Optional[str]] = None
    endpoint_url: ClassVar[Optional[str]] = None
    region_name: ClassVar[Optional[str]] = None
    start_rate: ClassVar[Optional[float]] = None
    start_burst: ClassVar[Optional[int]] = None
    display_name: ClassVar[str] = "Load test customer"
    timeout: ClassVar[float] = 30.0
    """The default wait of every ``expect``."""

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self.reporter = Reporter(environment.events.request.fire)
        self._mine: list[LoadSession] = []

    def setting(self, name: str, option: str) -> Optional[str]:
        value = getattr(self, name)
        if value is not None:
            return str(value)
        parsed = getattr(self.environment, "parsed_options", None)
        found = getattr(parsed, option, None) if parsed is not None else None
        return str(found) if found else (os.environ.get(_OPTIONS[option]) or None)

    def driver(self) -> ChatDriver:
        """The process's driver for this user's endpoint and Region.

        Several endpoints (comma-separated: emulators in several processes) are shared out
        by Locust worker index, so each worker talks to one emulator."""
        endpoint = self.setting("endpoint_url", "chat_endpoint_url")
        if endpoint and "," in endpoint:
            choices = [part.strip() for part in endpoint.split(",") if part.strip()]
            index = getattr(getattr(self.environment, "runner", None), "worker_index", 0)
            endpoint = choices[(index if isinstance(index, int) else 0) % len(choices)]
        key = (endpoint, self.setting("region_name", "chat_region"))
        with _shared_lock:
            if key not in _drivers:
                _drivers[key] = GeventDriver(endpoint_url=key[0], region_name=key[1])
            return _drivers[key]

    def bucket(self) -> TokenBucket:
        rate = self.setting("start_rate", "chat_start_rate")
        burst = self.setting("start_burst", "chat_start_burst")
        return shared_bucket(
            float(rate) if rate else DEFAULT_START_RATE,
            int(burst) if burst else DEFAULT_START_BURST,
        )

    @contextlib.contextmanager
    def chat(self, **options: Any) -> Iterator[LoadConversation]:
        """Start a chat (paced), yield its reported conversation, always end it.

        A step failure (already reported) ends the block quietly; anything else is raised.
        """
        options.setdefault("instance_id", self.setting("instance_id", "connect_instance_id"))
        options.setdefault("contact_flow_id", self.setting("contact_flow_id", "connect_flow_id"))
        options.setdefault("display_name", self.display_name)
        driver = self.driver()
        self.bucket().take()
        started = time.perf_counter()
        session: Optional[LoadSession] = None
        try:
            # The start runs in its own greenlet: a user killed meanwhile (the run stopped)
            # does not lose a contact that the service already created; the start finishes,
            # registers its chat, and the stop listeners end it.
            outcome = _gevent_spawn(self._start, driver, options).get()
            if isinstance(outcome, BaseException):
                raise outcome
            session = outcome
            yield LoadConversation(session, self.reporter, started, self.timeout)
        except StepFailure:
            return
        finally:
            if session is not None:
                self._finish(session)

    def _start(self, driver: ChatDriver, options: dict[str, Any]) -> Any:
        """The started chat, or the exception (returned: gevent would print it as raised)."""
        try:
            return self._start_chat(driver, options)
        except Exception as error:
            return error

    def _start_chat(self, driver: ChatDriver, options: dict[str, Any]) -> LoadSession:
        with OPEN_CHATS.starting():
            with self.reporter.step("StartChatContact"):
                answer, contact = driver.start_contact(options)
            session = LoadSession(None, contact, driver.connect_client)
            session.reporter = self.reporter
            OPEN_CHATS.add(session)
            self._mine.append(session)
        try:
            with self.reporter.step("Connect"):
                session.chat = driver.open(answer, contact)
        except BaseException:
            self._finish(session)
            raise
        return session

    def _finish(self, session: LoadSession) -> None:
        counters = session.counters
        for name, count in (
            ("connection lost", counters.lost),
            ("reconnect", counters.reconnects),
            ("gap-filled items", counters.gap_filled),
        ):
            if count:
                self.reporter.report(name, 0.0, length=count)
        OPEN_CHATS.end(session)  # reports EndChat
        if session in self._mine:
            self._mine.remove(session)

    def on_stop(self) -> None:
        for session in list(self._mine):
            self._finish(session)

    @task
    def run_flow(self) -> None:
        with self.chat() as talk:
            self.flow(talk)

    def flow(self, talk: LoadConversation) -> None:
        """The customer's side of one chat; override it (the default only starts and ends)."""
