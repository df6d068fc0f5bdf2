"""The ``cpx`` progress bar: drawn only on terminals, throttled, thread-safe."""

from __future__ import annotations

import io
import threading

from boto3_connectparticipant_ext.cli._progress import ProgressBar, format_bytes


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_drawn_when_the_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with ProgressBar(label="upload", total=10, stream=stream) as bar:
        bar.update(10)
    assert stream.getvalue() == ""
    assert bar.done == 10


def test_bar_with_a_known_total() -> None:
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(label="upload a.pdf", total=2048, stream=stream, clock=clock)
    bar.update(1024)
    clock.now += 1
    bar.update(1024)
    bar.close()
    frames = stream.getvalue().split("\r")[1:]
    assert "[############------------]  50%" in frames[0]
    assert frames[-1].startswith("upload a.pdf [########################] 100%  2.0 KiB / 2.0 KiB")
    assert stream.getvalue().endswith("\n")


def test_redraws_are_throttled_and_the_last_state_is_drawn() -> None:
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(label="x", total=1000, stream=stream, clock=clock)
    for _ in range(1000):
        bar.update(1)  # the clock does not move: only the first update draws
    bar.close()
    frames = stream.getvalue().split("\r")[1:]
    assert len(frames) == 2
    assert "100%" in frames[-1]


def test_counter_without_total_and_delay() -> None:
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(label="transcript", total=None, unit="items", stream=stream, clock=clock,
                      delay=0.5)  # fmt: skip
    bar.update(5)
    assert stream.getvalue() == ""  # a quick job shows nothing
    clock.now += 1
    bar.update(5)
    bar.close()
    assert "transcript  10 items" in stream.getvalue()


def test_quick_job_leaves_no_empty_line() -> None:
    stream = Terminal()
    with ProgressBar(label="x", total=None, stream=stream, delay=60) as bar:
        bar.update(1)
    assert stream.getvalue() == ""


def test_negative_progress_rewinds_and_failure_keeps_the_last_frame() -> None:
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(label="x", total=100, stream=stream, clock=clock)
    bar.update(60)
    clock.now += 1
    bar.update(-60)  # a retry starts over
    assert bar.done == 0
    bar.close(success=False)
    assert stream.getvalue().endswith("\n")


def test_updates_from_many_threads_are_all_counted() -> None:
    bar = ProgressBar(label="x", total=None, stream=Terminal())

    def count() -> None:
        for _ in range(1000):
            bar.update(1)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bar.done == 8000


def test_format_bytes() -> None:
    assert format_bytes(0) == "0 B"
    assert format_bytes(1023) == "1023 B"
    assert format_bytes(5 * 1024 * 1024) == "5.0 MiB"
