"""``Emulator.contact_streaming`` is one hub, whatever the number of threads asking at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig

pytest.importorskip("cryptography")


def test_threads_racing_for_the_hub_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from boto3_connectparticipant_ext.emulator import _contact_streaming

    made: list[Any] = []
    original = _contact_streaming.ContactStreaming.__init__
    gate = threading.Barrier(8)

    def slow_init(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(_contact_streaming.ContactStreaming, "__init__", slow_init)
    with Emulator(config=EmulatorConfig()) as emu:
        hubs: list[Any] = []

        def ask() -> None:
            gate.wait()
            hubs.append(emu.contact_streaming)

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(hubs) == 8
        assert len(made) == 1
        assert all(hub is hubs[0] for hub in hubs)
        state = emu._server.controller.state
        assert state.item_listeners.count(hubs[0]._on_item) == 1
        hub = hubs[0]
    # Stopped: the hub is closed; a restarted emulator makes a new one.
    with Emulator(config=EmulatorConfig()) as emu:
        assert emu.contact_streaming is not hub
