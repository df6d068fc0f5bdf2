"""``aio/inject.py``: the async helper methods on aiobotocore client classes (no aiobotocore)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from boto3_connectparticipant_ext import inject
from boto3_connectparticipant_ext.aio.inject import ASYNC_HELPERS, inject_async_helper_methods


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
