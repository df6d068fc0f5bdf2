"""CORS as a browser checks it: preflights and Access-Control-* headers over real HTTP.

Every request here is what Chromium sends for a page on another origin (the
browser tier of the conformance suite runs the same through a real browser).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import urllib3

from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig, Fault

from .conftest import Chat, start_upload, upload_and_complete

HTTP = urllib3.PoolManager(retries=False)
ORIGIN = "http://127.0.0.1:8123"
# What chatjs's SDK client sends on a participant call (lower-cased, sorted, as Chromium does).
SDK_HEADERS = "amz-sdk-invocation-id,amz-sdk-request,content-type,x-amz-bearer,x-amz-user-agent"


def preflight(url: str, method: str, requested: str = SDK_HEADERS) -> Any:
    return HTTP.request(
        "OPTIONS",
        url,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": requested,
        },
    )


def assert_cross_origin_readable(answer: Any) -> None:
    assert answer.headers.get("Access-Control-Allow-Origin") == ORIGIN
    assert "Origin" in answer.headers.get("Vary", "")
    exposed = {
        name.strip().lower() for name in answer.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {"x-amzn-errortype", "x-amzn-requestid", "etag", "x-amz-request-id"} <= exposed
    assert "Access-Control-Allow-Credentials" not in answer.headers


def api_call(emulator: Emulator, path: str, token: str, body: dict[str, Any], **extra: str) -> Any:
    return HTTP.request(
        "POST",
        f"{emulator.endpoint_url}{path}",
        body=json.dumps(body),
        headers={"Content-Type": "application/json", "X-Amz-Bearer": token, **extra},
    )


def test_participant_api_preflight_allows_what_chatjs_sends(emulator: Emulator) -> None:
    answer = preflight(f"{emulator.endpoint_url}/participant/message", "POST")
    assert answer.status == 200
    assert answer.data == b""
    assert answer.headers["Access-Control-Allow-Headers"] == SDK_HEADERS
    assert "POST" in answer.headers["Access-Control-Allow-Methods"].split(", ")
    assert_cross_origin_readable(answer)
    # The preflight carries no token and is recorded as such, not as an API call.
    recorded = [r for r in emulator.requests if r.operation == "CORSPreflight"]
    assert len(recorded) == 1 and recorded[0].status == 200


def test_describe_view_preflight_allows_get(emulator: Emulator) -> None:
    answer = preflight(f"{emulator.endpoint_url}/participant/views/some-token", "GET")
    assert answer.status == 200
    assert "GET" in answer.headers["Access-Control-Allow-Methods"].split(", ")


def test_answers_and_errors_carry_allow_origin(emulator: Emulator, chat: Chat) -> None:
    sent = api_call(
        emulator,
        "/participant/message",
        chat.connection_token,
        {"ContentType": "text/plain", "Content": "hi"},
        Origin=ORIGIN,
    )
    assert sent.status == 200
    assert_cross_origin_readable(sent)
    denied = api_call(
        emulator,
        "/participant/message",
        "not-a-token",
        {"ContentType": "text/plain", "Content": "hi"},
        Origin=ORIGIN,
    )
    assert denied.status == 403
    assert denied.headers["x-amzn-ErrorType"].startswith("AccessDeniedException")
    assert_cross_origin_readable(denied)
    invalid = api_call(emulator, "/participant/message", chat.connection_token, {}, Origin=ORIGIN)
    assert invalid.status == 400
    assert_cross_origin_readable(invalid)


def test_unknown_route_and_injected_fault_carry_allow_origin(
    emulator: Emulator, chat: Chat
) -> None:
    unknown = HTTP.request(
        "POST", f"{emulator.endpoint_url}/participant/nope", headers={"Origin": ORIGIN}
    )
    assert unknown.status == 403
    assert json.loads(unknown.data) == {"message": "Missing Authentication Token"}
    assert_cross_origin_readable(unknown)
    emulator.inject_fault(Fault.THROTTLE, operation="SendEvent")
    throttled = api_call(
        emulator,
        "/participant/event",
        chat.connection_token,
        {"ContentType": "application/vnd.amazonaws.connect.event.typing"},
        Origin=ORIGIN,
    )
    assert throttled.status == 429
    assert_cross_origin_readable(throttled)


def test_store_preflight_allows_every_upload_header(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    upload = start_upload(client, chat, b"hello")
    metadata = upload["UploadMetadata"]
    requested = ",".join(
        sorted(
            [name.lower() for name in metadata["HeadersToInclude"]]
            + [
                "x-amz-acl",
                "x-amz-server-side-encryption",
                "x-amz-server-side-encryption-aws-kms-key-id",
                "x-amz-expected-bucket-owner",
                "x-amz-meta-contact-id",
            ]
        )
    )
    answer = preflight(metadata["Url"], "PUT", requested)
    assert answer.status == 200
    assert answer.headers["Access-Control-Allow-Headers"] == requested
    assert answer.headers["Access-Control-Allow-Methods"] == "GET, HEAD, PUT"
    assert_cross_origin_readable(answer)


def test_store_put_get_and_errors_carry_allow_origin(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    upload = start_upload(client, chat, b"hello")
    metadata = upload["UploadMetadata"]
    headers = {**metadata["HeadersToInclude"], "Origin": ORIGIN}
    put = HTTP.request("PUT", metadata["Url"], body=b"hello", headers=headers)
    assert put.status == 200 and put.headers["ETag"]
    assert_cross_origin_readable(put)
    refused = HTTP.request(
        "PUT", metadata["Url"], body=b"hello", headers={"Origin": ORIGIN, "Content-Type": "x/y"}
    )
    assert refused.status == 403 and b"SignatureDoesNotMatch" in refused.data
    assert_cross_origin_readable(refused)
    attachment_id = upload_and_complete(client, chat, b"streamed body")
    url = client.get_attachment(ConnectionToken=chat.connection_token, AttachmentId=attachment_id)[
        "Url"
    ]
    download = HTTP.request("GET", url, headers={"Origin": ORIGIN})
    assert download.status == 200 and download.data == b"streamed body"
    assert_cross_origin_readable(download)


def test_control_api_preflight_and_answers(emulator: Emulator) -> None:
    url = f"{emulator.endpoint_url}/_emulator/contacts/x/bot-messages"
    answer = preflight(url, "POST", "content-type")
    assert answer.status == 200
    assert answer.headers["Access-Control-Allow-Headers"] == "content-type"
    assert_cross_origin_readable(answer)
    health = HTTP.request(
        "GET", f"{emulator.endpoint_url}/_emulator/health", headers={"Origin": ORIGIN}
    )
    assert health.status == 200
    assert_cross_origin_readable(health)
    missing = HTTP.request(
        "GET", f"{emulator.endpoint_url}/_emulator/nope", headers={"Origin": ORIGIN}
    )
    assert missing.status == 404
    assert_cross_origin_readable(missing)


def test_no_origin_no_cors_headers(emulator: Emulator, chat: Chat) -> None:
    sent = api_call(
        emulator,
        "/participant/message",
        chat.connection_token,
        {"ContentType": "text/plain", "Content": "hi"},
    )
    assert sent.status == 200
    assert not [name for name in sent.headers if name.lower().startswith("access-control-")]
    # OPTIONS that is not a preflight is an ordinary request: API Gateway's unknown route.
    plain = HTTP.request("OPTIONS", f"{emulator.endpoint_url}/participant/message")
    assert plain.status == 403


@pytest.mark.parametrize("path", ["/participant/message", "/_store/bucket/key"])
def test_cors_can_be_turned_off(path: str) -> None:
    with Emulator(config=EmulatorConfig(cors=False)) as emu:
        answer = preflight(f"{emu.endpoint_url}{path}", "POST")
        assert answer.status in (403, 405)
        assert "Access-Control-Allow-Origin" not in answer.headers
