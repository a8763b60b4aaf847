"""Share cards in any language (causeweb/core/share_cards.py): the font has the Arabic and Spanish
glyphs (no boxes), Arabic is shaped and drawn right to left, aligned right."""

import io

import pytest
from PIL import Image, ImageFont

from causeweb.core import share_cards

ARABIC = "حملة من أجل مدرسة القرية"
SPANISH = "¡Señales en español: niñas, años, acción, pingüino!"


def font(**kwargs):
    return ImageFont.truetype(share_cards._FONT_PATHS[True][0], 60, **kwargs)


def test_pillow_shapes_arabic():
    assert share_cards.ARABIC_SHAPING, "Pillow without Raqm: Arabic cards would be unjoined and reversed"


@pytest.mark.parametrize("text", [ARABIC, SPANISH])
def test_the_card_font_has_every_glyph(text):
    box = bytes(font().getmask("\ue000"))  # a private-use character: the font's missing-glyph box
    for character in set(text) - {" "}:
        assert bytes(font().getmask(character)) != box, f"no glyph for {character!r}"


def test_arabic_letters_are_joined():
    """Shaped text ("لا" is one ligature) is not the sum of the isolated letters' widths."""
    basic = font(layout_engine=ImageFont.Layout.BASIC)
    assert font().getlength("لا") != basic.getlength("لا")


def white_columns(png: bytes, top: int, bottom: int) -> tuple[int, int]:
    """The leftmost and rightmost white (text) columns between `top` and `bottom`."""
    image = Image.open(io.BytesIO(png)).convert("L").crop((0, top, share_cards.CARD_SIZE[0], bottom))
    left, _, right, _ = image.point(lambda v: 255 if v > 240 else 0).getbbox()
    return left, right


def test_an_arabic_title_is_right_aligned_and_a_spanish_one_left():
    kwargs = {"eyebrow": "", "details": [], "site_name": "Causeweb"}
    arabic = share_cards.render_share_card(title=ARABIC, **kwargs)
    spanish = share_cards.render_share_card(title=SPANISH, **kwargs)
    arabic_left, arabic_right = white_columns(arabic, 70, 150)
    spanish_left, _ = white_columns(spanish, 70, 150)
    assert arabic_right > share_cards.CARD_SIZE[0] - share_cards.MARGIN - 10 and arabic_left > share_cards.MARGIN + 20
    assert spanish_left < share_cards.MARGIN + 20
    assert share_cards.is_right_to_left(ARABIC) and not share_cards.is_right_to_left(SPANISH)
    assert not share_cards.is_right_to_left("2026: " + SPANISH) and share_cards.is_right_to_left("2026 " + ARABIC)
