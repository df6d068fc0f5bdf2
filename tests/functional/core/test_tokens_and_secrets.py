"""Bound tokens and secret redaction, checked on the wire and in real log records."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ParamValidationError

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.redact import LOG_SECRETS_ENV

from .conftest import CONNECTION_TOKEN, PARTICIPANT_TOKEN, WEBSOCKET_SECRET, RecordingServer


def _client(server: RecordingServer) -> Any:
    return boto3.client("connectparticipant", region_name="us-east-1", endpoint_url=server.url)


def test_bound_token_fills_omitted_argument(recording_server: RecordingServer) -> None:
    cpx.install()
    client = _client(recording_server)
    cpx.bind_tokens(client, participant_token=PARTICIPANT_TOKEN, connection_token=CONNECTION_TOKEN)
    client.create_participant_connection(Type=["CONNECTION_CREDENTIALS"])
    assert recording_server.last().headers["x-amz-bearer"] == PARTICIPANT_TOKEN
    client.get_transcript()
    assert recording_server.last().headers["x-amz-bearer"] == CONNECTION_TOKEN
    client.get_transcript(ConnectionToken="explicit-wins")
    assert recording_server.last().headers["x-amz-bearer"] == "explicit-wins"
    assert "SECRET" not in repr(cpx.bound_tokens(client))


def test_binding_is_per_client_and_works_without_install(
    recording_server: RecordingServer,
) -> None:
    from boto3_connectparticipant_ext.auth import force_unsigned

    def unsigned_client() -> Any:
        return boto3.client(
            "connectparticipant",
            region_name="us-east-1",
            endpoint_url=recording_server.url,
            config=force_unsigned(None),
        )

    bound, unbound = unsigned_client(), unsigned_client()
    cpx.bind_tokens(bound, connection_token=CONNECTION_TOKEN)
    bound.get_transcript()
    with pytest.raises(ParamValidationError, match="ConnectionToken"):
        unbound.get_transcript()
    assert len(recording_server.requests) == 1
    cpx.unbind_tokens(bound)
    with pytest.raises(ParamValidationError):
        bound.get_transcript()


def test_bind_rejects_other_clients() -> None:
    with pytest.raises(cpx.WrongClientError, match="connect client"):
        cpx.bind_tokens(boto3.client("connect", region_name="us-east-1"), connection_token="x")
    with pytest.raises(cpx.WrongClientError):
        cpx.bind_tokens(object(), connection_token="x")


def test_many_threads_many_clients_keep_their_tokens(recording_server: RecordingServer) -> None:
    cpx.install()
    clients = [_client(recording_server) for _ in range(6)]
    for index, client in enumerate(clients):
        cpx.bind_tokens(client, connection_token=f"token-{index}")
    sent: dict[int, list[str]] = {index: [] for index in range(6)}
    lock = threading.Lock()

    def work(index: int) -> None:
        for round_number in range(10):
            if round_number == 5:  # rebinding while other threads use other clients
                cpx.bind_tokens(clients[index], connection_token=f"token-{index}-b")
            reply = clients[index].send_message(Content=f"{index}", ContentType="text/plain")
            assert reply["Id"] == "message-1"
            with lock:
                sent[index].append(f"{index}")

    threads = [threading.Thread(target=work, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for request in recording_server.requests:
        index = int(request.body.decode().split('"Content": "')[1][0])
        assert request.headers["x-amz-bearer"] in {f"token-{index}", f"token-{index}-b"}
    assert sum(len(values) for values in sent.values()) == 60


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def debug_logs() -> Iterator[_Capture]:
    capture = _Capture()
    capture.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(previous)


def _chat_round_trip(server: RecordingServer) -> None:
    client = _client(server)
    client.create_participant_connection(
        ParticipantToken=PARTICIPANT_TOKEN, Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"]
    )
    client.describe_view(ViewToken="v", ConnectionToken=CONNECTION_TOKEN)


def test_no_secret_in_any_debug_log_record(
    recording_server: RecordingServer, debug_logs: _Capture
) -> None:
    cpx.install()
    _chat_round_trip(recording_server)
    text = "\n".join(debug_logs.lines)
    assert "x-amz-bearer" in text.lower(), "botocore DEBUG logging did not run"
    assert "<redacted>" in text
    for secret in (PARTICIPANT_TOKEN, CONNECTION_TOKEN, WEBSOCKET_SECRET):
        assert secret not in text


def test_documented_opt_out_shows_secrets(
    recording_server: RecordingServer, debug_logs: _Capture
) -> None:
    os.environ[LOG_SECRETS_ENV] = "1"
    cpx.install()
    _chat_round_trip(recording_server)
    assert CONNECTION_TOKEN in "\n".join(debug_logs.lines)


def test_uninstall_stops_redacting(recording_server: RecordingServer, debug_logs: _Capture) -> None:
    factory = logging.getLogRecordFactory()
    cpx.install()
    assert logging.getLogRecordFactory() is not factory
    cpx.uninstall()
    assert logging.getLogRecordFactory() is factory


def test_exception_tracebacks_in_logs_are_redacted(debug_logs: _Capture) -> None:
    cpx.install()
    try:
        raise RuntimeError(f"failed with X-Amz-Bearer: {CONNECTION_TOKEN}")
    except RuntimeError:
        logging.getLogger("botocore.test").exception("call failed")
    text = "\n".join(debug_logs.lines)
    assert "call failed" in text and CONNECTION_TOKEN not in text
