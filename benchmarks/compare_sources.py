"""Client creation from two source trees of this package, paired run by run.

``make bench`` judges client creation against an absolute budget and against stock
boto3, both of which move with the machine. Whether a change made creation slower is
answered here instead: each round creates one client from each tree with
``bench_core``'s creation script, in a fresh interpreter each (``PYTHONPATH`` pointing at
the tree, started outside any tree, no AWS variables or files, no metadata endpoint),
alternating which tree goes first, and the rounds' ratios (new / old) are summarised. A
checkout of the old tree: ``git worktree add /tmp/old REV``.

Examples
--------
::

    git worktree add /tmp/old dcc4cba^
    .venv/bin/python benchmarks/compare_sources.py /tmp/old . --rounds 15
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _harness import scrubbed_aws_env
from bench_core import _CREATE_OURS, run_child_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("old", type=Path, help="the source tree before the change")
    parser.add_argument("new", type=Path, help="the source tree after the change")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    old: list[float] = []
    new: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        base = scrubbed_aws_env(Path(scratch) / "aws", extra={"AWS_EC2_METADATA_DISABLED": "true"})

        def creation(tree: Path) -> float:
            env = {**base, "PYTHONPATH": str(tree.resolve())}
            # Started in the scratch directory: the tree comes from PYTHONPATH only.
            return run_child_seconds(_CREATE_OURS, env=env, cwd=scratch)

        for number in range(args.rounds):
            pairs = [(args.old, old), (args.new, new)]
            for tree, seconds in pairs if number % 2 == 0 else pairs[::-1]:
                seconds.append(creation(tree))
    ratios = [after / before for after, before in zip(new, old)]
    low, _, high = statistics.quantiles(ratios, n=4)
    print(
        f"client creation: old median {statistics.median(old) * 1e3:.1f} ms, "
        f"new median {statistics.median(new) * 1e3:.1f} ms; new / old, median of "
        f"{args.rounds} paired rounds: {statistics.median(ratios):.3f} (IQR {low:.3f}-{high:.3f})"
    )


if __name__ == "__main__":
    main()
