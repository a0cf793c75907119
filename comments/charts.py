"""The metrics page's chart of comments posted per day: the geometry of its SVG, from counts that
comments/metrics.py gathers. No queries here.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy

BAR_WIDTH, BAR_GAP, LEFT, TOP, PLOT_HEIGHT, BOTTOM = 14, 4, 40, 12, 160, 28
# What happened to a comment at posting, from the bottom of a bar up.
KINDS = [
    ("published", gettext_lazy("published at once")),
    ("held", gettext_lazy("held for review")),
    ("spam", gettext_lazy("filed as spam")),
]


@dataclass(frozen=True)
class Segment:
    kind: str
    label: str
    count: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    day: date
    x: float
    center: float  # where its date is written
    published: int
    held: int
    spam: int
    segments: list[Segment]
    labelled: bool  # the date is written under this bar

    @property
    def total(self):
        return self.published + self.held + self.spam


@dataclass(frozen=True)
class Chart:
    """Comments per day as stacked bars, with every coordinate computed here: the template only prints them.
    The SVG's user units are pixels at its natural size; it scales down with the page."""

    bars: list[Bar]
    ticks: list[tuple[int, float]]  # (value, y) of each horizontal grid line
    width: int
    height: int
    bar_width: int
    left: int
    axis_label_x: int  # where the grid lines' values end
    plot_top: int
    plot_bottom: int
    label_y: int

    @property
    def total(self):
        return sum(bar.total for bar in self.bars)


def stacked_bars(days, counts):
    """The chart of `days` (consecutive dates, ascending), one bar a day, stacked by kind in KINDS' order.

    `counts` maps (day, kind) to a number of comments; a missing pair counts 0. The scale's top is the
    smallest of 2, 4, 6, 8, 10, 20, 40, … at or above the busiest day, with grid lines at 0, half and top.
    Every seventh date and the last one are written under their bars."""
    counts = [{kind: counts.get((day, kind), 0) for kind, _label in KINDS} for day in days]
    top = _nice_ceiling(max((sum(day.values()) for day in counts), default=0))
    scale = PLOT_HEIGHT / top
    bottom = TOP + PLOT_HEIGHT
    bars = []
    for index, (day, day_counts) in enumerate(zip(days, counts, strict=True)):
        x = LEFT + BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        segments, below = [], 0
        for kind, label in KINDS:
            if count := day_counts[kind]:
                # From the running totals, so that rounding never leaves a gap between two segments.
                y, base = round(bottom - (below + count) * scale, 2), round(bottom - below * scale, 2)
                segments.append(Segment(kind, str(label), count, y, round(base - y, 2)))
                below += count
        bars.append(
            Bar(
                day=day,
                x=x,
                center=x + BAR_WIDTH / 2,
                segments=segments,
                labelled=index % 7 == 0 or index == len(days) - 1,
                **day_counts,
            )
        )
    ticks = sorted({(value, round(bottom - value * scale, 2)) for value in (0, top // 2, top)})
    return Chart(
        bars=bars,
        ticks=ticks,
        width=LEFT + BAR_GAP + len(days) * (BAR_WIDTH + BAR_GAP),
        height=bottom + BOTTOM,
        bar_width=BAR_WIDTH,
        left=LEFT,
        axis_label_x=LEFT - 6,
        plot_top=TOP,
        plot_bottom=bottom,
        label_y=bottom + 18,
    )


def _nice_ceiling(value):
    """The smallest of 2, 4, 6, 8, 10, 20, 40, … at least `value`: an even top, so its half is a whole grid
    line."""
    magnitude = 1
    while True:
        for step in (2, 4, 6, 8, 10):
            if value <= step * magnitude:
                return step * magnitude
        magnitude *= 10
