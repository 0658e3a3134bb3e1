"""The timeline chart: events on a date axis, one row per actor's position changes, labels that never overlap.

Reads timeline entries; writes a PNG or SVG with matplotlib (Agg, no display needed).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .timeline import TimelineEntry, entries_by_kind

_WIDTH_IN = 13.0
_LEFT_IN, _RIGHT_IN = 1.9, 0.5  # room for the row names, and for the last label
_LINE_IN = 0.16  # height of one line of 8-point text
_LEVEL_IN = 3.5 * _LINE_IN  # a label is a date and up to two lines, in a padded box
_CHAR_IN = 0.062  # mean width of one 8-point character (DejaVu Sans)
_LABEL_CHARS = 30  # a label wraps at this width, on at most two lines
_ROW_GAP_IN = 0.45
_HEADING_IN = 0.3  # the heading line above the counts
_MAX_ACTOR_ROWS = 6
_STANCE_COLOURS = {
    "commits": "#1b7837",
    "offers": "#5aae61",
    "supports": "#a6dba0",
    "proposes": "#80cdc1",
    "conditions": "#f1a340",
    "demands": "#b35806",
    "opposes": "#d6604d",
    "refuses": "#b2182b",
}
_EVENT_COLOUR = "#2166ac"


def draw_timeline(
    entries: Sequence[TimelineEntry], path: Path, *, fmt: str = "png", heading: str | None = None
) -> None:
    """Write the chart of ``entries`` to ``path`` as ``fmt`` (png or svg), under ``heading`` if given."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    split = entries_by_kind(entries)
    rows: list[tuple[str, list[TimelineEntry]]] = [("Events", split["event"])]
    changes = Counter(e.actors[0] for e in split["position"] if e.actors)
    # The actors that changed position most get a row each; more rows than this stop being glanceable.
    shown = sorted(sorted(changes, key=lambda a: (-changes[a], a))[:_MAX_ACTOR_ROWS])
    for actor in shown:
        rows.append((f"{actor}\nposition", [e for e in split["position"] if e.actors[:1] == [actor]]))
    hidden = len(changes) - len(shown)
    dates = [_day(e.date) for e in entries] or [dt.date.today()]
    first, last = min(dates), max(dates)
    plot_in = _WIDTH_IN - _LEFT_IN - _RIGHT_IN
    # Room beyond the first and last dates for half a label, so edge labels stay inside the chart.
    half_label_in = (_LABEL_CHARS * _CHAR_IN + 0.15) / 2
    base_days = max(1, (last - first).days)
    pad = math.ceil(base_days * half_label_in / (plot_in - 2 * half_label_in)) + 1
    span_days = base_days + 2 * pad
    days_per_in = span_days / plot_in

    layouts = [_stack_labels(items, days_per_in) for _, items in rows]
    heights = [(max(levels, default=0) + 1) * _LEVEL_IN + _ROW_GAP_IN for levels in layouts]
    total_in = sum(heights) + 1.1 + (_HEADING_IN if heading else 0.0)
    fig = plt.figure(figsize=(_WIDTH_IN, total_in))
    ax = fig.add_axes((_LEFT_IN / _WIDTH_IN, 0.7 / total_in, plot_in / _WIDTH_IN, sum(heights) / total_in))
    ax.set_ylim(-sum(heights), 0)
    ax.set_xlim(
        mdates.date2num(first - dt.timedelta(days=pad)), mdates.date2num(last + dt.timedelta(days=pad))
    )

    top = 0.0
    ticks, names = [], []
    for (name, items), levels, height in zip(rows, layouts, heights, strict=True):
        base = top - height + _ROW_GAP_IN * 0.5
        ticks.append(base)
        names.append(name)
        ax.axhline(base, color="#dddddd", lw=0.8, zorder=0)
        for entry, level in zip(items, levels, strict=True):
            x = mdates.date2num(_day(entry.date))
            colour = (
                _EVENT_COLOUR if entry.kind == "event" else _STANCE_COLOURS.get(entry.stance or "", "#777")
            )
            size = 30 + 25 * min(entry.outlets, 12) if entry.kind == "event" else 70
            marker = "o" if entry.kind == "event" else "D"
            ax.scatter([x], [base], s=size, color=colour, marker=marker, zorder=3, edgecolor="white")
            label_y = base + 0.12 + level * _LEVEL_IN
            ax.plot([x, x], [base, label_y - 0.02], color="#999999", lw=0.6, zorder=1)
            ax.annotate(
                f"{entry.date}\n{_label(entry)}",
                (x, label_y),
                ha="center",
                va="bottom",
                fontsize=8,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "lw": 0.6},
                zorder=4,
            )
        top -= height
    ax.set_yticks(ticks, names, fontsize=9)
    ax.tick_params(axis="y", length=0)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    outlets = sum(e.outlets for e in split["event"])
    more = f" (rows for {len(shown)} actors; {hidden} more in the text timeline)" if hidden else ""
    counts = f"{len(split['event'])} events ({outlets} outlet reports), {len(split['position'])} position changes{more}"
    left = _LEFT_IN / _WIDTH_IN
    if heading:
        fig.text(left, 1 - 0.15 / total_in, heading, ha="left", va="top", fontsize=13, fontweight="bold")
        fig.text(left, 1 - (0.15 + _HEADING_IN) / total_in, counts, ha="left", va="top", fontsize=10)
    else:
        fig.suptitle(counts, x=left, ha="left", fontsize=10)
    fig.savefig(path, format=fmt, dpi=110)
    plt.close(fig)


def _label(entry: TimelineEntry) -> str:
    text = entry.title if entry.kind == "event" else (entry.stance or entry.title)
    lines = textwrap.wrap(text, _LABEL_CHARS)[:2] or [""]
    if len(textwrap.wrap(text, _LABEL_CHARS)) > 2:
        lines[-1] = lines[-1][: _LABEL_CHARS - 1].rstrip() + "…"
    if entry.kind == "event" and entry.outlets > 1:
        lines[-1] += f" ({entry.outlets})"
    return "\n".join(lines)


def _stack_labels(items: Sequence[TimelineEntry], days_per_in: float) -> list[int]:
    """A level per label so that labels on one level never overlap (greedy, in date order)."""
    level_ends: list[float] = []
    levels = []
    for entry in items:
        x = _day(entry.date).toordinal()
        chars = max(len(line) for line in (f"{entry.date}\n{_label(entry)}").split("\n"))
        half = (chars * _CHAR_IN + 0.15) / 2 * days_per_in
        for level, end in enumerate(level_ends):
            if end < x - half:
                level_ends[level] = x + half
                levels.append(level)
                break
        else:
            level_ends.append(x + half)
            levels.append(len(level_ends) - 1)
    return levels


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])
