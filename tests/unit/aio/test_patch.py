"""``aio/_patch.py``: the activate/deactivate switch of the AioSession wrapper (no aiobotocore)."""

from __future__ import annotations

import types
from typing import Any

import botocore
import pytest

from boto3_connectparticipant_ext import _plugin
from boto3_connectparticipant_ext.aio import _patch


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
