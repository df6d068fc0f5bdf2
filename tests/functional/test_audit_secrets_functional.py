"""Audit: over real sockets, failed transfers and a chat session never show a token or URL."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

import boto3
import pytest

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.emulator import Emulator, Fault
from boto3_connectparticipant_ext.transfer import TransferConfig

FAST = TransferConfig(max_attempts=2, backoff_base=0, backoff_max=0)


def test_failed_transfers_and_state_never_show_secrets(
    connect_chat_emulator: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("websockets")
    from boto3_connectparticipant_ext.chat import ChatSession

    emu = connect_chat_emulator
    cpx.install()
    caplog.set_level(logging.DEBUG)
    chat = emu.start_chat(display_name="Dana")
    client = boto3.client(
        "connectparticipant", region_name=emu.region, endpoint_url=emu.endpoint_url
    )
    answer = client.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"],
        Type=["CONNECTION_CREDENTIALS", "WEBSOCKET"],
        ConnectParticipant=True,
    )
    token = answer["ConnectionCredentials"]["ConnectionToken"]
    cpx.bind_tokens(client, connection_token=token)
    source = tmp_path / "a.txt"
    source.write_text("hello")
    attachment_id = client.upload_attachment(str(source))
    url = client.get_attachment_url(attachment_id)
    secrets = [
        chat["ParticipantToken"],
        token,
        answer["Websocket"]["Url"].split("AuthToken=", 1)[1],
        url.split("X-Amz-Signature=", 1)[1].split("&", 1)[0],
    ]
    shown: list[str] = []
    target = str(tmp_path / "o")

    def upload() -> Any:
        return client.upload_attachment(str(source), Config=FAST)

    def download() -> Any:
        return client.download_attachment(attachment_id, target, Config=FAST)

    failures: list[tuple[Fault, str, Any]] = [
        (Fault.RESET_BEFORE_RESPONSE, "PutObject", upload),
        (Fault.INTERNAL_ERROR, "GetObject", download),
        (Fault.RESET_BEFORE_RESPONSE, "GetObject", download),
    ]
    for kind, operation, action in failures:
        emu.inject_fault(kind, operation=operation, count=None)
        with pytest.raises(cpx.ConnectParticipantExtError) as raised:
            action()
        shown += [repr(raised.value), "".join(traceback.format_exception(raised.value))]
        emu.clear_faults()
    with ChatSession(
        chat["ParticipantToken"], endpoint_url=emu.endpoint_url, region_name=emu.region
    ) as session:
        session.send_message("hi")
        state = session.save_state()
        shown += [repr(session), repr(state), str(state)]
    shown += [repr(emu.requests), repr(cpx.bound_tokens(client)), caplog.text]
    assert not list(tmp_path.glob("*.cpx*")) and not (tmp_path / "o").exists()
    text = "\n".join(shown)
    for secret in secrets:
        assert secret not in text
