"""The websocket logger's own redaction (``chat/_transport.py``), with no process-wide redactor."""

from __future__ import annotations

import logging

import pytest

from boto3_connectparticipant_ext import redact
from boto3_connectparticipant_ext.chat import _transport


def test_websocket_log_records_lose_the_url_query_without_install(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert not redact.is_redacting_logs()
    logger = logging.getLogger("boto3_connectparticipant_ext.chat.websocket")
    url = "wss://abc.execute-api.us-east-1.amazonaws.com/connect?AuthToken=SECRET-QUERY"
    with caplog.at_level(logging.DEBUG, logger=logger.name):
        logger.debug("> GET %s HTTP/1.1", url)
    assert "SECRET-QUERY" not in caplog.text
    assert "> GET wss://abc.execute-api.us-east-1.amazonaws.com/connect?" in caplog.text
    assert any(isinstance(f, _transport._RedactFilter) for f in logger.filters)
