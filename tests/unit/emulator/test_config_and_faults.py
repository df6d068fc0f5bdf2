"""EmulatorConfig and the fault registry, without any server."""

from __future__ import annotations

import dataclasses
import sys

import pytest

from boto3_connectparticipant_ext.emulator import EmulatorConfig, EmulatorConfigError, Fault
from boto3_connectparticipant_ext.emulator._faults import FaultRegistry
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError


def test_defaults_follow_the_service() -> None:
    config = EmulatorConfig()
    assert config.connection_token_ttl == 86400
    assert config.websocket_connection_expiry == 100
    assert config.attachment_max_bytes == 20 * 1024 * 1024
    documented = "csv doc docx heic jfif jpeg jpg mov mp4 pdf png ppt pptx rtf txt wav xls xlsx"
    assert config.allowed_attachment_extensions == frozenset(documented.split())
    assert config.scan_delay == 0 and config.scan_rule("x.txt", 1) == "APPROVED"
    assert config.s3_endpoint_url is None


@pytest.mark.skipif(sys.version_info < (3, 10), reason="kw_only dataclasses need 3.10")
def test_config_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        EmulatorConfig(10.0)


def test_extensions_are_normalised() -> None:
    config = EmulatorConfig(allowed_attachment_extensions=frozenset({".PDF", "Txt"}))
    assert config.allowed_attachment_extensions == frozenset({"pdf", "txt"})


@pytest.mark.parametrize(
    "changes",
    [
        {"connection_token_ttl": 0},
        {"upload_url_ttl": True},
        {"scan_delay": -0.1},
        {"websocket_max_age": 0},
        {"attachments_per_contact": -1},
        {"scan_rule": "approve"},
        {"message_content_limits": {"text/plain": 0}},
        {"allowed_attachment_extensions": 5},
        {"nonsense": 1},
    ],
)
def test_bad_updates_are_refused_and_rolled_back(changes: dict[str, object]) -> None:
    config = EmulatorConfig()
    before = dataclasses.asdict(config)
    with pytest.raises(EmulatorConfigError) as caught:
        config.update(**changes)
    assert isinstance(caught.value, ConnectParticipantExtError)
    assert dataclasses.asdict(config) == before


def test_to_json_leaves_out_callables() -> None:
    document = EmulatorConfig().to_json()
    assert "scan_rule" not in document
    assert document["allowed_attachment_extensions"][0] == "csv"


def test_counted_fault_is_consumed() -> None:
    registry = FaultRegistry()
    registry.add(Fault.THROTTLE, operation="SendMessage", count=2)
    assert registry.take_http("GetTranscript", participant_operation=True) is None
    assert registry.take_http("SendMessage", participant_operation=True) is not None
    assert registry.take_http("SendMessage", participant_operation=True) is not None
    assert registry.take_http("SendMessage", participant_operation=True) is None


def test_uncounted_fault_stays_until_cleared() -> None:
    registry = FaultRegistry()
    registry.add(Fault.INTERNAL_ERROR, count=None)
    for _ in range(5):
        assert registry.take_http("SendEvent", participant_operation=True) is not None
    assert registry.take_http("StartChatContact", participant_operation=False) is None
    registry.clear()
    assert registry.take_http("SendEvent", participant_operation=True) is None


def test_truncate_download_defaults_to_downloads() -> None:
    registry = FaultRegistry()
    registry.add(Fault.TRUNCATE_DOWNLOAD)
    assert registry.take_http("GetTranscript", participant_operation=True) is None
    assert registry.take_http("GetObject", participant_operation=False) is not None


def test_participant_narrowing_and_frame_faults() -> None:
    registry = FaultRegistry()
    registry.add(Fault.THROTTLE, participant_id="p1", count=None)
    registry.add(Fault.SILENT_HEARTBEAT, participant_id="p2")
    assert (
        registry.take_http("SendMessage", participant_operation=True, participant_id="p2") is None
    )
    assert registry.take_http("SendMessage", participant_operation=True, participant_id="p1")
    assert not registry.take_frame(Fault.SILENT_HEARTBEAT, "p1")
    assert registry.take_frame(Fault.SILENT_HEARTBEAT, "p2")
    assert not registry.take_frame(Fault.SILENT_HEARTBEAT, "p2")
    assert [rule.kind for rule in registry.pending()] == [Fault.THROTTLE]
    assert registry.pending()[0].to_json()["kind"] == "THROTTLE"
