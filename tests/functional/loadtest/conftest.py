"""Headless Locust runs (a master and two workers, subprocesses) against an in-process emulator.

The emulator runs in the test process (no gevent here); Locust's processes reach it on
127.0.0.1. Skipped on Python < 3.10 (Locust needs 3.10); on 3.10+ a missing Locust is a
failure in CI (``CI`` set) and a skip elsewhere.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import pytest

from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.emulator.bots import load_bot

if sys.version_info < (3, 10):
    pytest.skip("Locust needs Python 3.10 or newer", allow_module_level=True)
# Only looked up: importing Locust here would monkey-patch this process (gevent).
if importlib.util.find_spec("locust") is None:
    if os.environ.get("CI"):
        raise ImportError("Locust is missing on Python >= 3.10 in CI: install the loadtest extra")
    pytest.skip("Locust is not installed (pip install '.[loadtest]')", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[3]
LOCUSTFILE = ROOT / "examples" / "locustfile.py"
FLOW = ROOT / "examples" / "support-flow.yaml"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(bots=[load_bot(FLOW)]) as emu:
        yield emu


def contacts(emu: Emulator) -> list[tuple[str, Optional[float]]]:
    """Every contact of the emulator with its end time (``None``: still open)."""
    server: Any = emu._server
    state = server.controller.state
    found: list[tuple[str, Optional[float]]] = server.call(
        lambda: [(c.contact_id, c.ended) for c in state.contacts.values()]
    )
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LocustRun:
    """A master and two workers; :meth:`wait` returns the master's exit code."""

    def __init__(
        self,
        emu: Emulator,
        tmp: Path,
        *,
        users: int,
        seconds: float,
        locustfile: Path = LOCUSTFILE,
    ) -> None:
        port = _free_port()
        self.prefix = tmp / "run"
        chat = [
            "-f", str(locustfile),
            "--chat-endpoint-url", emu.endpoint_url,
            "--chat-region", emu.region,
            "--connect-instance-id", emu.instance_id,
            "--connect-flow-id", load_bot(FLOW).flow_id,
            "--chat-start-rate", "20", "--chat-start-burst", "5",
        ]  # fmt: skip
        env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"}
        env.pop("AWS_PROFILE", None)
        locust_cmd = [sys.executable, "-m", "locust"]
        self.master = subprocess.Popen(
            [*locust_cmd, *chat, "--headless", "--master", "--master-bind-host", "127.0.0.1",
             "--master-bind-port", str(port), "--expect-workers", "2", "-u", str(users),
             "-r", str(users), "-t", f"{seconds}s", "--csv", str(self.prefix), "--only-summary"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.workers: list[subprocess.Popen[str]] = [
            subprocess.Popen(
                [
                    *locust_cmd,
                    *chat,
                    "--worker",
                    "--master-host",
                    "127.0.0.1",
                    "--master-port",
                    str(port),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            for _ in range(2)
        ]

    def interrupt(self, sig: int = signal.SIGINT) -> None:
        self.master.send_signal(sig)

    def wait(self, timeout: float = 60) -> tuple[int, str]:
        try:
            output, _ = self.master.communicate(timeout=timeout)
            for worker in self.workers:
                worker.wait(timeout=timeout)
        finally:
            processes: list[subprocess.Popen[str]] = [self.master, *self.workers]
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        return self.master.returncode, output

    def stats(self) -> dict[str, dict[str, str]]:
        with open(f"{self.prefix}_stats.csv", newline="") as handle:
            return {row["Name"]: row for row in csv.DictReader(handle)}

    def failures(self) -> list[dict[str, str]]:
        with open(f"{self.prefix}_failures.csv", newline="") as handle:
            return list(csv.DictReader(handle))


def wait_until_started(emu: Emulator, count: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while len(contacts(emu)) < count:
        assert time.monotonic() < deadline, "Locust started no chats"
        time.sleep(0.1)
