"""Client flavours: the public hook through which aiobotocore support (or another package's)
plugs into the core plugin."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import boto3
import botocore.client

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext import _plugin


def test_a_registered_flavour_is_activated_owns_its_classes_and_is_deactivated() -> None:
    events: list[str] = []

    def inject(class_attributes: dict[str, Any], **kwargs: Any) -> None:
        class_attributes["flavoured"] = lambda self: "yes"

    flavour = cpx.ClientFlavour(
        "test-flavour",
        owns=lambda bases: any(issubclass(base, botocore.client.BaseClient) for base in bases),
        inject=inject,
        activate=lambda: events.append("activate"),
        deactivate=lambda: events.append("deactivate"),
    )
    cpx.register_client_flavour(flavour)
    try:
        cpx.install()
        client = boto3.session.Session().client("connectparticipant", region_name="us-east-1")
        assert client.flavoured() == "yes"
        assert not hasattr(client, "iter_transcript")  # the flavour's methods, not the sync ones
        cpx.uninstall()
        assert events == ["activate", "deactivate"]
    finally:
        cpx.unregister_client_flavour("test-flavour")
    cpx.install()
    plain = boto3.session.Session().client("connectparticipant", region_name="us-east-1")
    assert hasattr(plain, "iter_transcript") and not hasattr(plain, "flavoured")


def test_a_failing_flavour_does_not_break_install(caplog: Any) -> None:
    def broken() -> None:
        raise RuntimeError("flavour bug")

    flavour = _plugin.ClientFlavour(
        "broken", owns=lambda bases: False, inject=lambda *a, **k: None, activate=broken
    )
    cpx.register_client_flavour(flavour)
    try:
        cpx.install()
        assert cpx.is_installed()
        assert "client flavour broken failed" in caplog.text
        client = boto3.session.Session().client("connectparticipant", region_name="us-east-1")
        assert hasattr(client, "iter_transcript")
    finally:
        cpx.unregister_client_flavour("broken")


def test_the_builtin_aiobotocore_flavour_is_loaded_by_name() -> None:
    # In a fresh interpreter: installing loads the flavour but neither aiobotocore nor the async
    # helpers, and loading the transfer engine loads neither the plugin nor wrapt.
    code = (
        "import sys, boto3_connectparticipant_ext.transfer\n"
        "loaded = ('wrapt', 'boto3_connectparticipant_ext._plugin')\n"
        "print(sorted(m for m in loaded if m in sys.modules))\n"
        "import boto3_connectparticipant_ext as cpx; cpx.install()\n"
        "from boto3_connectparticipant_ext import _plugin\n"
        "print('aiobotocore' in _plugin._flavours, 'aiobotocore' in sys.modules,\n"
        "      'boto3_connectparticipant_ext.aio.inject' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split("\n")
    assert out[:2] == ["[]", "True False False"]
