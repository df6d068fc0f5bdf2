"""Log redaction is process-wide, so only install() or an explicit call may turn it on."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext import redact
from boto3_connectparticipant_ext.chat import AsyncChatSession, ChatSession

TOKEN = "secret-participant-token-value"
ENDPOINT = "http://127.0.0.1:9"


@pytest.fixture
def logging_untouched(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No plugin, no redaction, no opt-out: the state of a process that never called install()."""
    monkeypatch.delenv(redact.LOG_SECRETS_ENV, raising=False)
    was_installed = cpx.is_installed()
    cpx.uninstall()
    redact.stop_redacting_logs()
    yield
    redact.stop_redacting_logs()
    if was_installed:
        cpx.install()


def test_explicit_start_and_stop_switch_the_record_factory(logging_untouched: None) -> None:
    factory = logging.getLogRecordFactory()
    redact.start_redacting_logs()
    try:
        assert redact.is_redacting_logs()
        record = logging.getLogRecordFactory()(
            "x", logging.DEBUG, __file__, 1, "ConnectionToken=%s", (TOKEN,), None
        )
        assert TOKEN not in record.getMessage()
    finally:
        redact.stop_redacting_logs()
    assert logging.getLogRecordFactory() is factory
    assert not redact.is_redacting_logs()


def test_creating_chat_sessions_leaves_logging_alone(logging_untouched: None) -> None:
    factory = logging.getLogRecordFactory()
    AsyncChatSession(TOKEN, endpoint_url=ENDPOINT, websocket=False)
    session = ChatSession(TOKEN, endpoint_url=ENDPOINT, websocket=False)
    session.close()
    assert logging.getLogRecordFactory() is factory
    assert not redact.is_redacting_logs()
