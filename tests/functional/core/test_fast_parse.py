"""The compiled JSON walker gives exactly what botocore's own parser gives.

Real bodies for every operation come from the emulator; synthetic ones add
unknown keys, nulls and null list elements at every level.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import boto3
import botocore
import botocore.session
import pytest
from botocore.model import ServiceModel
from botocore.parsers import create_parser

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext._responses import _UNSUPPORTED, check_and_parse, compile_walker
from boto3_connectparticipant_ext.auth import force_unsigned
from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.model import API_VERSION, SERVICE_NAME, data_path

MODEL = ServiceModel(
    json.loads((Path(data_path()) / SERVICE_NAME / API_VERSION / "service-2.json").read_text()),
    SERVICE_NAME,
)
HAS_BEFORE_PARSE = tuple(int(p) for p in botocore.__version__.split(".")[:3]) >= (1, 35, 16)


def _both_ways(operation: str, body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    operation_model = MODEL.operation_model(operation)
    response = {"status_code": 200, "headers": {}, "body": body}
    stock = create_parser("rest-json").parse(copy.deepcopy(response), operation_model.output_shape)
    customized: dict[str, Any] = {}
    ours_response = copy.deepcopy(response)
    check_and_parse(ours_response, operation_model, customized_response_dict=customized)
    ours = create_parser("rest-json").parse(ours_response, operation_model.output_shape)
    ours.update(customized)
    return stock, ours


def test_every_output_of_this_model_takes_the_fast_path() -> None:
    for name in MODEL.operation_names:
        output = MODEL.operation_model(name).output_shape
        assert output is None or compile_walker(output) is not _UNSUPPORTED, name


def test_unknown_keys_nulls_and_null_elements_match_botocore() -> None:
    item = {
        "Id": "i1",
        "Type": "MESSAGE",
        "Content": "hi",
        "FutureField": {"x": 1},
        "DisplayName": None,
        "Attachments": [None, {"AttachmentId": "a", "Status": "APPROVED", "Extra": 2}],
        "MessageMetadata": {"MessageId": "i1", "Receipts": [{"ReadTimestamp": None}], "New": []},
    }
    body = json.dumps(
        {"InitialContactId": "c", "Transcript": [item, None, {}], "NextToken": None, "More": 1}
    ).encode()
    stock, ours = _both_ways("GetTranscript", body)
    assert ours == stock
    assert list(ours["Transcript"][0]) == list(stock["Transcript"][0])  # same key order


def test_real_emulator_bodies_parse_identically(tmp_path: Path) -> None:
    bodies: list[tuple[str, bytes]] = []

    def record(response_dict: Any, event_name: str, **_: Any) -> None:
        # response-received exists on every supported botocore (before-parse does not).
        if response_dict and 200 <= response_dict["status_code"] < 300:
            bodies.append((event_name.rsplit(".", 1)[-1], response_dict["body"]))

    with Emulator() as emu:
        chat = emu.start_chat(display_name="Dana")
        agent = emu.add_participant(chat["ContactId"], role="AGENT", display_name="Sam")
        emu.register_view("view-1", {"Id": "v", "Name": "form", "Version": 3, "Content": {}})
        # Not installed (the fast path must not touch what we record), but on our model
        # so that every operation exists whatever botocore runs the suite.
        core = botocore.session.get_session()
        core.get_component("data_loader").search_paths.insert(0, data_path())
        client = core.create_client(
            "connectparticipant",
            region_name="us-east-1",
            endpoint_url=emu.endpoint_url,
            config=force_unsigned(None),
        )
        client.meta.events.register("response-received.connectparticipant", record)
        connection = client.create_participant_connection(
            ParticipantToken=chat["ParticipantToken"],
            Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"],
            ConnectParticipant=True,
        )
        cpx.bind_tokens(
            client, connection_token=connection["ConnectionCredentials"]["ConnectionToken"]
        )
        sent = client.send_message(Content="hello", ContentType="text/plain")
        emu.send_message(chat["ContactId"], agent["ParticipantId"], "hi Dana")
        client.send_event(
            ContentType="application/vnd.amazonaws.connect.event.message.read",
            Content=json.dumps({"messageId": sent["Id"]}),
        )
        upload = client.start_attachment_upload(
            ContentType="text/plain",
            AttachmentSizeInBytes=5,
            AttachmentName="a.txt",
            ClientToken="t-1",
        )
        client.describe_view(ViewToken="view-1")
        client.get_transcript(MaxResults=100, SortOrder="ASCENDING")
        client.get_transcript(MaxResults=2)
        client.get_authentication_url(
            SessionId=emu.start_authentication(chat["ContactId"]), RedirectUri="https://x.example"
        )
        assert upload["AttachmentId"]
        client.disconnect_participant()
    operations = {name for name, _ in bodies}
    assert operations >= {
        "CreateParticipantConnection",
        "SendMessage",
        "GetTranscript",
        "DescribeView",
    }
    for name, body in bodies:
        stock, ours = _both_ways(name, body)
        assert ours == stock, name


@pytest.mark.skipif(not HAS_BEFORE_PARSE, reason="before-parse exists from botocore 1.35.16")
def test_installed_client_answers_match_a_stock_unsigned_client() -> None:
    with Emulator() as emu:
        chat = emu.start_chat(display_name="Dana")
        agent = emu.add_participant(chat["ContactId"], role="AGENT", display_name="Sam")
        for number in range(25):
            emu.send_message(chat["ContactId"], agent["ParticipantId"], f"m{number}")
        stock = boto3.client(
            "connectparticipant", endpoint_url=emu.endpoint_url, config=force_unsigned(None)
        )
        token = stock.create_participant_connection(
            ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
        )["ConnectionCredentials"]["ConnectionToken"]
        cpx.install()
        ours = boto3.client("connectparticipant", endpoint_url=emu.endpoint_url)
        answers = [
            client.get_transcript(ConnectionToken=token, MaxResults=100) for client in (stock, ours)
        ]
        for answer in answers:
            answer.pop("ResponseMetadata")
        assert answers[0] == answers[1]
        assert len(answers[1]["Transcript"]) >= 27
