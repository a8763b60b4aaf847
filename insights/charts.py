"""Server-side charts as inline SVG (no JavaScript, CSP-safe: presentation attributes only, no
style attributes). Each chart is drawn in a fixed viewBox and scales to its container, so it reads
at 390 px as at 1280 px; the numbers are always also given as a table next to it."""

from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from babel.numbers import format_compact_decimal
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from causeweb.core.money import visitor_locale

# Colour-blind-safe palette (Okabe-Ito), dark enough on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 480, 240, 48, 14, 16, 36


@dataclass(frozen=True)
class Line:
    label: str
    values: list[int]


def _nice_max(value: float) -> int:
    """A round axis top at or above `value` (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def axis_top(highest: float, *, scale: int = 1) -> int:
    """The axis's top for values up to `highest` (in units of 1/`scale`), round and even in the
    labels' units: the middle gridline is labelled with a whole number that is where it is (a top
    of 1 or 5 would put "0" or "2" at 0.5 or 2.5)."""
    top = _nice_max(highest / scale)
    return (top + top % 2) * scale


def _n(value: float) -> str:
    """A coordinate as SVG text (format_html escapes its arguments to strings first)."""
    return f"{value:.1f}"


def _short(value: int) -> str:
    """An axis label: the number in the active locale's digits and separators, big ones shortened
    (Babel's compact forms: "12K", "1.5M" in English; "12 mil" in Spanish)."""
    if value >= 10_000:
        return format_compact_decimal(value, format_type="short", fraction_digits=1, locale=visitor_locale())
    return formats.number_format(value)


def day_label(day: date) -> str:
    """An axis date, short, in the active language's words and order ("Nov 23", "23 nov")."""
    return format_skeleton("MMMd", day, locale=visitor_locale())


def line_chart(
    *, title: str, days: list[date], lines: list[Line], goal: int | None = None, scale: int = 1
) -> SafeString:
    """Daily lines over `days`; `goal` draws a dashed horizontal line; values are divided by
    `scale` for the axis labels (100 to label cents as units)."""
    top = axis_top(max([max(line.values, default=0) for line in lines] + [goal or 0]), scale=scale)
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(len(days) - 1, 1)

    def y(value):
        return PAD_TOP + plot_h - plot_h * value / top

    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMidYMid meet">',
            WIDTH,
            HEIGHT,
            title,
        )  # fmt: skip
    ]
    for fraction in (0, 0.5, 1):
        level = top * fraction
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>'
                '<text x="{}" y="{}" font-size="17" text-anchor="end" fill="#444">{}</text>',
                PAD_LEFT,
                WIDTH - PAD_RIGHT,
                y(level),
                y(level),
                PAD_LEFT - 6,
                y(level) + 5,
                _short(int(level / scale)),
            )  # fmt: skip
        )
    if days:
        for index, anchor in ((0, "start"), (len(days) - 1, "end")):
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="17" text-anchor="{}" fill="#444">{}</text>',
                    PAD_LEFT + index * step,
                    HEIGHT - 10,
                    anchor,
                    day_label(days[index]),
                )  # fmt: skip
            )
    if goal:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#222" stroke-dasharray="6 4"/>'
                '<text x="{}" y="{}" font-size="17" text-anchor="end" fill="#222">{}</text>',
                PAD_LEFT,
                WIDTH - PAD_RIGHT,
                y(goal),
                y(goal),
                WIDTH - PAD_RIGHT,
                y(goal) - 6,
                gettext("Goal"),
            )  # fmt: skip
        )
    for index, line in enumerate(lines):
        points = " ".join(f"{PAD_LEFT + n * step:.1f},{y(v):.1f}" for n, v in enumerate(line.values))
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" stroke-linejoin="round"/>',
                points,
                PALETTE[index % len(PALETTE)],
            )  # fmt: skip
        )
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every piece escaped above


def legend(lines: list[Line]) -> SafeString:
    items = "".join(
        str(
            format_html(
                '<li><svg width="14" height="14" aria-hidden="true">'
                '<rect width="14" height="14" fill="{}"/></svg> {}</li>',
                PALETTE[index % len(PALETTE)],
                line.label,
            )  # fmt: skip
        )
        for index, line in enumerate(lines)
    )
    return mark_safe(f'<ul class="chart-legend">{items}</ul>')  # noqa: S308 - items escaped by format_html


def bar_chart(*, title: str, bars: list[tuple[str, int]]) -> SafeString:
    """Horizontal bars (labels stay readable on a phone), value written at each bar's end."""
    row, label_w = 34, 150
    height = max(row * len(bars), row)
    top = max([value for _, value in bars] + [1])
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMidYMid meet">',
            WIDTH,
            height,
            title,
        )  # fmt: skip
    ]
    for index, (label, value) in enumerate(bars):
        width = (WIDTH - label_w - 60) * value / top
        y = index * row
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="18" text-anchor="end" fill="#222">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="22" fill="{}"/>'
                '<text x="{}" y="{}" font-size="18" fill="#222">{}</text>',
                label_w - 8,
                y + 17,
                label,
                label_w,
                y + 2,
                width,
                PALETTE[0],
                label_w + width + 6,
                y + 17,
                value,
            )  # fmt: skip
        )
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every piece escaped above
