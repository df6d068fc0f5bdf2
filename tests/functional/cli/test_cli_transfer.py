"""``cpx upload`` and ``cpx download`` against the emulator's attachment store."""

from __future__ import annotations

import importlib.util
import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from .conftest import Chat, Cpx


def _operations(emulator: Any) -> list[str]:
    return [request.operation for request in emulator.requests]


def _upload(cpx: Cpx, path: Path, *extra: str) -> str:
    return cpx.ok("upload", str(path), *extra).stdout.strip()


def test_upload_then_download_by_id(cpx: Cpx, chat: Chat, tmp_path: Path) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF-1.4\n" + os.urandom(300_000))
    attachment_id = _upload(cpx, source)
    attachments = [a for item in chat.transcript() for a in item.get("Attachments") or ()]
    assert [a["AttachmentId"] for a in attachments] == [attachment_id]

    target = tmp_path / "copy.pdf"
    written = cpx.ok("download", attachment_id, "--out", str(target)).stdout.strip()
    assert Path(written) == target
    assert target.read_bytes() == source.read_bytes()

    refused = cpx.run("download", attachment_id, "--out", str(target))
    assert refused.returncode == 6
    assert "--overwrite" in refused.stderr
    cpx.ok("download", attachment_id, "--out", str(target), "--overwrite")


def test_out_dir_sanitizes_remote_names_and_numbers_duplicates(
    cpx: Cpx, chat: Chat, tmp_path: Path
) -> None:
    source = tmp_path / "note.txt"
    source.write_text("hello\n")
    hostile = "../../escape.txt"
    _upload(cpx, source, "--name", hostile)
    _upload(cpx, source, "--name", hostile)
    _upload(cpx, source, "--name", ".hidden.txt")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    written = cpx.ok("download", "--all", "--out-dir", str(downloads)).stdout.splitlines()
    assert len(written) == 3
    for path in map(Path, written):
        assert path.parent == downloads
        assert path.read_text() == "hello\n"
    names = sorted(path.name for path in downloads.iterdir())
    assert len(set(names)) == 3
    assert not any(name.startswith(".") for name in names)
    assert not (tmp_path / "escape.txt").exists()
    assert not Path(tmp_path.parent / "escape.txt").exists()


def test_local_problems_fail_before_any_network_call(cpx: Cpx, chat: Chat, tmp_path: Path) -> None:
    chat.emulator.clear_records()
    missing = cpx.run("upload", str(tmp_path / "nope.pdf"))
    assert missing.returncode == 6
    program = tmp_path / "tool.exe"
    program.write_bytes(b"MZ" + b"\0" * 100)
    not_allowed = cpx.run("upload", str(program))
    assert not_allowed.returncode == 6
    assert ".exe" in not_allowed.stderr
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2_000_000)
    too_big = cpx.run("upload", str(big), "--max-size-mb", "1")
    assert too_big.returncode == 6
    for completed in (missing, not_allowed, too_big):
        assert completed.stderr.count("\n") == 1
        assert "Traceback" not in completed.stderr
    assert "StartAttachmentUpload" not in _operations(chat.emulator)


def test_download_arguments_are_checked(cpx: Cpx) -> None:
    assert cpx.run("download").returncode == 2
    assert cpx.run("download", "some-id", "--all").returncode == 2
    assert cpx.run("download", "--all", "--out", "x").returncode == 2


def test_progress_bar_is_drawn_on_a_terminal_only(cpx: Cpx, tmp_path: Path) -> None:
    source = tmp_path / "photo.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2_000_000))

    piped = cpx.ok("upload", str(source))
    assert piped.stderr == ""

    # stderr on a pseudo-terminal, stdout still a pipe (``id=$(cpx upload ...)`` in a shell).
    controller, terminal = pty.openpty()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "boto3_connectparticipant_ext", "upload", str(source)],
            env=cpx.env,
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=60,
        )
        os.close(terminal)
        drawn = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the child side is closed
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(controller)
    assert completed.returncode == 0
    assert completed.stdout.strip()  # the AttachmentId, alone on stdout
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode())  # colours, cursor
    # rich's display (issue 12): label, bar, percent, bytes; rewritten in place, one final line.
    # Without the cli extra a plain line: label, percent, bytes.
    rich = importlib.util.find_spec("rich") is not None
    assert ("upload photo.png ━" if rich else "upload photo.png 100%") in text
    assert ("100% 2.0/2.0 MB" if rich else "1.9 MiB / 1.9 MiB") in text
    assert text.count("\r") >= 1
