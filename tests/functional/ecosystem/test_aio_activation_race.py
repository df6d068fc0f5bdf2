"""The AioSession wrapper against uninstall() racing it in another thread (no aiobotocore).

It waits on a real thread, so it is not a unit test; the rest of ``aio/_patch.py``'s switch is
tested in ``tests/unit/aio/test_patch.py``.
"""

from __future__ import annotations

import types
from typing import Any

import botocore.session

from boto3_connectparticipant_ext.aio import _patch


def test_an_aio_session_is_never_prepared_after_deactivate() -> None:
    # The wrapper checked the switch outside the lock: a call that passed the check and then
    # waited for uninstall() prepared its session afterwards, and nobody reverted it.
    import threading
    import time

    from boto3_connectparticipant_ext import _plugin

    class FakeAioSession(botocore.session.Session):  # type: ignore[misc]
        def create_client(self, *args: Any, **kwargs: Any) -> Any:
            return {"args": args, **kwargs}

    module = types.ModuleType("fake_aiobotocore_session")
    module.AioSession = FakeAioSession  # type: ignore[attr-defined]
    session = FakeAioSession()
    built: list[Any] = []
    try:
        _patch.activate(module)
        with _plugin._lock:
            thread = threading.Thread(
                target=lambda: built.append(session.create_client("connectparticipant"))
            )
            thread.start()
            time.sleep(0.05)  # let the thread reach the wrapper
            _patch.deactivate()
        thread.join()
        assert "config" not in built[0]
        assert session not in _plugin._prepared_sessions
    finally:
        _patch.deactivate()
