"""The control API over HTTP (``/_emulator/``), as an out-of-process test would use it."""

from __future__ import annotations

import json
from typing import Any

import urllib3

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import participant_client

HTTP = urllib3.PoolManager(retries=False)


def control(emulator: Emulator, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    answer = HTTP.request(
        method,
        f"{emulator.endpoint_url}/_emulator/{path}",
        body=None if body is None else json.dumps(body),
        headers={"Content-Type": "application/json"},
    )
    return answer.status, json.loads(answer.data)


def test_drive_a_chat_over_http(emulator: Emulator) -> None:
    status, health = control(emulator, "GET", "health")
    assert status == 200 and health["instance_id"] == emulator.instance_id
    status, chat = control(emulator, "POST", "chats", {"display_name": "Remote"})
    assert status == 200
    contact = chat["ContactId"]
    status, agent = control(
        emulator, "POST", f"contacts/{contact}/participants", {"role": "AGENT", "display_name": "A"}
    )
    assert status == 200
    status, sent = control(
        emulator,
        "POST",
        f"contacts/{contact}/messages",
        {"participant_id": agent["ParticipantId"], "content": "hi"},
    )
    assert status == 200 and sent["Id"]
    status, typing = control(
        emulator,
        "POST",
        f"contacts/{contact}/events",
        {
            "participant_id": agent["ParticipantId"],
            "content_type": "application/vnd.amazonaws.connect.event.typing",
        },
    )
    assert status == 200 and typing["Id"]
    status, people = control(emulator, "GET", f"contacts/{contact}/participants")
    assert {p["ParticipantRole"] for p in people} == {"CUSTOMER", "AGENT"}
    status, _ = control(emulator, "POST", f"contacts/{contact}/end")
    assert status == 200
    status, items = control(emulator, "GET", f"contacts/{contact}/transcript")
    assert [item["Type"] for item in items] == ["EVENT", "EVENT", "MESSAGE", "EVENT"]
    status, error = control(emulator, "POST", f"contacts/{contact}/end")
    assert status == 410 and error["error"] == "ContactNotFoundException"


def test_faults_over_http(emulator: Emulator, client: Any) -> None:
    status, chat = control(emulator, "POST", "chats", {})
    status, rule = control(
        emulator, "POST", "faults", {"kind": "THROTTLE", "operation": "CreateParticipantConnection"}
    )
    assert status == 200 and rule["remaining"] == 1
    status, pending = control(emulator, "GET", "faults")
    assert [p["kind"] for p in pending] == ["THROTTLE"]
    try:
        client.create_participant_connection(
            ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
        )
    except client.exceptions.ThrottlingException:
        pass
    else:  # pragma: no cover - the assertion is the point
        raise AssertionError("ThrottlingException expected")
    control(emulator, "POST", "faults", {"kind": "THROTTLE", "count": None})
    status, _ = control(emulator, "DELETE", "faults")
    assert control(emulator, "GET", "faults")[1] == []
    status, error = control(emulator, "POST", "faults", {"kind": "EXPLODE"})
    assert status == 400 and error["error"] == "BadRequest"


def test_chat_quota_over_http(emulator: Emulator) -> None:
    status, rule = control(emulator, "POST", "faults", {"kind": "CHAT_QUOTA", "limit": 0})
    assert status == 200 and rule["limit"] == 0 and rule["kind"] == "CHAT_QUOTA"
    status, error = control(emulator, "POST", "faults", {"kind": "CHAT_QUOTA", "limit": "3"})
    assert status == 400 and error["error"] == "BadRequest"
    status, error = control(emulator, "POST", "faults", {"kind": "CHAT_QUOTA"})
    assert status == 400


def test_records_over_http_are_masked(emulator: Emulator) -> None:
    _, chat = control(emulator, "POST", "chats", {})
    client = participant_client(emulator)
    client.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )
    status, records = control(emulator, "GET", "requests")
    assert status == 200
    [record] = records
    assert record["operation"] == "CreateParticipantConnection"
    assert chat["ParticipantToken"] not in json.dumps(records)
    assert record["headers"]["X-Amz-Bearer"].startswith("<redacted:len=")
    assert control(emulator, "GET", "frames") == (200, [])
    assert control(emulator, "DELETE", "records")[0] == 200
    assert control(emulator, "GET", "requests") == (200, [])


def test_config_over_http(emulator: Emulator) -> None:
    status, config = control(emulator, "GET", "config")
    assert status == 200 and config["connection_token_ttl"] == 86400
    status, config = control(emulator, "PATCH", "config", {"scan_delay": 2.5})
    assert status == 200 and config["scan_delay"] == 2.5
    assert emulator.config.scan_delay == 2.5
    status, error = control(emulator, "PATCH", "config", {"scan_delay": -1})
    assert status == 400 and emulator.config.scan_delay == 2.5
    status, error = control(emulator, "PATCH", "config", {"no_such_field": 1})
    assert status == 400 and "no_such_field" in error["message"]
    status, error = control(emulator, "PATCH", "config", {"websocket_max_age": "soon"})
    assert status == 400 and "websocket_max_age" in error["message"]


def test_views_and_authentication_redirect(emulator: Emulator) -> None:
    status, _ = control(emulator, "PUT", "views/token-1", {"Id": "v", "Name": "View"})
    assert status == 200
    answer = HTTP.request(
        "GET",
        f"{emulator.endpoint_url}/_emulator/authenticate/abc?redirect_uri=https%3A%2F%2Fexample.com",
        redirect=False,
    )
    assert answer.status == 302 and answer.headers["Location"] == "https://example.com"


def test_bad_control_requests(emulator: Emulator) -> None:
    assert control(emulator, "GET", "nothing")[0] == 404
    assert control(emulator, "GET", "contacts/missing/transcript")[0] == 404
    answer = HTTP.request("POST", f"{emulator.endpoint_url}/_emulator/chats", body=b"{not json")
    assert answer.status == 400
    status, error = control(emulator, "POST", "chats", {"display_name": 5})
    assert status == 400 and "display_name" in error["message"]


def test_chat_with_supported_content_types_and_the_clock_over_http(emulator: Emulator) -> None:
    status, chat = control(emulator, "POST", "chats", {"supported_content_types": ["text/plain"]})
    assert status == 200
    contact = chat["ContactId"]
    status, error = control(
        emulator,
        "POST",
        f"contacts/{contact}/messages",
        {
            "participant_id": chat["ParticipantId"],
            "content": "*x*",
            "content_type": "text/markdown",
        },
    )
    assert status == 400 and error["error"] == "ValidationException"
    status, error = control(emulator, "POST", "chats", {"supported_content_types": ["text/html"]})
    assert status == 400 and error["error"] == "InvalidParameterException"
    status, _ = control(emulator, "POST", "chats", {"supported_content_types": "text/plain"})
    assert status == 400
    status, clock = control(emulator, "POST", "clock", {"advance": 25 * 3600})
    assert status == 200 and clock == {"offset": 90000.0}
    status, items = control(emulator, "GET", f"contacts/{contact}/transcript")
    assert items[-1]["ContentType"].endswith("chat.ended")
