"""Each step of a simulated customer as a Locust request event, and the chats still open.

:class:`Reporter` fires ``environment.events.request`` (``request_type``, ``name``,
``response_time`` in milliseconds, ``response_length``, ``exception``): that is all
Locust needs for its statistics, charts, CSV files and master/worker aggregation. A failed
step is reported with its :class:`~.errors.StepFailure` kind, then raised.

:class:`OpenChats` is the process's list of chats not ended yet: a user ends its own when it
stops; the ``test_stop`` and ``quitting`` listeners end whatever is left (an interrupted run).

Examples
--------
>>> fired = []
>>> reporter = Reporter(lambda **event: fired.append(event))
>>> with reporter.step("SendMessage"):
...     pass
>>> fired[0]["request_type"], fired[0]["name"], fired[0]["exception"]
('chat', 'SendMessage', None)
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable, Optional

from ..redact import describe_error
from .errors import StepFailure, classify

logger = logging.getLogger("boto3_connectparticipant_ext.loadtest")

REQUEST_TYPE = "chat"
"""The ``request_type`` of every step (Locust's "Type" column)."""


class Reporter:
    """Fire request events through ``fire`` (``environment.events.request.fire``)."""

    def __init__(self, fire: Callable[..., Any], *, request_type: str = REQUEST_TYPE) -> None:
        self._fire = fire
        self.request_type = request_type

    def report(
        self,
        name: str,
        seconds: float,
        *,
        length: int = 0,
        exception: Optional[BaseException] = None,
    ) -> None:
        self._fire(
            request_type=self.request_type,
            name=name,
            response_time=max(0.0, seconds) * 1000.0,
            response_length=length,
            exception=exception,
            context={},
        )

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the block as step ``name``; a failure is reported by kind and re-raised."""
        started = time.perf_counter()
        try:
            yield
        except StepFailure as known:
            self.report(name, time.perf_counter() - started, exception=known)
            raise
        except Exception as error:
            failure = classify(error, name)
            self.report(name, time.perf_counter() - started, exception=failure)
            raise failure from None
        self.report(name, time.perf_counter() - started)


class OpenChats:
    """The chats of this process that are not ended yet (safe from any greenlet)."""

    def __init__(self) -> None:
        self._open: dict[int, Any] = {}
        self._lock = threading.Lock()
        self.started = 0
        self.ended = 0
        self.pending = 0
        """Chat starts under way (StartChatContact sent, the chat not registered yet)."""

    @contextlib.contextmanager
    def starting(self) -> Iterator[None]:
        with self._lock:
            self.pending += 1
        try:
            yield
        finally:
            with self._lock:
                self.pending -= 1

    def add(self, session: Any) -> None:
        with self._lock:
            self._open[id(session)] = session
            self.started += 1

    def __len__(self) -> int:
        return len(self._open)

    def end(self, session: Any) -> bool:
        """End ``session`` once (DisconnectParticipant, StopContact); ``False`` if not ours."""
        with self._lock:
            if self._open.pop(id(session), None) is None:
                return False
            self.ended += 1
        reporter: Optional[Reporter] = getattr(session, "reporter", None)
        started = time.perf_counter()
        try:
            session.disconnect()
        except Exception as error:
            logger.warning("ending a chat failed: %s", describe_error(error))
            if reporter is not None:
                failure = classify(error, "EndChat")
                reporter.report("EndChat", time.perf_counter() - started, exception=failure)
            # The customer may be gone already: the contact must still stop.
            with contextlib.suppress(Exception):
                session.stop_contact()
            return True
        if reporter is not None:
            reporter.report("EndChat", time.perf_counter() - started)
        return True

    def end_all(self, *, settle: float = 10.0) -> int:
        """End every chat still open (an interrupted run); return how many.

        Chat starts under way are waited for (up to ``settle`` seconds) first: a start that
        was sent has a contact to stop."""
        deadline = time.monotonic() + settle
        while self.pending and time.monotonic() < deadline:
            time.sleep(0.05)
        with self._lock:
            sessions = list(self._open.values())
        return sum(self.end(session) for session in sessions)


OPEN_CHATS = OpenChats()
