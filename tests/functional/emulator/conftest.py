"""Fixtures for the emulator's functional tests: real clients over real sockets."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from typing import Any

import boto3
import botocore
import botocore.session
import pytest
import urllib3
from botocore.config import Config

from boto3_connectparticipant_ext import model
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig

NO_RETRIES = {"total_max_attempts": 1, "mode": "standard"}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(config=EmulatorConfig()) as running:
        yield running


def participant_client(
    emu: Emulator, *, signed: bool = False, retries: Any = None, **config: Any
) -> Any:
    """A stock connectparticipant client (unsigned unless ``signed``)."""
    options: dict[str, Any] = {"retries": retries or NO_RETRIES, **config}
    if not signed:
        options["signature_version"] = botocore.UNSIGNED
    extra = (
        {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"} if signed else {}
    )
    # Signed: botocore's own model (it declares SigV4); unsigned: ours (noAuth markers).
    session = _stock_session() if signed else _session_with_our_model()
    return session.client(
        "connectparticipant",
        region_name=emu.region,
        endpoint_url=emu.endpoint_url,
        config=Config(**options),
        **extra,
    )


@functools.lru_cache(maxsize=1)
def _session_with_our_model() -> boto3.session.Session:
    # The AWS_DATA_PATH route: a stock client that reads the model we ship, so the
    # newest members exist whatever botocore release runs the suite. One session for
    # the whole run keeps client creation cheap (its loader caches the models).
    core = botocore.session.get_session()
    core.get_component("data_loader").search_paths.insert(0, model.data_path())
    return boto3.session.Session(botocore_session=core)


@functools.lru_cache(maxsize=1)
def _stock_session() -> boto3.session.Session:
    return boto3.session.Session()


def connect_client(emu: Emulator) -> Any:
    """A stock Connect admin client with any credentials."""
    return _stock_session().client(
        "connect",
        region_name=emu.region,
        endpoint_url=emu.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries=NO_RETRIES),
    )


@dataclasses.dataclass
class Chat:
    """A started chat whose customer holds a ConnectionToken."""

    contact_id: str
    participant_id: str
    participant_token: str
    connection_token: str
    websocket_url: str


def open_chat(emu: Emulator, client: Any, *, display_name: str = "Customer") -> Chat:
    started = emu.start_chat(display_name=display_name)
    return connect_participant(emu, client, started)


def connect_participant(emu: Emulator, client: Any, started: dict[str, Any]) -> Chat:
    connection = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"],
        Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"],
        ConnectParticipant=True,
    )
    contact_id = started.get("ContactId", "")
    return Chat(
        contact_id=contact_id,
        participant_id=started["ParticipantId"],
        participant_token=started["ParticipantToken"],
        connection_token=connection["ConnectionCredentials"]["ConnectionToken"],
        websocket_url=connection["Websocket"]["Url"],
    )


@pytest.fixture
def client(emulator: Emulator) -> Any:
    return participant_client(emulator)


@pytest.fixture
def chat(emulator: Emulator, client: Any) -> Chat:
    return open_chat(emulator, client)


def error_code(error: BaseException) -> str:
    response = getattr(error, "response", {})
    return str(response.get("Error", {}).get("Code"))


def status_of(error: BaseException) -> int:
    response = getattr(error, "response", {})
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


# Attachment uploads by hand, as a client of the store would make them.
HTTP = urllib3.PoolManager(retries=False)


def start_upload(client: Any, chat: Chat, body: bytes, name: str = "notes.txt") -> dict[str, Any]:
    """StartAttachmentUpload for ``body`` as a text/plain attachment."""
    answer: dict[str, Any] = client.start_attachment_upload(
        ConnectionToken=chat.connection_token,
        ContentType="text/plain",
        AttachmentSizeInBytes=len(body),
        AttachmentName=name,
    )
    return answer


def put(upload: dict[str, Any], body: Any, headers: dict[str, str] | None = None) -> Any:
    """PUT ``body`` to the upload URL with ``HeadersToInclude`` (or ``headers``)."""
    metadata = upload["UploadMetadata"]
    chosen = dict(metadata["HeadersToInclude"]) if headers is None else headers
    return HTTP.request("PUT", metadata["Url"], body=body, headers=chosen)


def upload_and_complete(client: Any, chat: Chat, body: bytes, name: str = "notes.txt") -> str:
    """Upload ``body`` and complete it; return the AttachmentId."""
    upload = start_upload(client, chat, body, name)
    answer = put(upload, body)
    assert answer.status == 200, answer.data
    client.complete_attachment_upload(
        ConnectionToken=chat.connection_token, AttachmentIds=[upload["AttachmentId"]]
    )
    return str(upload["AttachmentId"])


def connect_takes(member: str, operation: str = "StartChatContact") -> pytest.MarkDecorator:
    """Skip where the installed botocore's Connect model has no ``operation.member``.

    The emulator serves the newest API; an old botocore (matrix cells) cannot send a member
    its model lacks (ParamValidationError), so such a test runs only where it can be sent.
    """
    import botocore.session

    model = botocore.session.get_session().get_service_model("connect")
    members = model.operation_model(operation).input_shape.members
    return pytest.mark.skipif(
        member not in members,
        reason=f"this botocore's connect model has no {operation}.{member}",
    )
