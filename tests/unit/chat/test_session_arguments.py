"""Session constructors and resume() refuse bad arguments with typed errors, before anything."""

from __future__ import annotations

from typing import Any, Callable

import boto3.session
import botocore.session
import pytest
from botocore.config import Config

from boto3_connectparticipant_ext.chat import (
    AsyncChatSession,
    ChatArgumentError,
    ChatConfig,
    ChatConfigError,
    ChatError,
    ChatSession,
    SessionState,
)
from boto3_connectparticipant_ext.chat._client import build_client
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError

TOKEN = "secret-participant-token-value"
ENDPOINT = "http://127.0.0.1:9"

# (keyword arguments, error class): every argument of the constructor, each wrong.
BAD: list[tuple[dict[str, Any], type[ChatError]]] = [
    ({"participant_token": None}, ChatArgumentError),
    ({"participant_token": 5}, ChatArgumentError),
    ({"participant_token": b"secret-bytes-token"}, ChatArgumentError),
    ({"participant_token": ""}, ChatConfigError),
    ({"region_name": 5}, ChatArgumentError),
    ({"region_name": ""}, ChatConfigError),
    ({"endpoint_url": b"http://x"}, ChatArgumentError),
    ({"endpoint_url": ""}, ChatConfigError),
    ({"client": object()}, ChatArgumentError),
    ({"client": "connectparticipant"}, ChatArgumentError),
    ({"session": "default"}, ChatArgumentError),
    ({"session": object()}, ChatArgumentError),
    ({"config": 5}, ChatArgumentError),
    ({"config": {"retries": {"max_attempts": 1}}}, ChatArgumentError),
    ({"chat_config": {"heartbeat_interval": 1}}, ChatArgumentError),
    ({"websocket": "no"}, ChatArgumentError),
    ({"websocket": 0}, ChatArgumentError),
    ({"websocket": None}, ChatArgumentError),
    ({"leave_on_exit": "false"}, ChatArgumentError),
    ({"leave_on_exit": 1}, ChatArgumentError),
    ({"participant_id": 5}, ChatArgumentError),
    ({"participant_id": ""}, ChatConfigError),
    ({"participant_id": "x" * 257}, ChatConfigError),
]


@pytest.fixture(autouse=True)
def no_client_is_built(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Fail loudly if a bad argument gets as far as building a client."""
    built: list[dict[str, Any]] = []

    def spy(**kwargs: Any) -> Any:
        built.append(kwargs)
        return build_client(**kwargs)

    monkeypatch.setattr("boto3_connectparticipant_ext.chat._parts.build_client", spy)
    return built


def _arguments(overrides: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    options: dict[str, Any] = {"endpoint_url": ENDPOINT}
    options.update(overrides)
    token = options.pop("participant_token", TOKEN)
    if "client" in overrides:
        options.pop("endpoint_url")  # the client carries its endpoint
    return token, options


def _check(error: BaseException, expected: type[ChatError]) -> None:
    assert isinstance(error, expected)
    assert isinstance(error, ChatConfigError)
    assert isinstance(error, ConnectParticipantExtError)
    if expected is ChatArgumentError:
        assert isinstance(error, TypeError)
    assert isinstance(error, ValueError)
    assert TOKEN not in str(error)
    assert "secret-bytes-token" not in str(error)


@pytest.mark.parametrize(("overrides", "expected"), BAD, ids=lambda value: repr(value)[:40])
@pytest.mark.parametrize("cls", [AsyncChatSession, ChatSession])
def test_a_bad_argument_raises_a_typed_error_before_anything(
    cls: Callable[..., Any],
    overrides: dict[str, Any],
    expected: type[ChatError],
    no_client_is_built: list[dict[str, Any]],
) -> None:
    token, options = _arguments(overrides)
    with pytest.raises(expected) as caught:
        cls(token, **options)
    _check(caught.value, expected)
    assert no_client_is_built == []


RESUMABLE = [
    (overrides, expected)
    for overrides, expected in BAD
    if "participant_token" not in overrides and "participant_id" not in overrides
]


@pytest.mark.parametrize(("overrides", "expected"), RESUMABLE, ids=lambda value: repr(value)[:40])
@pytest.mark.parametrize("cls", [AsyncChatSession, ChatSession])
def test_resume_checks_its_arguments_the_same_way(
    cls: Any,
    overrides: dict[str, Any],
    expected: type[ChatError],
    no_client_is_built: list[dict[str, Any]],
) -> None:
    state = SessionState(
        connection_token="secret-connection-token",
        participant_token=TOKEN,
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
    )
    _, options = _arguments(overrides)
    options.pop("endpoint_url", None)
    if "endpoint_url" in overrides:
        options["endpoint_url"] = overrides["endpoint_url"]
    with pytest.raises(expected) as caught:
        cls.resume(state, **options)
    _check(caught.value, expected)
    assert "secret-connection-token" not in str(caught.value)
    assert no_client_is_built == []


@pytest.mark.parametrize("cls", [AsyncChatSession, ChatSession])
def test_resume_refuses_something_that_is_not_a_state(cls: Any) -> None:
    with pytest.raises(ChatArgumentError):
        cls.resume({"connection_token": "secret-connection-token"})


def test_a_client_of_another_service_is_refused() -> None:
    s3 = botocore.session.Session().create_client(
        "s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    with pytest.raises(ChatArgumentError, match="got a s3 client"):
        AsyncChatSession(TOKEN, client=s3)


def test_good_arguments_of_every_kind_are_accepted() -> None:
    botocore_session = botocore.session.Session()
    cases: list[dict[str, Any]] = [
        {"endpoint_url": ENDPOINT},
        {"region_name": "eu-west-2", "session": boto3.session.Session()},
        {"region_name": "eu-west-2", "session": botocore_session, "config": Config()},
        {
            "client": botocore_session.create_client(
                "connectparticipant", region_name="us-east-1", endpoint_url=ENDPOINT
            ),
            "chat_config": ChatConfig(),
            "websocket": False,
            "leave_on_exit": False,
            "participant_id": "participant-1",
        },
    ]
    for options in cases:
        session = AsyncChatSession(TOKEN, **options)
        assert session.chat_config is not None
    sync = ChatSession(TOKEN, endpoint_url=ENDPOINT, websocket=False, participant_id=None)
    assert sync.participant_id is None
    sync.close()


def test_resume_with_empty_saved_region_and_participant_id_treats_them_as_unset() -> None:
    state = SessionState(
        connection_token="secret-connection-token",
        region_name="",
        endpoint_url=ENDPOINT,
        participant_id="",
    )
    resumed = AsyncChatSession.resume(state)
    assert resumed.participant_id is None


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (float("nan"), ChatConfigError),
        (float("inf"), ChatConfigError),
        (1e300, ChatConfigError),
        (-0.5, ChatConfigError),
        ("5", ChatArgumentError),
        (True, ChatArgumentError),
    ],
    ids=repr,
)
def test_events_timeout_must_be_finite_and_in_range(
    timeout: Any, expected: type[ChatError]
) -> None:
    sync = ChatSession(TOKEN, endpoint_url=ENDPOINT, websocket=False)
    try:
        with pytest.raises(expected, match="timeout"):
            sync.events(timeout=timeout)
    finally:
        sync.close()
    asynchronous = AsyncChatSession(TOKEN, endpoint_url=ENDPOINT, websocket=False)
    with pytest.raises(expected, match="timeout"):
        asynchronous.events(timeout=timeout)
