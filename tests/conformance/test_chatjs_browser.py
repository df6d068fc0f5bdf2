"""amazon-connect-chatjs 5 in headless Chromium, from a page on another origin.

conformance/browser.js serves conformance/browser/page.html from its own 127.0.0.1
port (so every call to the emulator is cross-origin and CORS is really exercised),
drives Debian's Chromium through playwright-core, and reads what the page shows.
"""

from __future__ import annotations

import pytest

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import Check, assert_check, chromium_executable, run_script
from .test_chatjs_node import CHAT_CHECKS

PAGE_CHECKS = (
    "browser loads chatjs from a page on another origin",
    "browser page shows the conversation",
    "browser page shows the whole streamed bot message",
    "browser page shows the attachment",
    "browser page shows the read receipt and the chat end",
    "browser CORS: preflights answered, no CORS error",
)
ALL_CHECKS = PAGE_CHECKS + tuple(f"browser: {name}" for name in CHAT_CHECKS)

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def checks(emulator: Emulator) -> dict[str, Check]:
    chromium = chromium_executable()
    return run_script("browser.js", emulator, timeout=180, extra={"chromium": chromium})


@pytest.mark.parametrize("name", ALL_CHECKS)
def test_chatjs_in_chromium(checks: dict[str, Check], name: str) -> None:
    assert_check(checks, name)
