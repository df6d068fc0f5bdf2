"""The Examples sections of the package's docstrings run and stay true.

Examples that need a live service or a token are marked ``# doctest: +SKIP``
where they are written; everything else runs here.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import sys

import pytest

import boto3_connectparticipant_ext as package

MODULES = sorted(
    [package.__name__]
    + [info.name for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")]
)


def test_every_area_is_collected() -> None:
    for area in ("auth", "redact", "transcript", "transfer", "chat", "emulator", "cli", "aio"):
        assert any(name.startswith(f"{package.__name__}.{area}") for name in MODULES), area


# Importing Locust monkey-patches the process (gevent): its user module is left to the
# load-test functional tests; the load tester needs Python >= 3.10 (Locust does).
_LOCUST_MODULES = {f"{package.__name__}.loadtest.user"}


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    if name in _LOCUST_MODULES:
        pytest.skip("importing Locust would monkey-patch the test process")
    if name.startswith(f"{package.__name__}.loadtest") and sys.version_info < (3, 10):
        pytest.skip("the load tester needs Python 3.10 or newer")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
