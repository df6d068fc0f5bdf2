"""Client creation from two source trees of this package, paired run by run.

``make bench`` judges client creation against an absolute budget and against stock
boto3, both of which move with the machine. Whether a change made creation slower is
answered here instead: each round creates one client from each tree, in a fresh
interpreter each (``PYTHONPATH`` pointing at the tree, no credentials, no metadata
endpoint, no config files), alternating which tree goes first, and the rounds' ratios
(new / old) are summarised. A checkout of the old tree: ``git worktree add /tmp/old REV``.

Examples
--------
::

    git worktree add /tmp/old dcc4cba^
    .venv/bin/python benchmarks/compare_sources.py /tmp/old . --rounds 15
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

_CREATE = """
import time, boto3
import boto3_connectparticipant_ext
boto3_connectparticipant_ext.install()
start = time.perf_counter()
boto3.client("connectparticipant", region_name="us-east-1")
print(time.perf_counter() - start)
"""


def creation_seconds(tree: Path) -> float:
    """Seconds one client creation took in a fresh interpreter importing from ``tree``."""
    env = dict(
        os.environ,
        PYTHONPATH=str(tree.resolve()),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", _CREATE],
        env=env,
        cwd=os.sep,  # not the repository: the tree comes from PYTHONPATH only
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"creation from {tree} failed: {done.stderr.strip()[-300:]}")
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("old", type=Path, help="the source tree before the change")
    parser.add_argument("new", type=Path, help="the source tree after the change")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    old: list[float] = []
    new: list[float] = []
    for number in range(args.rounds):
        pairs = [(args.old, old), (args.new, new)]
        for tree, seconds in pairs if number % 2 == 0 else pairs[::-1]:
            seconds.append(creation_seconds(tree))
    ratios = [after / before for after, before in zip(new, old)]
    low, _, high = statistics.quantiles(ratios, n=4)
    print(
        f"client creation: old median {statistics.median(old) * 1e3:.1f} ms, "
        f"new median {statistics.median(new) * 1e3:.1f} ms; new / old, median of "
        f"{args.rounds} paired rounds: {statistics.median(ratios):.3f} (IQR {low:.3f}-{high:.3f})"
    )


if __name__ == "__main__":
    main()
