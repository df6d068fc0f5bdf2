"""``cpx emulator``: run the emulator in the foreground until SIGINT or SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING, Optional, TextIO

from boto3_connectparticipant_ext.emulator._emulator import Emulator
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig

if TYPE_CHECKING:
    from boto3_connectparticipant_ext.emulator.bots.model import Bot


def run_foreground(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    config: Optional[EmulatorConfig] = None,
    stream: Optional[TextIO] = None,
    stop_event: Optional[threading.Event] = None,
    bots: Sequence[Bot] = (),
) -> None:
    """Serve until SIGINT/SIGTERM (or ``stop_event``), printing ``endpoint_url=<url>`` first.

    The other lines printed (``region=``, ``instance_id=``, ``contact_flow_id=``, and one
    ``bot=<name> flow_id=<id>`` line a bot) are what StartChatContact needs. Nothing secret
    is printed.

    Examples
    --------
    >>> import threading
    >>> stop = threading.Event(); stop.set()
    >>> run_foreground(stop_event=stop)                          # doctest: +ELLIPSIS
    endpoint_url=http://127.0.0.1:...
    region=us-east-1
    ...
    """
    out = stream if stream is not None else sys.stdout
    stop = stop_event if stop_event is not None else threading.Event()
    previous: dict[signal.Signals, object] = {}

    def request_stop(signum: int, frame: Optional[FrameType]) -> None:
        del signum, frame
        stop.set()

    on_main_thread = threading.current_thread() is threading.main_thread()
    with Emulator(config=config, host=host, port=port, bots=bots) as emulator:
        if on_main_thread:
            for signum in (signal.SIGINT, signal.SIGTERM):
                previous[signum] = signal.signal(signum, request_stop)
        try:
            print(f"endpoint_url={emulator.endpoint_url}", file=out)
            print(f"region={emulator.region}", file=out)
            print(f"instance_id={emulator.instance_id}", file=out)
            print(f"contact_flow_id={emulator.contact_flow_id}", file=out)
            for bot in emulator.bots:
                print(f"bot={bot.name} flow_id={bot.flow_id}", file=out)
            out.flush()
            # A timed wait keeps the main thread responsive to signals on every platform.
            while not stop.wait(0.5):
                pass
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)  # type: ignore[arg-type]  # it came from signal.signal
