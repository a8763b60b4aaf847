"""The server-drawn charts' axes (insights/charts.py): labels that say where their gridline is."""

import re
from datetime import date, timedelta

import pytest
from django.utils import translation

from insights.charts import Line, axis_top, line_chart

DAYS = [date(2026, 11, 1) + timedelta(days=n) for n in range(7)]


def axis_labels(svg: str) -> list[str]:
    """The three gridlines' labels, bottom up (drawn before the last day's, also end-anchored)."""
    return re.findall(r'text-anchor="end" fill="#444">([^<]*)<', svg)[:3]


@pytest.mark.parametrize(
    ("values", "scale", "labels"),
    [
        ([0] * 7, 1, ["0", "1", "2"]),  # nothing yet: 0, 1, 2, not 0, 0, 1
        ([0, 1, 0, 0, 1, 0, 0], 1, ["0", "1", "2"]),
        ([0, 3, 4, 0, 1, 0, 0], 1, ["0", "3", "6"]),  # a top of 5 would label its middle "2"
        ([0, 20, 7, 0, 1, 0, 0], 1, ["0", "10", "20"]),
        ([0, 250, 0, 0, 0, 0, 0], 100, ["0", "3", "6"]),  # €2.50 in cents: 0, 3, 6 euros
    ],
)
def test_the_axis_labels_are_whole_numbers_at_their_gridlines(values, scale, labels):
    with translation.override("en"):
        svg = line_chart(title="t", days=DAYS, lines=[Line("x", values)], scale=scale)
    assert axis_labels(svg) == labels


@pytest.mark.parametrize(("highest", "scale", "top"), [(0, 1, 2), (1, 1, 2), (4, 1, 6), (7, 1, 10), (250, 100, 600)])
def test_the_axis_top_is_round_and_even_in_the_labels_units(highest, scale, top):
    assert axis_top(highest, scale=scale) == top
