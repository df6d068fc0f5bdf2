"""What the load tester does to its worker's garbage collector: freeze what lives long.

A worker carrying 2,000 customers holds a few hundred thousand objects that live for the
whole run (modules, botocore's models, the shared clients, every connected session). A full
(oldest-generation) collection walks all of them: measured at 100 to 270 ms with 2,000
sessions, during which no customer's reply is read, so one such pause decides the p99
reply latency. :func:`freeze_long_lived` collects once, then moves every object alive at
that moment out of the collector's reach (``gc.freeze``, the same call Locust makes before
``--processes`` forks): later collections walk only what is younger.

The tool calls it in :class:`~.user.ChatUser` once a ramp-up is complete (Locust's
``spawning_complete`` event), at most once per process: the collection it starts is the
one pause the run sees. The price, written here because it is a choice: objects frozen then
that later become cyclic garbage (a session ended after the freeze) are not reclaimed until
``gc.unfreeze()``; with one freeze per process that is bounded by the sessions open at that
moment (about 40 KB each, measured with ``benchmarks/bench_loadtest.py``).

Examples
--------
>>> import gc
>>> before = gc.get_threshold()
>>> frozen = freeze_long_lived()
>>> frozen > 0 and gc.get_threshold()[1:] == (2, 100)
True
>>> gc.unfreeze(); gc.set_threshold(*before)
"""

from __future__ import annotations

import gc

#: Young collections per middle one, and middle ones per full one, set by the freeze.
MIDDLE_EVERY = 2
FULL_EVERY = 100


def freeze_long_lived() -> int:
    """Collect, freeze every object alive now, set the thresholds (see the module notes);
    return how many objects the collector now leaves alone (``gc.get_freeze_count()``).
    Objects are never freed by this, only no longer walked."""
    gc.collect()
    gc.freeze()
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, min(middle, MIDDLE_EVERY), max(full, FULL_EVERY))
    return gc.get_freeze_count()


class FreezeOnce:
    """Calls :func:`freeze_long_lived` the first time it is called, never again.

    Examples
    --------
    >>> import gc
    >>> before = gc.get_threshold()
    >>> once = FreezeOnce()
    >>> once() and not once()
    True
    >>> gc.unfreeze(); gc.set_threshold(*before)
    """

    def __init__(self) -> None:
        self.done = False

    def __call__(self, **_: object) -> bool:
        if self.done:
            return False
        self.done = True
        freeze_long_lived()
        return True


__all__ = ["FULL_EVERY", "MIDDLE_EVERY", "FreezeOnce", "freeze_long_lived"]
