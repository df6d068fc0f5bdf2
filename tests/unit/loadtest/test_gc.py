"""The load tester's garbage-collector settings (``loadtest._gc``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from boto3_connectparticipant_ext.loadtest._gc import (
    FULL_EVERY,
    MIDDLE_EVERY,
    FreezeOnce,
    freeze_long_lived,
)


@pytest.fixture(autouse=True)
def restore_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_freeze_leaves_live_objects_out_of_collections_and_sets_thresholds() -> None:
    gc.set_threshold(700, 10, 10)
    kept = [object(), {"a": [1]}]
    frozen = freeze_long_lived()
    assert frozen == gc.get_freeze_count() > 0
    assert gc.get_threshold() == (700, MIDDLE_EVERY, FULL_EVERY)
    tracked = {id(obj) for obj in gc.get_objects()}
    assert id(kept[1]) not in tracked  # frozen objects are not in any generation any more


def test_freeze_keeps_thresholds_already_looser() -> None:
    gc.set_threshold(5000, 1, 500)
    freeze_long_lived()
    assert gc.get_threshold() == (5000, 1, 500)


def test_freeze_once_freezes_the_first_time_only() -> None:
    once = FreezeOnce()
    assert once(user_count=3) is True
    gc.unfreeze()
    assert once(user_count=3) is False
    assert gc.get_freeze_count() == 0
