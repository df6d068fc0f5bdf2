"""A local emulator of Amazon Connect chat: participant API, Connect admin API, websocket.

Importing this package is cheap: aiohttp is imported only when an emulator starts.

Examples
--------
>>> from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig, Fault
>>> with Emulator(config=EmulatorConfig(scan_delay=0.1)) as emu:
...     chat = emu.start_chat(display_name="Customer")
...     agent = emu.add_participant(chat["ContactId"], role="AGENT", display_name="Agent")
...     _ = emu.send_message(chat["ContactId"], agent["ParticipantId"], "Hello!")
...     emu.endpoint_url.startswith("http://127.0.0.1:")
True
"""

from __future__ import annotations

from boto3_connectparticipant_ext.emulator._emulator import Emulator
from boto3_connectparticipant_ext.emulator._faults import Fault, FaultRule
from boto3_connectparticipant_ext.emulator._foreground import run_foreground
from boto3_connectparticipant_ext.emulator._records import RecordedFrame, RecordedRequest
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.emulator.errors import (
    EmulatorConfigError,
    EmulatorError,
    EmulatorNotRunningError,
    EmulatorOperationError,
    EmulatorStartError,
)

__all__ = [
    "Emulator",
    "EmulatorConfig",
    "EmulatorConfigError",
    "EmulatorError",
    "EmulatorNotRunningError",
    "EmulatorOperationError",
    "EmulatorStartError",
    "Fault",
    "FaultRule",
    "RecordedFrame",
    "RecordedRequest",
    "run_foreground",
]
