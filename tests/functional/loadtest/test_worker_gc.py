"""A Locust worker running ChatUser freezes its long-lived objects once the ramp-up is done.

Run in a subprocess (importing ``loadtest.user`` imports Locust, which monkey-patches the
process): Locust's own ``spawning_complete`` event, fired as a runner fires it, must leave
the objects alive then out of the collector's walks and set the thresholds, once.
"""

from __future__ import annotations

import json
import subprocess
import sys

_SCRIPT = r"""
import gc, json
from locust import events
import boto3_connectparticipant_ext.loadtest.user  # registers the listeners
gc.set_threshold(700, 10, 10)
before = gc.get_freeze_count()
events.spawning_complete.fire(user_count=3)
first = (gc.get_freeze_count(), gc.get_threshold())
gc.unfreeze()
events.spawning_complete.fire(user_count=3)
print(json.dumps({"before": before, "first": first, "again": gc.get_freeze_count()}))
"""


def test_spawning_complete_freezes_once() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["before"] == 0
    frozen, thresholds = result["first"]
    assert frozen > 10_000  # modules, Locust, botocore: what lives as long as the worker
    assert thresholds == [700, 2, 100]
    assert result["again"] == 0  # once per process
