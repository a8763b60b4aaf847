"""Preview images for shared links (Open Graph / Twitter cards): 1200x630 PNGs drawn with Pillow on
the brand background, so an event or a group without an uploaded picture still shows a card with
its title and what, when and where when posted on WhatsApp, Facebook or X.

Rendering takes ~20 ms; the bytes are cached under a hash of everything drawn, so a changed title
or date draws a new card and an unchanged one is drawn once per cache lifetime.

Any language: DejaVu Sans (Debian's fonts-dejavu-core, `fc-list :lang=ar`) has the Latin and Arabic
glyphs, and Pillow's Raqm layout (HarfBuzz shaping, FriBiDi ordering, in Pillow's wheels) joins
Arabic letters and orders them right to left; a line whose first strong character is right-to-left
is drawn right-aligned. Without Raqm (a Pillow built without it) Arabic would come out as
unjoined letters in the wrong order, so `ARABIC_SHAPING` says whether it is there (a test checks)."""

import hashlib
import io
import textwrap
import unicodedata
from functools import lru_cache

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont, features

CARD_SIZE = (1200, 630)
BRAND = (11, 110, 79)  # --brand in static/css/site.css
BRAND_DARK = (8, 81, 58)
ACCENT = (251, 191, 36)
WHITE = (255, 255, 255)
CACHE_SECONDS = 24 * 3600
ARABIC_SHAPING = bool(features.check("raqm"))
MARGIN = 80
_FONT_PATHS = {
    True: ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
    False: ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf"),
}


@lru_cache(maxsize=2)
def font_path(bold: bool = False) -> str | None:
    """The file of DejaVu Sans (bold or regular) as found on this machine, for other renderers of
    any-language text (the petition PDF, campaigns/services/delivery_pdf.py); None without it."""
    for path in _FONT_PATHS[bold]:
        try:
            return ImageFont.truetype(path, 12).path
        except OSError:
            continue
    return None


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = True):
    for path in _FONT_PATHS[bold]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def is_right_to_left(text: str) -> bool:
    """The text's first strong character is right-to-left (Arabic, Hebrew...)."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _draw_line(draw, y: int, text: str, *, font, fill) -> None:
    """One line at height `y`, from the left margin, or from the right one for right-to-left text."""
    if ARABIC_SHAPING and is_right_to_left(text):
        draw.text((CARD_SIZE[0] - MARGIN, y), text, font=font, fill=fill, anchor="ra", direction="rtl")
    else:
        draw.text((MARGIN, y), text, font=font, fill=fill)


def _wrapped_title(title: str) -> tuple[list[str], int]:
    """Up to three lines, the font shrinking for long titles; an ellipsis if it still overflows."""
    for size, width in ((72, 26), (60, 32), (50, 38)):
        lines = textwrap.wrap(title, width=width) or [""]
        if len(lines) <= 3:
            return lines, size
    lines = textwrap.wrap(title, width=38)
    return [*lines[:2], textwrap.shorten(" ".join(lines[2:]), width=36, placeholder="…")], 50


def render_share_card(*, eyebrow: str, title: str, details: list[str], site_name: str) -> bytes:
    """Draw the card: eyebrow (kind or cause), the title, up to two detail lines (date, place,
    members), the site's name at the bottom. Returns PNG bytes."""
    image = Image.new("RGB", CARD_SIZE, BRAND)
    draw = ImageDraw.Draw(image)
    width, height = CARD_SIZE
    draw.rectangle([0, height - 110, width, height], fill=BRAND_DARK)
    draw.rectangle([0, 0, 18, height], fill=ACCENT)
    y = 70
    if eyebrow:
        _draw_line(draw, y, eyebrow.upper()[:60], font=_font(30), fill=ACCENT)
        y += 60
    lines, size = _wrapped_title(title)
    for line in lines:
        _draw_line(draw, y, line, font=_font(size), fill=WHITE)
        y += int(size * 1.2)
    y += 20
    for detail in details[:2]:
        _draw_line(draw, y, textwrap.shorten(detail, width=60, placeholder="…"), font=_font(34, bold=False), fill=WHITE)
        y += 48
    _draw_line(draw, height - 78, site_name[:60], font=_font(34), fill=WHITE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def share_card_png(*, eyebrow: str, title: str, details: list[str], site_name: str) -> bytes:
    """The card's PNG bytes, from the cache when the same card was drawn before."""
    key_source = "\x1f".join([eyebrow, title, *details, site_name])
    key = "share-card:" + hashlib.sha256(key_source.encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        png = render_share_card(eyebrow=eyebrow, title=title, details=details, site_name=site_name)
        cache.set(key, png, CACHE_SECONDS)
    return png
