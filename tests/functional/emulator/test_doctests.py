"""The Examples sections of the emulator's docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import boto3_connectparticipant_ext.emulator as package

SUBMODULES = sorted(
    f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(package.__path__)
)
MODULES = [package.__name__, *SUBMODULES]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0
