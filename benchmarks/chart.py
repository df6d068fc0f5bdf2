"""Draw the ratio chart the README embeds: one bar per benchmark row.

Each bar spans from parity (1x) to ``ours / reference`` on a log scale, green
when the row met its goal, red when it did not, grey for report-only rows.
A black tick marks the goal when the goal is on the ratio itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from _harness import Row, parse_goal

PASS_COLOUR = "#2e7d32"
FAIL_COLOUR = "#c62828"
INFO_COLOUR = "#9e9e9e"
_LABEL_WIDTH = 58
_TICKS = (0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 0.8, 1.0, 1.25, 2.0, 5.0, 10.0, 20.0, 100.0, 1000.0)


def _clip(value: float) -> float:
    """Keep a ratio drawable on a log axis (zero, inf and NaN become visible extremes)."""
    if math.isnan(value) or value <= 0:
        return 1e-3
    return min(max(value, 1e-3), 1e3)


def _colour(row: Row) -> str:
    if parse_goal(row.goal) is None:
        return INFO_COLOUR
    return PASS_COLOUR if row.passed else FAIL_COLOUR


def _shorten(text: str) -> str:
    return text if len(text) <= _LABEL_WIDTH else text[: _LABEL_WIDTH - 1] + "\u2026"


def _label(script: str, row: Row) -> str:
    return f"[{script}] {_shorten(row.target)}\nvs {_shorten(row.reference_name)}"


def _verdict_text(row: Row) -> str:
    goal = parse_goal(row.goal)
    if goal is None:
        return f"{row.ratio:.3g}x  (report only)"
    direction = "lower is better" if goal.lower_is_better else "higher is better"
    verdict = "PASS" if row.passed else "FAIL"
    return f"{row.ratio:.3g}x  goal {row.goal}, {direction}: {verdict}"


def _spaced_ticks(low: float, high: float) -> list[float]:
    """Ticks from ``_TICKS`` inside the range, thinned so their labels never collide."""
    # About a dozen ticks fit across the axis; 1x (parity) always stays.
    min_gap = math.log(high / low) / 12
    inside = [tick for tick in _TICKS if low <= tick <= high]
    kept: list[float] = []
    for tick in sorted(inside, key=lambda t: (t != 1.0, abs(math.log(t)))):
        if all(abs(math.log(tick / other)) >= min_gap for other in kept):
            kept.append(tick)
    return sorted(kept)


def draw_ratio_chart(
    rows: Sequence[tuple[str, Row]],
    *,
    machine: Mapping[str, str],
    path: Path,
    title: str = "boto3-connectparticipant-ext: ours / reference",
) -> None:
    """Write a PNG of the ratios of ``rows`` (pairs of script name and row) to ``path``.

    Examples
    --------
    >>> draw_ratio_chart([("core", row)], machine=machine_info(),  # doctest: +SKIP
    ...                  path=Path("benchmarks/ratios.png"))
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    count = max(len(rows), 1)
    figure, axes = plt.subplots(figsize=(13, 1.5 + 0.4 * count))
    ratios = [_clip(row.ratio) for _, row in rows]
    positions = list(range(len(rows)))
    for position, (_, row), ratio in zip(positions, rows, ratios):
        axes.barh(
            position,
            abs(ratio - 1.0) or 0.002,
            left=min(ratio, 1.0),
            color=_colour(row),
            height=0.62,
        )
        goal = parse_goal(row.goal)
        if goal is not None and goal.on_ratio:
            axes.plot([goal.value, goal.value], [position - 0.38, position + 0.38], color="black")
    axes.axvline(1.0, color="#424242", linewidth=1.0)
    axes.set_xscale("log")
    axes.set_yticks(positions)
    axes.set_yticklabels([_label(script, row) for script, row in rows], fontsize=7.5)
    axes.grid(axis="x", which="major", color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.set_ylim(count - 0.5, -0.5)  # first row on top, no empty margins

    goal_values = [
        goal.value
        for goal in (parse_goal(row.goal) for _, row in rows)
        if goal is not None and goal.on_ratio
    ]
    extremes = [*ratios, *goal_values, 1.0]
    low, high = min(extremes) / 1.5, max(extremes) * 1.5
    axes.set_xlim(low, high)
    # Fixed, readable ticks: log axes label minor ticks in ways that collide.
    axes.xaxis.set_major_locator(FixedLocator(_spaced_ticks(low, high)))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}x"))
    axes.xaxis.set_minor_formatter(NullFormatter())
    # The verdicts form a column right of the plot: x in axes units, y in data units.
    for position, (_, row) in zip(positions, rows):
        colour = _colour(row)
        axes.text(
            1.01,
            position,
            _verdict_text(row),
            va="center",
            fontsize=8,
            color="#424242" if colour == INFO_COLOUR else colour,
            transform=axes.get_yaxis_transform(),
        )
    axes.set_xlabel("ours / reference (log scale; 1 = parity; black tick = goal)")
    axes.set_title(title, fontsize=11, loc="left")
    footer = (
        f"{machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
        f"{machine.get('os', '?')} | {machine.get('python', '?')} | "
        f"botocore {machine.get('botocore', '?')}, boto3 {machine.get('boto3', '?')}, "
        f"boto3-connectparticipant-ext {machine.get('boto3-connectparticipant-ext', '?')}"
    )
    figure.text(0.01, 0.005, footer, fontsize=7.5, color="#424242")
    if not rows:
        axes.text(1.0, 0, "no rows: every benchmark script failed", ha="center")
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
