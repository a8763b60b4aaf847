"""The weekly digest's chart as a PNG image (email clients show no SVG and run no script): grouped
bars per day for a few series, drawn with Pillow. The picture carries digits only (the axis top
and each day of the month), so it needs no font beyond Pillow's built-in one, whatever the
reader's language; the legend and the numbers are given in the email's text and the image's alt
text (`chart_alt_text`)."""

import io
from datetime import date

from django.utils import formats
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

from insights.charts import PALETTE, axis_top

WIDTH, HEIGHT = 560, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 12, 14, 30
AXIS, GRID, TEXT = (82, 96, 109), (228, 231, 235), (31, 41, 51)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def week_chart_png(*, days: list[date], series: list[tuple[str, list[int]]]) -> bytes:
    """A bar chart of `series` ([(label, one value per day)]) over `days`, as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=12)
    top = axis_top(max((v for _label, values in series for v in values), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    bottom = PAD_TOP + plot_h
    for fraction in (0.5, 1):  # grid lines, with the axis's numbers
        y = bottom - round(plot_h * fraction)
        draw.line([(PAD_LEFT, y), (WIDTH - PAD_RIGHT, y)], fill=GRID, width=1)
        label = str(round(top * fraction))
        draw.text((PAD_LEFT - 6, y), label, fill=AXIS, font=font, anchor="rm")
    draw.text((PAD_LEFT - 6, bottom), "0", fill=AXIS, font=font, anchor="rm")
    draw.line([(PAD_LEFT, bottom), (WIDTH - PAD_RIGHT, bottom)], fill=AXIS, width=1)
    slot = plot_w / max(len(days), 1)
    bar = max(2, int(slot * 0.8 / max(len(series), 1)))
    for n, day in enumerate(days):
        left = PAD_LEFT + n * slot + (slot - bar * len(series)) / 2
        for k, (_label, values) in enumerate(series):
            height = round(plot_h * values[n] / top) if top else 0
            if height:
                x = round(left + k * bar)
                draw.rectangle([(x, bottom - height), (x + bar - 2, bottom - 1)], fill=_rgb(PALETTE[k % len(PALETTE)]))
        draw.text((PAD_LEFT + n * slot + slot / 2, bottom + 6), str(day.day), fill=TEXT, font=font, anchor="mt")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def chart_alt_text(*, days: list[date], series: list[tuple[str, list[int]]]) -> str:
    """What the chart shows, in words and numbers (the image's alt text, and the email's text),
    in the active language: "Per day from 23/11 to 29/11. Signatures: 0, 4, ...; ..."."""
    span = gettext("Per day from %(start)s to %(end)s.") % {
        "start": formats.date_format(days[0], "SHORT_DATE_FORMAT"),
        "end": formats.date_format(days[-1], "SHORT_DATE_FORMAT"),
    }
    # Translators: one series of the weekly chart's alt text: "Signatures: 0, 4, 1".
    parts = [
        gettext("%(series)s: %(values)s") % {"series": label, "values": ", ".join(map(str, values))}
        for label, values in series
    ]
    return " ".join([span, "; ".join(parts) + "."])
