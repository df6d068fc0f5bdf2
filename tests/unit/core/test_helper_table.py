"""The helper declaration table is the one source of every helper's signature.

The delegates are derived from it; the static types (mypy needs them written out) and the async
functions are compared with it here, so a drift between any two copies fails this test.
"""

from __future__ import annotations

import asyncio
import inspect
import warnings
from typing import Any

import pytest

from boto3_connectparticipant_ext import inject
from boto3_connectparticipant_ext._helper_table import HELPER_NAMES, HELPERS, method_signature
from boto3_connectparticipant_ext.aio.inject import (
    ASYNC_FUNCTIONS,
    ASYNC_HELPERS,
    inject_async_helper_methods,
)
from boto3_connectparticipant_ext.typed import AsyncConnectParticipantHelpers


def _shape(signature: inspect.Signature) -> list[tuple[str, Any, bool, str]]:
    """Name, kind, has a default, annotation text (``...`` defaults count as defaults)."""
    return [
        (p.name, p.kind, p.default is not inspect.Parameter.empty, str(p.annotation))
        for p in signature.parameters.values()
    ]


def _annotation_free(signature: inspect.Signature) -> list[tuple[str, Any, bool]]:
    return [entry[:3] for entry in _shape(signature)]


@pytest.mark.parametrize("helper", HELPERS, ids=HELPER_NAMES)
def test_sync_protocol_matches_the_table(helper: Any) -> None:
    declared = method_signature(helper.engine)
    protocol = inspect.signature(getattr(inject.ConnectParticipantHelpers, helper.name))
    assert _annotation_free(protocol) == _annotation_free(declared)
    # Same types, spelled with the aliases of transfer/ (``PathArgument``, ``ProgressCallback``).
    assert _shape(protocol)[1:] == _shape(declared)[1:]


@pytest.mark.parametrize("helper", HELPERS, ids=HELPER_NAMES)
def test_async_protocol_and_functions_match_the_table(helper: Any) -> None:
    declared = method_signature(helper.engine)
    protocol = inspect.signature(getattr(AsyncConnectParticipantHelpers, helper.name))
    assert _annotation_free(protocol) == _annotation_free(declared)
    function = method_signature(ASYNC_FUNCTIONS[helper.name])
    assert _annotation_free(function) == _annotation_free(declared)
    for (name, *_, annotation), (_, *_, expected) in zip(
        _shape(function)[1:], _shape(declared)[1:]
    ):
        if name == "Callback":  # one type for progress, sync and async
            assert annotation == expected == "Optional[ProgressCallback]"
    defaults = {p.name: p.default for p in function.parameters.values()}
    assert defaults == {p.name: p.default for p in declared.parameters.values()}


@pytest.mark.parametrize("asynchronous", [False, True])
def test_delegates_carry_the_declared_signature_and_docs(asynchronous: bool) -> None:
    methods = ASYNC_HELPERS if asynchronous else inject.HELPER_METHODS
    assert list(methods) == list(HELPER_NAMES)
    for helper in HELPERS:
        method = methods[helper.name]
        # Async methods keep their function's return type; the parameters are the table's.
        assert list(inspect.signature(method).parameters.values()) == list(
            method_signature(helper.engine).parameters.values()
        )
        assert "Usage::" in (method.__doc__ or "")
        assert ("await " in (method.__doc__ or "")) is (asynchronous and not helper.iterates)
        awaits = asynchronous and not helper.iterates
        assert asyncio.iscoroutinefunction(method) is awaits


@pytest.mark.parametrize("asynchronous", [False, True])
def test_options_are_keyword_only_for_sync_and_async(asynchronous: bool) -> None:
    methods = ASYNC_HELPERS if asynchronous else inject.HELPER_METHODS

    def call(name: str, *args: Any, **kwargs: Any) -> Any:
        result = methods[name](*args, **kwargs)
        return asyncio.run(result) if asynchronous else result

    # Refused by the declared signature itself, before the client is even looked at.
    with pytest.raises(TypeError):
        call("get_attachment_url", object(), "attachment-1", "token-as-positional")
    with pytest.raises(TypeError):
        call("upload_attachment", object(), "a.pdf", osutil=None)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_one_name_clash_policy_warns_once(
    asynchronous: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inject, "_warned", set())

    def inject_into(attributes: dict[str, Any]) -> None:
        if asynchronous:
            inject_async_helper_methods(attributes)
        else:
            inject.inject_helper_methods(attributes)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            attributes: dict[str, Any] = {"iter_transcript": "botocore's own"}
            inject_into(attributes)
            assert attributes["iter_transcript"] == "botocore's own"
    conflicts = [w for w in caught if issubclass(w.category, inject.HelperNameConflictWarning)]
    assert len(conflicts) == 1 and "iter_transcript" in str(conflicts[0].message)
