"""Injected faults, seen by stock clients over real sockets."""

from __future__ import annotations

import time
from typing import Any

import pytest
import urllib3
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfigError, Fault

from .conftest import (
    Chat,
    connect_client,
    participant_client,
    status_of,
    upload_and_complete,
)

RETRYING = {"total_max_attempts": 3, "mode": "standard"}


def send(client: Any, chat: Chat, text: str = "x", **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = client.send_message(
        ConnectionToken=chat.connection_token, ContentType="text/plain", Content=text, **extra
    )
    return answer


def test_throttle_then_recover(emulator: Emulator, client: Any, chat: Chat) -> None:
    emulator.inject_fault(Fault.THROTTLE, operation="SendMessage", count=1)
    with pytest.raises(client.exceptions.ThrottlingException) as caught:
        send(client, chat)
    assert status_of(caught.value) == 429
    send(client, chat)


def test_internal_error_is_retried_by_botocore(emulator: Emulator, chat: Chat) -> None:
    retrying = participant_client(emulator, retries=RETRYING)
    emulator.inject_fault(Fault.INTERNAL_ERROR, operation="SendMessage", count=1)
    answer = retrying.send_message(
        ConnectionToken=chat.connection_token, ContentType="text/plain", Content="x"
    )
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1


def test_internal_error(emulator: Emulator, client: Any, chat: Chat) -> None:
    emulator.inject_fault(Fault.INTERNAL_ERROR, operation="GetTranscript")
    with pytest.raises(client.exceptions.InternalServerException) as caught:
        client.get_transcript(ConnectionToken=chat.connection_token)
    assert status_of(caught.value) == 500


def test_operation_none_hits_any_participant_operation(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    emulator.inject_fault(Fault.THROTTLE, count=2)
    with pytest.raises(client.exceptions.ThrottlingException):
        client.get_transcript(ConnectionToken=chat.connection_token)
    with pytest.raises(client.exceptions.ThrottlingException):
        send(client, chat)
    send(client, chat)


def test_count_none_lasts_until_cleared(emulator: Emulator, client: Any, chat: Chat) -> None:
    emulator.inject_fault(Fault.THROTTLE, operation="SendMessage", count=None)
    for _ in range(3):
        with pytest.raises(client.exceptions.ThrottlingException):
            send(client, chat)
    emulator.clear_faults()
    send(client, chat)


def test_fault_narrowed_to_one_participant(emulator: Emulator, client: Any, chat: Chat) -> None:
    agent = emulator.add_participant(chat.contact_id, role="AGENT")
    agent_token = client.create_participant_connection(
        ParticipantToken=agent["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    emulator.inject_fault(Fault.THROTTLE, participant_id=agent["ParticipantId"], count=None)
    send(client, chat)
    with pytest.raises(client.exceptions.ThrottlingException):
        client.send_message(ConnectionToken=agent_token, ContentType="text/plain", Content="x")


def test_connect_admin_faults_use_its_error_names(emulator: Emulator) -> None:
    connect = connect_client(emulator)
    emulator.inject_fault(Fault.INTERNAL_ERROR, operation="StartChatContact")
    with pytest.raises(connect.exceptions.InternalServiceException):
        connect.start_chat_contact(
            InstanceId=emulator.instance_id,
            ContactFlowId=emulator.contact_flow_id,
            ParticipantDetails={"DisplayName": "C"},
        )


def test_chat_quota_refuses_starts_while_the_limit_of_active_chats_is_reached(
    emulator: Emulator,
) -> None:
    connect = connect_client(emulator)

    def start() -> dict[str, Any]:
        answer: dict[str, Any] = connect.start_chat_contact(
            InstanceId=emulator.instance_id,
            ContactFlowId=emulator.contact_flow_id,
            ParticipantDetails={"DisplayName": "C"},
        )
        return answer

    first = start()
    rule = emulator.inject_fault(Fault.CHAT_QUOTA, limit=2, count=None)
    assert rule.limit == 2
    start()
    for _ in range(2):
        with pytest.raises(connect.exceptions.LimitExceededException) as caught:
            start()
        assert status_of(caught.value) == 429
    connect.stop_contact(ContactId=first["ContactId"], InstanceId=emulator.instance_id)
    start()  # one chat ended: room for one more
    with pytest.raises(connect.exceptions.LimitExceededException):
        start()
    emulator.clear_faults()
    start()


@pytest.mark.parametrize(
    "arguments",
    [{}, {"limit": -1}, {"limit": True}, {"limit": 1.0}, {"limit": 1, "operation": "SendMessage"}],
)
def test_chat_quota_needs_a_limit_of_active_chats(
    emulator: Emulator, arguments: dict[str, Any]
) -> None:
    with pytest.raises(EmulatorConfigError):
        emulator.inject_fault(Fault.CHAT_QUOTA, **arguments)


def test_limit_is_refused_for_other_faults(emulator: Emulator) -> None:
    with pytest.raises(EmulatorConfigError, match="CHAT_QUOTA"):
        emulator.inject_fault(Fault.THROTTLE, limit=1)


def test_latency_delays_the_answer(emulator: Emulator, client: Any, chat: Chat) -> None:
    emulator.inject_fault(Fault.LATENCY, operation="SendMessage", seconds=0.5)
    slow = participant_client(emulator, read_timeout=0.1)
    with pytest.raises(ReadTimeoutError):
        send(slow, chat)
    send(client, chat)


def test_reset_before_response_after_the_work_is_done(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    emulator.inject_fault(Fault.RESET_BEFORE_RESPONSE, operation="SendMessage")
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        send(client, chat, "reset", ClientToken="retry-me")
    assert emulator.transcript(chat.contact_id)[-1]["Content"] == "reset"
    [record] = [r for r in emulator.requests if r.operation == "SendMessage"]
    assert record.status is None


def test_reset_mid_body_reaches_botocore_as_an_empty_answer(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    # botocore reads bodies with enforce_content_length=False: with most botocore/urllib3
    # pairs a body cut short is not an error, it parses as a response without its fields
    # (older botocore on urllib3 2 raises ConnectionClosedError instead). The retry with
    # the same ClientToken then gets the real answer and no duplicate message.
    emulator.inject_fault(Fault.RESET_MID_BODY, operation="SendMessage")
    try:
        cut = send(client, chat, "once", ClientToken="cut-1")
    except ConnectionClosedError:
        cut = {}
    assert "Id" not in cut
    again = send(client, chat, "once", ClientToken="cut-1")
    contents = [item.get("Content") for item in emulator.transcript(chat.contact_id)]
    assert contents.count("once") == 1
    assert again["Id"] == emulator.transcript(chat.contact_id)[-1]["Id"]
    [first, _] = [r for r in emulator.requests if r.operation == "SendMessage"]
    assert first.status is None


def _uploaded(client: Any, chat: Chat, body: bytes) -> str:
    attachment_id = upload_and_complete(client, chat, body, "data.txt")
    url: str = client.get_attachment(
        ConnectionToken=chat.connection_token, AttachmentId=attachment_id
    )["Url"]
    return url


@pytest.mark.parametrize("kind", [Fault.TRUNCATE_DOWNLOAD, Fault.RESET_MID_BODY])
def test_truncated_download(emulator: Emulator, client: Any, chat: Chat, kind: Fault) -> None:
    body = bytes(range(256)) * 400
    url = _uploaded(client, chat, body)
    emulator.inject_fault(kind, operation="GetObject" if kind is Fault.RESET_MID_BODY else None)
    http = urllib3.PoolManager(retries=False)
    response = http.request("GET", url, preload_content=False)
    assert response.status == 200
    assert int(response.headers["Content-Length"]) == len(body)
    with pytest.raises(urllib3.exceptions.HTTPError):
        response.read()
    again = http.request("GET", url)
    assert again.data == body


def test_store_throttle_and_internal_error_are_s3_errors(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    url = _uploaded(client, chat, b"abc")
    http = urllib3.PoolManager(retries=False)
    emulator.inject_fault(Fault.THROTTLE, operation="GetObject")
    slow_down = http.request("GET", url)
    assert slow_down.status == 503 and b"<Code>SlowDown</Code>" in slow_down.data
    emulator.inject_fault(Fault.INTERNAL_ERROR, operation="GetObject")
    broken = http.request("GET", url)
    assert broken.status == 500 and b"<Code>InternalError</Code>" in broken.data
    assert http.request("GET", url).data == b"abc"


def test_upload_reset_after_the_object_is_stored(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    upload = client.start_attachment_upload(
        ConnectionToken=chat.connection_token,
        ContentType="text/plain",
        AttachmentSizeInBytes=3,
        AttachmentName="a.txt",
    )
    emulator.inject_fault(Fault.RESET_BEFORE_RESPONSE, operation="PutObject")
    http = urllib3.PoolManager(retries=False)
    metadata = upload["UploadMetadata"]
    with pytest.raises(urllib3.exceptions.HTTPError):
        http.request("PUT", metadata["Url"], body=b"abc", headers=metadata["HeadersToInclude"])
    client.complete_attachment_upload(
        ConnectionToken=chat.connection_token, AttachmentIds=[upload["AttachmentId"]]
    )


def test_pending_faults_are_listed_and_validated(emulator: Emulator) -> None:
    rule = emulator.inject_fault(Fault.THROTTLE, operation="SendMessage", count=3)
    assert (rule.kind, rule.operation, rule.remaining) == (Fault.THROTTLE, "SendMessage", 3)
    with pytest.raises(EmulatorConfigError):
        emulator.inject_fault(Fault.LATENCY)
    with pytest.raises(EmulatorConfigError):
        emulator.inject_fault(Fault.THROTTLE, count=0)
    with pytest.raises(EmulatorConfigError):
        emulator.inject_fault("NOT_A_FAULT")  # type: ignore[arg-type]
    assert emulator.inject_fault("THROTTLE").kind is Fault.THROTTLE  # type: ignore[arg-type]


def test_latency_fault_on_websocket_free_operation_keeps_server_responsive(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    emulator.inject_fault(Fault.LATENCY, operation="GetTranscript", seconds=0.4)
    import threading

    slow_done = threading.Event()

    def slow_call() -> None:
        participant_client(emulator).get_transcript(ConnectionToken=chat.connection_token)
        slow_done.set()

    worker = threading.Thread(target=slow_call)
    worker.start()
    time.sleep(0.05)
    send(client, chat, "meanwhile")
    assert not slow_done.is_set()
    worker.join(timeout=5)
    assert slow_done.is_set()
