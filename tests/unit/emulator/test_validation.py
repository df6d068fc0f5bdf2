"""Routing and validation against the models, without any server."""

from __future__ import annotations

import pytest

from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._validation import (
    RouteTable,
    participant_model,
    request_params,
    validate,
)

PARTICIPANT_ROUTES = {
    ("POST", "/participant/connection"): "CreateParticipantConnection",
    ("POST", "/participant/disconnect"): "DisconnectParticipant",
    ("POST", "/participant/transcript"): "GetTranscript",
    ("POST", "/participant/message"): "SendMessage",
    ("POST", "/participant/event"): "SendEvent",
    ("POST", "/participant/start-attachment-upload"): "StartAttachmentUpload",
    ("POST", "/participant/complete-attachment-upload"): "CompleteAttachmentUpload",
    ("POST", "/participant/attachment"): "GetAttachment",
    ("POST", "/participant/authentication-url"): "GetAuthenticationUrl",
    ("POST", "/participant/cancel-authentication"): "CancelParticipantAuthentication",
    ("GET", "/participant/views/some%2Ftoken"): "DescribeView",
    ("PUT", "/contact/chat"): "StartChatContact",
    ("PUT", "/contact/outbound-chat"): "StartOutboundChatContact",
    ("POST", "/contact/create-participant"): "CreateParticipant",
    ("POST", "/contact/stop"): "StopContact",
    ("GET", "/contacts/instance/contact"): "DescribeContact",
    ("POST", "/contact/start-streaming"): "StartContactStreaming",
    ("POST", "/contact/stop-streaming"): "StopContactStreaming",
}


@pytest.fixture(scope="module")
def routes() -> RouteTable:
    return RouteTable.for_services()


@pytest.mark.parametrize(("method", "path"), sorted(PARTICIPANT_ROUTES))
def test_every_needed_operation_is_routed(routes: RouteTable, method: str, path: str) -> None:
    found = routes.match(method, path)
    assert found is not None and found[0].name == PARTICIPANT_ROUTES[(method, path)]


def test_uri_labels_are_decoded(routes: RouteTable) -> None:
    found = routes.match("GET", "/participant/views/some%2Ftoken")
    assert found is not None and found[1] == {"ViewToken": "some/token"}


def test_wrong_method_does_not_match(routes: RouteTable) -> None:
    assert routes.match("GET", "/participant/message") is None
    assert routes.match("POST", "/participant/views/x") is None


def test_participant_model_is_ours_with_eleven_operations() -> None:
    assert len(participant_model().operation_names) == 11


def test_request_params_read_header_uri_and_body() -> None:
    operation = participant_model().operation_model("DescribeView")
    params = request_params(
        operation,
        headers={"X-Amz-Bearer": "token"},
        uri_params={"ViewToken": "v"},
        query={},
        body=b"",
    )
    assert params == {"ConnectionToken": "token", "ViewToken": "v"}
    send = participant_model().operation_model("SendMessage")
    params = request_params(
        send,
        headers={},
        uri_params={},
        query={},
        body=b'{"Content": "x", "ContentType": "text/plain", "Unknown": 1}',
    )
    assert params == {"Content": "x", "ContentType": "text/plain"}


@pytest.mark.parametrize("body", [b"{", b"[]", b'"text"'])
def test_request_params_refuse_bodies_that_are_not_objects(body: bytes) -> None:
    send = participant_model().operation_model("SendMessage")
    with pytest.raises(ServiceError) as caught:
        request_params(send, headers={}, uri_params={}, query={}, body=body)
    assert caught.value.code == "SerializationException"


def test_validate_reports_every_problem_in_the_services_words() -> None:
    shape = participant_model().operation_model("GetTranscript").input_shape
    with pytest.raises(ServiceError) as caught:
        validate({"ConnectionToken": "t", "MaxResults": 101, "SortOrder": "SIDEWAYS"}, shape)
    message = caught.value.message
    assert message.startswith("2 validation errors detected: ")
    assert "less than or equal to 100" in message and "enum value set" in message
    assert caught.value.status == 400


def test_validate_checks_list_maximum_and_nested_members() -> None:
    shape = participant_model().operation_model("CompleteAttachmentUpload").input_shape
    with pytest.raises(ServiceError):
        validate({"ConnectionToken": "t", "ClientToken": "c", "AttachmentIds": ["a", "b"]}, shape)
    transcript = participant_model().operation_model("GetTranscript").input_shape
    with pytest.raises(ServiceError) as caught:
        validate({"ConnectionToken": "t", "StartPosition": {"MostRecent": 101}}, transcript)
    assert "StartPosition.MostRecent" in caught.value.message


def test_validate_uses_the_given_error_code() -> None:
    shape = participant_model().operation_model("SendMessage").input_shape
    with pytest.raises(ServiceError) as caught:
        validate({}, shape, code="InvalidParameterException")
    assert caught.value.code == "InvalidParameterException"
    validate({"ConnectionToken": "t", "ContentType": "text/plain", "Content": "x"}, shape)
