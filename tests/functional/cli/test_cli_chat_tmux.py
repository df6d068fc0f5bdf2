"""``cpx chat`` in a real terminal: tmux runs it, send-keys types, capture-pane reads the screen.

The chat is with the emulator's support-flow bot (examples/support-flow.yaml): an interactive
choice answered by number, an attachment each way, and the end. Skipped without tmux
(.ci/run installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("prompt_toolkit")
pytest.importorskip("rich")

from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.emulator.bots import load_bot

REPO_ROOT = Path(__file__).resolve().parents[3]
TMUX = shutil.which("tmux")

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")


class Terminal:
    """One tmux session on a private server socket (nothing shared with other tmux users)."""

    def __init__(self, socket: Path) -> None:
        self.socket = str(socket)

    def tmux(self, *arguments: str) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-S", self.socket, *arguments], capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "chat")

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "chat", "-l", text)
        self.tmux("send-keys", "-t", "chat", "Enter")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on the screen:\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path / "tmux.sock")
    yield term
    subprocess.run([str(TMUX), "-S", term.socket, "kill-server"], capture_output=True, timeout=30)


def test_cpx_chat_in_tmux(terminal: Terminal, tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    bot = load_bot(REPO_ROOT / "examples" / "support-flow.yaml")
    with Emulator(bots=[bot]) as emulator:
        command = [
            sys.executable, "-m", "boto3_connectparticipant_ext", "chat",
            "--endpoint-url", emulator.endpoint_url, "--contact-flow-id", bot.flow_id,
            "--display-name", "Pat",
        ]  # fmt: skip
        env = {
            "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "TERM": "xterm-256color",
            "PYTHONPATH": str(REPO_ROOT), "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }  # fmt: skip
        terminal.tmux(
            "new-session", "-d", "-s", "chat", "-x", "140", "-y", "50",
            *[arg for key, value in env.items() for arg in ("-e", f"{key}={value}")],
            " ".join(f"'{part}'" for part in command),
        )  # fmt: skip
        terminal.tmux("set-option", "-t", "chat", "remain-on-exit", "on")
        terminal.wait_for("2. Orders")
        terminal.type("1")
        terminal.wait_for("2. 2030-01-02T10:00+00:00")
        terminal.type("2")
        terminal.wait_for("Booked.")
        terminal.wait_for("Anything else?")
        terminal.type("1")
        terminal.wait_for("photo of your receipt")
        terminal.type(f"/attach {photo}")
        terminal.wait_for("sent photo.png (APPROVED)")
        terminal.wait_for("(/download 1)")
        terminal.type(f"/download 1 {downloads}")
        terminal.wait_for("* saved")
        terminal.type("thanks")
        terminal.wait_for("Type bye")
        terminal.type("bye")
        screen = terminal.wait_for("* leaving the chat")
    assert (downloads / "invoice.txt").read_text() == "invoice 42: paid"
    assert "BOT (SYSTEM): Welcome to Example Corp!" in screen
    assert "Pat (CUSTOMER): chose Billing" in screen
    assert "Pat (CUSTOMER): chose 2030-01-02T10:00+00:00" in screen
    assert "Your balance is $0.00." in screen
    assert "Ann (AGENT): Hi, Ann here. Here is your invoice." in screen
    assert "Ann (AGENT): Bye!" in screen
