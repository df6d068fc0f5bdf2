"""Loading the transfer engine loads neither the botocore plugin nor wrapt."""

from __future__ import annotations

import subprocess
import sys


def test_transfer_does_not_load_the_plugin_or_wrapt() -> None:
    code = (
        "import sys, boto3_connectparticipant_ext.transfer as t\n"
        "names = ('wrapt', 'boto3_connectparticipant_ext._plugin')\n"
        "loaded = [name for name in names if name in sys.modules]\n"
        "print(loaded, t._http.USER_AGENT)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert out.startswith("[] boto3-connectparticipant-ext/"), out


def test_the_root_still_offers_the_lazy_names() -> None:
    import boto3_connectparticipant_ext as package
    from boto3_connectparticipant_ext import _plugin, _version

    assert package.install is _plugin.install
    assert package.__version__ == _version.__version__
