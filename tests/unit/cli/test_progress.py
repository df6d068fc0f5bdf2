"""The ``cpx`` progress bar: rich's display on terminals only, thread-safe, winds back.

The frames asserted here are rich's (issue 12 moved the hand-written bar onto rich.progress).
"""

from __future__ import annotations

import io
import os
import re
import sys
import threading
import time

import pytest

pytest.importorskip("rich")  # the cli extra

from rich.console import Console

from boto3_connectparticipant_ext import _progress_display
from boto3_connectparticipant_ext.cli._progress import ProgressBar, format_bytes

_FRAME = "\r\x1b[2K"  # rich rewrites its line in place with these


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=100, color_system=None), out


def _final_line(out: io.StringIO) -> str:
    text = out.getvalue()
    assert text.endswith("\n\x1b[?25h"), repr(text[-40:])  # one clean final line, cursor back
    return text.rsplit(_FRAME, 1)[-1].replace("\x1b[?25l", "")[: -len("\n\x1b[?25h")]


def test_nothing_is_drawn_when_the_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with ProgressBar(label="upload", total=10, stream=stream) as bar:
        bar.update(10)
    assert stream.getvalue() == ""
    assert bar.done == 10


def test_nothing_is_drawn_on_a_pipe_nor_on_a_console_that_is_no_terminal() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as pipe, ProgressBar(label="up", total=10, stream=pipe) as bar:
        bar.update(10)
    with os.fdopen(read_end, "rb") as drained:
        assert drained.read() == b""
    out = io.StringIO()
    with ProgressBar(label="upload", total=10, console=Console(file=out)) as bar:
        bar.update(10)
    assert out.getvalue() == ""


def test_bar_with_a_known_total_shows_bytes_speed_and_time_left() -> None:
    (console, out), clock = _console(), Clock()
    bar = ProgressBar(label="upload a.pdf", total=2048, console=console, clock=clock)
    bar.update(1024)
    clock.now += 1
    bar.update(1024)
    bar.close()
    final = _final_line(out)
    assert final.startswith("upload a.pdf ━━━━")
    assert re.search(r" 100% 2\.0/2\.0 kB 1\.0 kB/s 0:00:00$", final), final
    assert "\x1b[" not in final


def test_redraws_are_throttled_and_the_last_state_is_drawn() -> None:
    (console, out), clock = _console(), Clock()
    bar = ProgressBar(label="x", total=1000, console=console, clock=clock)
    started = time.monotonic()
    for _ in range(1000):
        bar.update(1)
    bar.close()
    # rich's refresh thread draws ten frames a second at most, never one frame per update
    allowed = 3 + 10 * (time.monotonic() - started)
    assert out.getvalue().count(_FRAME) <= min(allowed, 100)
    assert " 100% " in _final_line(out)


def test_counter_without_total_and_delay() -> None:
    (console, out), clock = _console(), Clock()
    bar = ProgressBar(label="transcript", total=None, unit="items", console=console, clock=clock,
                      delay=0.5)  # fmt: skip
    bar.update(5)
    assert out.getvalue() == ""  # a quick job shows nothing
    clock.now += 1
    bar.update(5)
    bar.close()
    final = _final_line(out)
    assert final.startswith("transcript ")
    assert final.endswith(" 10 items 0:00:01")
    assert "%" not in final


def test_quick_job_leaves_no_empty_line() -> None:
    console, out = _console()
    with ProgressBar(label="x", total=None, console=console, delay=60) as bar:
        bar.update(1)
    assert out.getvalue() == ""


def test_negative_progress_rewinds_and_failure_keeps_the_last_frame() -> None:
    (console, out), clock = _console(), Clock()
    bar = ProgressBar(label="x", total=100, console=console, clock=clock)
    with pytest.raises(RuntimeError), bar:
        bar.update(60)
        clock.now += 1
        bar.update(-60)  # a retry starts over
        assert bar.done == 0
        raise RuntimeError("the transfer failed")
    assert re.search(r" 0% 0/100 bytes \? -:--:--$", _final_line(out))


def test_updates_from_many_threads_are_all_counted() -> None:
    console, out = _console()
    bar = ProgressBar(label="x", total=8000, console=console)

    def count() -> None:
        for _ in range(1000):
            bar.update(1)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bar.close()
    assert bar.done == 8000
    assert " 100% 8.0/8.0 kB " in _final_line(out)


def test_labels_cannot_inject_markup_or_terminal_codes() -> None:
    console, out = _console()
    with ProgressBar(label="[bold]a\x1b[31mb.pdf", total=1, console=console) as bar:
        bar.update(1)
    assert _final_line(out).startswith("[bold]a?[31mb.pdf ━")


def test_plain_line_when_rich_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rich.progress", None)  # the cli extra is absent
    assert not _progress_display.rich_available()
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(label="upload a\x1b.pdf", total=2048, stream=stream, clock=clock)
    bar.update(1024)
    clock.now += 1
    bar.update(1024)
    bar.close()
    frames = stream.getvalue().split("\r")[1:]
    assert frames[0] == "upload a?.pdf  50%  1.0 KiB / 2.0 KiB"
    assert frames[-1] == "upload a?.pdf 100%  2.0 KiB / 2.0 KiB\n"
    piped = io.StringIO()
    with ProgressBar(label="x", total=None, unit="items", stream=piped) as counter:
        counter.update(3)
    assert piped.getvalue() == ""


def test_format_bytes() -> None:
    assert format_bytes(0) == "0 B"
    assert format_bytes(1023) == "1023 B"
    assert format_bytes(5 * 1024 * 1024) == "5.0 MiB"
