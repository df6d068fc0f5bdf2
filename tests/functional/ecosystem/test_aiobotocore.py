"""aiobotocore and aioboto3 with ``install()``, in their own venvs, against the emulator.

aiobotocore pins botocore, so each flavour runs ``_aio_scenario.py`` in a cached venv with a
matching botocore: aiobotocore 3.10.0 (botocore 1.43) and aioboto3 15.5.0 (aiobotocore 2.25,
botocore 1.40). The test process runs the emulator and checks what reached the wire.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from boto3_connectparticipant_ext.aio._patch import CONFIG_POSITION

from ._venvs import ensure_venv, find_python, venv_python
from .conftest import child_environment

pytestmark = pytest.mark.slow

FLAVOURS = {
    "aiobotocore": ["aiobotocore==3.10.0", "wrapt"],
    "aioboto3": ["aioboto3==15.5.0", "wrapt"],
}
SCENARIO = Path(__file__).with_name("_aio_scenario.py")
SIGV4_HEADERS = ("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256")


@pytest.mark.parametrize("flavour", sorted(FLAVOURS))
def test_async_clients_are_unsigned_with_async_helpers(
    flavour: str, emulator: Any, tmp_path: Path
) -> None:
    venv = ensure_venv(requirements=FLAVOURS[flavour], python=find_python("3.11"))
    chat = emulator.start_chat(display_name="Customer")
    agent = emulator.add_participant(chat["ContactId"], role="AGENT")
    for number in range(7):
        emulator.send_message(chat["ContactId"], agent["ParticipantId"], f"message {number}")
    workdir = tmp_path / "work"
    workdir.mkdir()
    env = child_environment(
        tmp_path / "home",
        CPX_ENDPOINT_URL=emulator.endpoint_url,
        CPX_PARTICIPANT_TOKEN=chat["ParticipantToken"],
    )
    completed = subprocess.run(
        [str(venv_python(venv)), str(SCENARIO), flavour, str(workdir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.splitlines()[-1])

    assert report["config_position"] == CONFIG_POSITION
    assert report["client_class_module"].startswith("aiobotocore")
    assert report["credential_lookups_while_installed"] == 0
    assert report["can_paginate"] is True

    expected_ids = [item["Id"] for item in emulator.transcript(chat["ContactId"])]
    transcript_ids = report["transcript_ids"]
    # The walk is oldest first, complete and without duplicates (paged 3 at a time).
    assert transcript_ids == expected_ids[: len(transcript_ids)]
    assert len(transcript_ids) >= 10
    assert report["transcript_pages"] >= 4
    assert report["newest_first_ids"][: len(transcript_ids)] == list(reversed(transcript_ids))

    assert report["uploaded_bytes"] == len(b"hello from asyncio\n" * 1000)
    assert report["callback_threads"] == [report["loop_thread"]]
    assert report["downloaded_same_bytes"] is True
    assert report["downloaded_name"] == "upload.txt"
    assert report["cancelled_cleanly"] == {"outcome": "cancelled", "left_behind": []}
    assert report["local_error"] == "AttachmentFileError"

    # uninstall() reverts aiobotocore too: a new client is stock again.
    assert report["stock_can_paginate"] is False
    assert report["stock_has_helpers"] is False
    assert report["credential_lookups_after_uninstall"] == 1

    participant_calls = [r for r in emulator.requests if r.path.startswith("/participant/")]
    assert participant_calls
    for request in participant_calls:
        headers = {name.lower() for name in request.headers}
        assert not headers.intersection(SIGV4_HEADERS), request
        assert "x-amz-bearer" in headers
