"""The parts of ``boto3_connectparticipant_ext.aio`` that need no aiobotocore: pure logic.

What reaches the wire is tested with real aiobotocore in ``test_aiobotocore.py``; these tests pin
the behaviour of the async transcript driver (resume after an error, no loss, no repeat), the
helper injection, and the activate/deactivate switch of the AioSession wrapper.
"""

from __future__ import annotations

import asyncio
import types
from typing import Any

import botocore
import botocore.session
import pytest

from boto3_connectparticipant_ext import _plugin, inject
from boto3_connectparticipant_ext.aio import _patch
from boto3_connectparticipant_ext.aio.inject import ASYNC_HELPERS, inject_async_helper_methods
from boto3_connectparticipant_ext.aio.transcript import iter_transcript
from boto3_connectparticipant_ext.transcript import (
    TranscriptArgumentError,
    TranscriptPaginationError,
)


class PagedService:
    """An async ``get_transcript`` over 7 items, 3 per page, failing when told to."""

    def __init__(self) -> None:
        self.items = [{"Id": f"item-{number}"} for number in range(7)]
        self.calls: list[dict[str, Any]] = []
        self.fail_next = 0

    async def get_transcript(self, **parameters: Any) -> dict[str, Any]:
        self.calls.append(parameters)
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("the network dropped")
        start = int(parameters.get("NextToken") or 0)
        page = self.items[start : start + parameters["MaxResults"]]
        response: dict[str, Any] = {"Transcript": page, "InitialContactId": "contact-1"}
        if start + len(page) < len(self.items):
            response["NextToken"] = str(start + len(page))
        return response


def test_async_walk_survives_an_error_without_loss_or_repeat() -> None:
    service = PagedService()

    async def walk() -> list[str]:
        iterator = iter_transcript(service, ConnectionToken="token", MaxResults=3)
        seen = [(await iterator.__anext__())["Id"] for _ in range(6)]  # two whole pages
        service.fail_next = 1
        with pytest.raises(ConnectionError):
            await iterator.__anext__()
        seen += [item["Id"] async for item in iterator]
        assert iterator.pages == 3
        assert iterator.initial_contact_id == "contact-1"
        assert iterator.last_id == "item-6"
        return seen

    assert asyncio.run(walk()) == [f"item-{number}" for number in range(7)]
    # The failed page was asked for again with the same NextToken.
    tokens = [call.get("NextToken") for call in service.calls]
    assert tokens == [None, "3", "6", "6"]
    first = service.calls[0]
    assert first["ScanDirection"] == "FORWARD" and first["SortOrder"] == "ASCENDING"


def test_bad_arguments_fail_before_any_call() -> None:
    service = PagedService()
    with pytest.raises(TranscriptArgumentError):
        iter_transcript(service, Order="sideways")
    with pytest.raises(TranscriptArgumentError):
        iter_transcript(service, AfterId="a", BeforeId="b")
    assert service.calls == []


def test_injection_keeps_names_botocore_already_has(monkeypatch: pytest.MonkeyPatch) -> None:
    # One name-clash policy for sync and async: a HelperNameConflictWarning (was a log line).
    monkeypatch.setattr(inject, "_warned", set())
    attributes: dict[str, Any] = {"get_attachment_url": "botocore's own"}
    with pytest.warns(inject.HelperNameConflictWarning, match="get_attachment_url"):
        inject_async_helper_methods(attributes, base_classes=())
    assert attributes["get_attachment_url"] == "botocore's own"
    for name in set(ASYNC_HELPERS) - {"get_attachment_url"}:
        assert attributes[name] is ASYNC_HELPERS[name]
    assert asyncio.iscoroutinefunction(attributes["upload_attachment"])


def test_activate_wraps_once_and_deactivate_makes_it_inert(monkeypatch: pytest.MonkeyPatch) -> None:
    prepared: list[Any] = []
    # The wrapper is the core's (_plugin.client_wrapper), switched by the aio flag.
    monkeypatch.setattr(_plugin, "prepare_session", prepared.append)

    class FakeAioSession:
        def create_client(self, service_name: str, **kwargs: Any) -> dict[str, Any]:
            return {"service": service_name, **kwargs}

    module = types.ModuleType("fake_aiobotocore_session")
    module.AioSession = FakeAioSession  # type: ignore[attr-defined]
    try:
        _patch.activate(module)
        wrapper = FakeAioSession.__dict__["create_client"]
        _patch.activate(module)  # idempotent: not wrapped twice
        assert FakeAioSession.__dict__["create_client"] is wrapper

        session = FakeAioSession()
        built = session.create_client("connectparticipant", region_name="us-east-1")
        assert built["config"].signature_version is botocore.UNSIGNED
        assert prepared == [session]
        other = session.create_client("s3", region_name="us-east-1")
        assert "config" not in other

        _patch.deactivate()
        assert not _patch.is_active()
        stock = session.create_client("connectparticipant", region_name="us-east-1")
        assert "config" not in stock
        assert prepared == [session]
    finally:
        _patch.deactivate()


def test_async_walk_stops_on_a_next_token_cycle() -> None:
    following = {None: "A", "A": "B", "B": "A"}
    calls: list[Any] = []

    class CyclingService:
        async def get_transcript(self, **parameters: Any) -> dict[str, Any]:
            token = parameters.get("NextToken")
            calls.append(token)
            items = [{"Id": f"item-{len(calls)}"}]
            return {"Transcript": items, "NextToken": following[token]}

    async def walk() -> None:
        iterator = iter_transcript(CyclingService(), ConnectionToken="token")
        for _ in range(50):  # bounded: a walk that never stops fails instead of hanging
            await iterator.__anext__()

    with pytest.raises(TranscriptPaginationError):
        asyncio.run(walk())
    assert calls == [None, "A", "B"]


def test_an_aio_session_is_never_prepared_after_deactivate() -> None:
    # The wrapper checked the switch outside the lock: a call that passed the check and then
    # waited for uninstall() prepared its session afterwards, and nobody reverted it.
    import threading
    import time

    from boto3_connectparticipant_ext import _plugin

    class FakeAioSession(botocore.session.Session):  # type: ignore[misc]
        def create_client(self, *args: Any, **kwargs: Any) -> Any:
            return {"args": args, **kwargs}

    module = types.ModuleType("fake_aiobotocore_session")
    module.AioSession = FakeAioSession  # type: ignore[attr-defined]
    session = FakeAioSession()
    built: list[Any] = []
    try:
        _patch.activate(module)
        with _plugin._lock:
            thread = threading.Thread(
                target=lambda: built.append(session.create_client("connectparticipant"))
            )
            thread.start()
            time.sleep(0.05)  # let the thread reach the wrapper
            _patch.deactivate()
        thread.join()
        assert "config" not in built[0]
        assert session not in _plugin._prepared_sessions
    finally:
        _patch.deactivate()
