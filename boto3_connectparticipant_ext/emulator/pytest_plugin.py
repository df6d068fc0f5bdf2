"""pytest plugin: the ``connect_chat_emulator`` fixture, a fresh emulator per test.

Registered through the ``pytest11`` entry point, so it is loaded in every test
run of anyone who installs this package: it imports nothing heavy at import
time (the emulator and aiohttp are imported when the fixture first runs).

Examples
--------
>>> def test_chat(connect_chat_emulator):                      # doctest: +SKIP
...     chat = connect_chat_emulator.start_chat(display_name="Customer")
...     assert chat["ContactId"]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from boto3_connectparticipant_ext.emulator._emulator import Emulator


@pytest.fixture
def connect_chat_emulator() -> Iterator[Emulator]:
    """A running :class:`~boto3_connectparticipant_ext.emulator.Emulator`, stopped after the test.

    Configure it through ``connect_chat_emulator.config`` (changes apply at once).
    """
    from boto3_connectparticipant_ext.emulator._emulator import Emulator

    with Emulator() as emulator:
        yield emulator
