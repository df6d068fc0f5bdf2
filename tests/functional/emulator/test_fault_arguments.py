"""Fault arguments that would stall or crash a running emulator are refused, in Python and HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
import urllib3

from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfigError, Fault

HTTP = urllib3.PoolManager(retries=False)


def _pending(emulator: Emulator) -> Any:
    return json.loads(HTTP.request("GET", f"{emulator.endpoint_url}/_emulator/faults").data)


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), 10**400])
def test_a_latency_that_cannot_be_honoured_never_reaches_the_server(
    emulator: Emulator, seconds: Any
) -> None:
    with pytest.raises(EmulatorConfigError):
        emulator.inject_fault(Fault.LATENCY, seconds=seconds)
    assert _pending(emulator) == []
    emulator.start_chat(display_name="still answering")


@pytest.mark.parametrize("seconds", ["NaN", "Infinity", "1e999", "1" + "0" * 400])
def test_the_http_control_api_refuses_them_with_400(emulator: Emulator, seconds: str) -> None:
    body = '{"kind": "LATENCY", "seconds": ' + seconds + "}"
    answer = HTTP.request(
        "POST",
        f"{emulator.endpoint_url}/_emulator/faults",
        body=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 400, answer.data
    assert b"seconds" in answer.data
    assert _pending(emulator) == []


def test_a_port_out_of_range_is_refused_before_binding() -> None:
    with pytest.raises(EmulatorConfigError, match="port"):
        Emulator(port=70000).start()
