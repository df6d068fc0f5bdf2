"""Starting, stopping, running in the foreground, and the pytest plugin."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import urllib3

from boto3_connectparticipant_ext.emulator import (
    Emulator,
    EmulatorConfig,
    EmulatorConfigError,
    EmulatorNotRunningError,
    EmulatorStartError,
    run_foreground,
)

from .conftest import open_chat, participant_client, put, start_upload, upload_and_complete


def _port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _refuses_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


def test_start_stop_and_context_manager() -> None:
    emulator = Emulator()
    assert not emulator.running and repr(emulator) == "Emulator(stopped)"
    with pytest.raises(EmulatorNotRunningError):
        _ = emulator.endpoint_url
    with pytest.raises(EmulatorNotRunningError):
        emulator.start_chat()
    assert emulator.start() is emulator
    assert emulator.start() is emulator
    port = _port_of(emulator.endpoint_url)
    assert emulator.endpoint_url == f"http://127.0.0.1:{port}" and port > 0
    assert emulator.running
    emulator.stop()
    emulator.stop()
    assert not emulator.running and _refuses_connections(port)


def test_stop_closes_open_sockets_and_keeps_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with contextlib.ExitStack() as stack:
        with Emulator() as emulator:
            client = participant_client(emulator)
            chat = open_chat(emulator, client)
            upload = client.start_attachment_upload(
                ConnectionToken=chat.connection_token,
                ContentType="text/plain",
                AttachmentSizeInBytes=3,
                AttachmentName="a.txt",
            )
            metadata = upload["UploadMetadata"]
            http = urllib3.PoolManager(retries=False)
            stored = http.request(
                "PUT", metadata["Url"], body=b"abc", headers=metadata["HeadersToInclude"]
            )
            assert stored.status == 200
            websocket = stack.enter_context(connect(chat.websocket_url))
            websocket.send('{"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}')
            websocket.recv(timeout=5)
            assert any(tmp_path.iterdir())
        with pytest.raises(ConnectionClosed):
            websocket.recv(timeout=5)
    assert list(tmp_path.iterdir()) == []


def test_fixed_port_and_port_in_use() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    with Emulator(port=free) as emulator:
        assert emulator.endpoint_url.endswith(f":{free}")
        with pytest.raises(EmulatorStartError):
            Emulator(port=free).start()


def test_bad_config_is_refused() -> None:
    with pytest.raises(EmulatorConfigError):
        EmulatorConfig(connection_token_ttl=0)
    with pytest.raises(EmulatorConfigError):
        EmulatorConfig(websocket_max_age="soon")  # type: ignore[arg-type]
    with pytest.raises(EmulatorConfigError):
        Emulator(config={"scan_delay": 1})  # type: ignore[arg-type]
    config = EmulatorConfig()
    with pytest.raises(EmulatorConfigError):
        config.update(scan_delay=-1, upload_url_ttl=5)
    assert config.upload_url_ttl == 300 and config.scan_delay == 0


def test_control_calls_from_many_threads(emulator: Emulator) -> None:
    chat = emulator.start_chat()
    errors: list[BaseException] = []

    def post(worker: int) -> None:
        try:
            for number in range(20):
                emulator.send_message(
                    chat["ContactId"], chat["ParticipantId"], f"{worker}-{number}"
                )
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert errors == []
    messages = [i for i in emulator.transcript(chat["ContactId"]) if i["Type"] == "MESSAGE"]
    assert len(messages) == 80 and len({m["Id"] for m in messages}) == 80
    stamps = [m["AbsoluteTime"] for m in messages]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_run_foreground_in_a_thread_stops_on_event() -> None:
    import io

    out = io.StringIO()
    stop = threading.Event()
    worker = threading.Thread(target=run_foreground, kwargs={"stream": out, "stop_event": stop})
    worker.start()
    deadline = time.time() + 20
    while "endpoint_url=" not in out.getvalue() and time.time() < deadline:
        time.sleep(0.02)
    url = out.getvalue().split("endpoint_url=")[1].splitlines()[0]
    http = urllib3.PoolManager(retries=False)
    assert http.request("GET", url + "/_emulator/health").status == 200
    stop.set()
    worker.join(timeout=20)
    assert not worker.is_alive() and _refuses_connections(_port_of(url))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_run_foreground_process_exits_cleanly_on_signal(signum: int) -> None:
    code = "from boto3_connectparticipant_ext.emulator import run_foreground; run_foreground()"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("endpoint_url=http://127.0.0.1:")
        url = first.strip().split("=", 1)[1]
        lines = [process.stdout.readline().strip() for _ in range(3)]
        assert [line.split("=")[0] for line in lines] == [
            "region",
            "instance_id",
            "contact_flow_id",
        ]
        http = urllib3.PoolManager(retries=False)
        assert http.request("GET", url + "/_emulator/health").status == 200
        process.send_signal(signum)
        assert process.wait(timeout=20) == 0
        assert process.stderr is not None
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _run_pytest(directory: Path, source: str) -> subprocess.CompletedProcess[str]:
    (directory / "test_uses_plugin.py").write_text(textwrap.dedent(source), encoding="utf-8")
    environment = dict(os.environ)
    environment.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(directory)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=directory,
        env=environment,
    )


def test_pytest_plugin_gives_a_fresh_emulator_per_test(tmp_path: Path) -> None:
    result = _run_pytest(
        tmp_path,
        """
        seen = []

        def test_one(connect_chat_emulator):
            chat = connect_chat_emulator.start_chat(display_name="A")
            assert len(connect_chat_emulator.transcript(chat["ContactId"])) == 1
            seen.append(connect_chat_emulator.endpoint_url)

        def test_two(connect_chat_emulator):
            assert connect_chat_emulator.requests == []
            assert connect_chat_emulator.endpoint_url not in seen
        """,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_plugin_import_is_light() -> None:
    code = (
        "import sys; import boto3_connectparticipant_ext.emulator.pytest_plugin; "
        "heavy = [m for m in ('aiohttp', 'websockets', 'moto') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_emulator_package_import_does_not_load_aiohttp() -> None:
    code = (
        "import sys; from boto3_connectparticipant_ext.emulator import Emulator, Fault; "
        "print('aiohttp' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"


def test_repr_and_records_hide_secrets(emulator: Emulator) -> None:
    client = participant_client(emulator)
    chat = open_chat(emulator, client)
    text = repr(emulator) + repr(emulator.requests) + repr(emulator.frames)
    for secret in (chat.participant_token, chat.connection_token, chat.websocket_url):
        assert secret not in text
    assert _first_secret_free(emulator.requests, chat.connection_token)


def _first_secret_free(records: Any, secret: str) -> bool:
    return all(secret not in repr(record) for record in records)


def test_replacing_config_updates_the_live_one(emulator: Emulator) -> None:
    live = emulator.config
    emulator.config = EmulatorConfig(connection_token_ttl=120, scan_delay=0.5)
    assert emulator.config is live and live.connection_token_ttl == 120
    client = participant_client(emulator)
    started = emulator.start_chat()
    answer = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )
    from boto3_connectparticipant_ext.emulator._ids import parse_iso_timestamp

    assert parse_iso_timestamp(answer["ConnectionCredentials"]["Expiry"]) - time.time() < 130
    with pytest.raises(EmulatorConfigError):
        emulator.config = {"scan_delay": 1}  # type: ignore[assignment]


def test_a_bug_still_answers_like_the_service(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from boto3_connectparticipant_ext.emulator import _participant_api

    client = participant_client(emulator)
    chat = open_chat(emulator, client)

    def broken(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError(f"bug while handling {params['ConnectionToken']}")

    monkeypatch.setitem(_participant_api.HANDLERS, "SendMessage", broken)
    with pytest.raises(client.exceptions.InternalServerException):
        client.send_message(
            ConnectionToken=chat.connection_token, ContentType="text/plain", Content="x"
        )
    assert chat.connection_token not in caplog.text
    assert "RuntimeError" in caplog.text


def test_a_failing_scan_rule_rejects_instead_of_breaking(emulator: Emulator) -> None:
    def failing(name: str, size: int) -> str:
        raise ValueError("scanner down")

    emulator.config.update(scan_rule=failing)
    client = participant_client(emulator)
    chat = open_chat(emulator, client)
    upload_and_complete(client, chat, b"a", "a.txt")
    assert emulator.transcript(chat.contact_id)[-1]["Attachments"][0]["Status"] == "REJECTED"


def test_a_forgotten_emulator_is_stopped_when_collected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    emulator = Emulator().start()
    port = _port_of(emulator.endpoint_url)
    client = participant_client(emulator)
    chat = open_chat(emulator, client)
    assert put(start_upload(client, chat, b"a", "a.txt"), b"a").status == 200
    assert any(tmp_path.iterdir())
    del emulator, client
    gc.collect()
    assert _refuses_connections(port)
    assert list(tmp_path.iterdir()) == []


_STOP_WITH_A_REQUEST_IN_FLIGHT = """
import sys, threading, time, urllib.request
from boto3_connectparticipant_ext.emulator import Emulator, Fault

client_gone = sys.argv[1] == "gone"
emulator = Emulator().start()
emulator.inject_fault(Fault.LATENCY, seconds=4)

def fire():
    request = urllib.request.Request(
        emulator.endpoint_url + "/participant/transcript",
        data=b"{}",
        method="POST",
        headers={"X-Amz-Bearer": "token", "Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=0.3 if client_gone else 30).read()
    except Exception:
        pass

worker = threading.Thread(target=fire, daemon=True)
worker.start()
# Requests are recorded once answered: an empty record means the handler still sleeps.
time.sleep(1.0)
assert worker.is_alive() != client_gone and emulator.requests == []
began = time.monotonic()
emulator.stop()
print(f"stopped_in={time.monotonic() - began:.3f}", flush=True)
"""

_DIRTY_STOP_MARKERS = ("Task was destroyed", "Task exception was never retrieved", "Unclosed")


@pytest.mark.parametrize("client", ["waiting", "gone"])
def test_stop_with_a_request_in_flight_is_clean_and_bounded(client: str, tmp_path: Path) -> None:
    # The handler sleeps in an injected latency while stop() runs: aiohttp gives up
    # on it (or lost track of it when its client left), so the emulator must cancel
    # and await it itself, or asyncio complains about a pending task at exit.
    environment = dict(os.environ, TMPDIR=str(tmp_path), PYTHONDEVMODE="1")
    result = subprocess.run(
        [sys.executable, "-c", _STOP_WITH_A_REQUEST_IN_FLIGHT, client],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    dirty = [line for line in result.stderr.splitlines() if line.startswith(_DIRTY_STOP_MARKERS)]
    assert dirty == [], result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    timing = [line for line in result.stdout.splitlines() if line.startswith("stopped_in=")]
    assert timing, result.stdout + result.stderr
    assert float(timing[0].split("=", 1)[1]) < 5.0
    assert list(tmp_path.iterdir()) == []
