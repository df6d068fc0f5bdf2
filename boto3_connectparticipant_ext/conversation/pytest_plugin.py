"""pytest plugin: one conversation test, run offline (emulator) and live (a real instance).

Registered through the ``pytest11`` entry point (imports nothing heavy at import time).

* ``connect_chat_target``: parametrized ``emulator`` and ``live``. Its ``start_chat(**kw)``
  and ``start_async_chat(**kw)`` are :func:`start_chat` / :func:`start_async_chat` with the
  instance, flow, region and endpoint filled in; every sync chat is ended after the test
  (end an async one in the test itself, with ``async with``: the fixture has no loop).
* ``connect_start_chat``: ``connect_chat_target.start_chat``.
* ``connect_live_target``: the live settings, or the test is skipped with the reason.

The live run needs ``--connect-instance-id`` and ``--connect-flow-id`` (or the environment
variables ``CONNECT_INSTANCE_ID`` and ``CONNECT_CONTACT_FLOW_ID``), a region
(``--connect-region``, ``CONNECT_REGION`` or the AWS default) and AWS credentials allowed to
call ``connect:StartChatContact`` (and ``connect:StopContact``, optional).

Examples
--------
>>> def test_greeting(connect_start_chat):                    # doctest: +SKIP
...     with Conversation(connect_start_chat()) as talk:
...         talk.expect(text="Welcome")
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from typing import Any, Callable, Optional

import pytest

LIVE_SKIP_REASON = (
    "live Amazon Connect test: give --connect-instance-id and --connect-flow-id "
    "(or set CONNECT_INSTANCE_ID and CONNECT_CONTACT_FLOW_ID) to run it against a real instance"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("connect-chat", "Amazon Connect conversation tests")
    group.addoption("--connect-instance-id", default=None, help="Connect instance id (live runs)")
    group.addoption("--connect-flow-id", default=None, help="contact flow id (live runs)")
    group.addoption("--connect-region", default=None, help="AWS region of the instance")


@dataclasses.dataclass(frozen=True)
class LiveTarget:
    """Where live conversation tests go (no secrets here)."""

    instance_id: str
    contact_flow_id: str
    region_name: Optional[str]


def live_target(config: pytest.Config) -> Optional[LiveTarget]:
    """The live settings from the options or the environment, or ``None``."""
    instance = config.getoption("--connect-instance-id") or os.environ.get("CONNECT_INSTANCE_ID")
    flow = config.getoption("--connect-flow-id") or os.environ.get("CONNECT_CONTACT_FLOW_ID")
    region = config.getoption("--connect-region") or os.environ.get("CONNECT_REGION")
    if not instance or not flow:
        return None
    return LiveTarget(instance, flow, region)


class ChatTarget:
    """Starts chats on the emulator or a live instance, and ends them after the test."""

    def __init__(self, kind: str, defaults: dict[str, Any], emulator: Any = None) -> None:
        self.kind = kind
        self.emulator = emulator
        self.defaults = defaults
        self._started: list[Any] = []

    @property
    def live(self) -> bool:
        return self.kind == "live"

    def start_chat(self, **options: Any) -> Any:
        from . import start_chat

        chat = start_chat(**{**self.defaults, **options})
        self._started.append(chat)
        return chat

    async def start_async_chat(self, **options: Any) -> Any:
        from . import start_async_chat

        chat = await start_async_chat(**{**self.defaults, **options})
        self._started.append(chat)
        return chat

    def end_sync_chats(self) -> None:
        from . import ContactChatSession

        for chat in self._started:
            if isinstance(chat, ContactChatSession):
                chat.disconnect()


@pytest.fixture
def connect_live_target(request: pytest.FixtureRequest) -> LiveTarget:
    """The live instance to test against; skips the test when none is configured."""
    target = live_target(request.config)
    if target is None:
        pytest.skip(LIVE_SKIP_REASON)
    return target


def _emulator_target(request: pytest.FixtureRequest) -> ChatTarget:
    import boto3.session

    emulator = request.getfixturevalue("connect_chat_emulator")
    # StartChatContact must be SigV4-signed; the emulator accepts any key.
    session = boto3.session.Session(
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
        region_name=emulator.region,
    )
    defaults = {
        "instance_id": emulator.instance_id,
        "contact_flow_id": emulator.contact_flow_id,
        "session": session,
        "endpoint_url": emulator.endpoint_url,
    }
    return ChatTarget("emulator", defaults, emulator)


@pytest.fixture(params=["emulator", "live"])
def connect_chat_target(request: pytest.FixtureRequest) -> Iterator[ChatTarget]:
    """Each test runs twice: on a fresh emulator, and on the live instance (or skipped)."""
    if request.param == "emulator":
        target = _emulator_target(request)
    else:
        live: LiveTarget = request.getfixturevalue("connect_live_target")
        target = ChatTarget(
            "live",
            {
                "instance_id": live.instance_id,
                "contact_flow_id": live.contact_flow_id,
                "region_name": live.region_name,
            },
        )
    yield target
    target.end_sync_chats()


@pytest.fixture
def connect_start_chat(connect_chat_target: ChatTarget) -> Callable[..., Any]:
    """``start_chat(**options)`` bound to the emulator or the live instance."""
    return connect_chat_target.start_chat
