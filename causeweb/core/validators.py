"""Validators for text people type, shared by forms and API serializers.

One-line fields (titles, names, subjects, places) end up in email subjects, calendar files and
CSV cells, where a CR or LF starts a new header / property / row: they refuse control characters.
Every field that is shown back refuses the Unicode bidirectional controls, which make text read
in another order than it is stored (`\u202egnp.exe` displays as `exe.png`)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Embedding/override (LRE RLE PDF LRO RLO), isolates (LRI RLI FSI PDI), marks (LRM RLM ALM).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Line and paragraph separators end a line for many readers too.
LINE_BREAKS = frozenset("\u2028\u2029\u0085")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in LINE_BREAKS


@deconstructible
class NoBidiControls:
    message = _("Remove the invisible text-direction characters.")
    code = "bidi_control"

    def __call__(self, value) -> None:
        if value and any(char in BIDI_CONTROLS for char in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, NoBidiControls)


@deconstructible
class SingleLine:
    """No line breaks, tabs or other control characters, and no bidi controls."""

    message = _("Use a single line of text, without line breaks or control characters.")
    code = "control_character"

    def __call__(self, value) -> None:
        if not value:
            return
        if any(_is_control(char) for char in str(value)):
            raise ValidationError(self.message, code=self.code)
        NoBidiControls()(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLine)


validate_single_line = SingleLine()
validate_no_bidi = NoBidiControls()

_UNSAFE_RUN = re.compile(r"\s+")


def one_line(text: str, *, limit: int | None = None) -> str:
    """Whatever is stored, a value safe for a one-line context (an email subject, an ICS summary):
    control characters and bidi controls dropped or turned to spaces, whitespace collapsed."""
    cleaned = "".join(" " if _is_control(char) else char for char in str(text or "") if char not in BIDI_CONTROLS)
    flat = _UNSAFE_RUN.sub(" ", cleaned).strip()
    if limit and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat
