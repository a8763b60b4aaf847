"""Ids and integer limits from outside. `<id:pk>` is `<int:pk>` bounded to what a BigAutoField
primary key can hold: a longer run of digits is a 404 at the resolver, instead of an
OverflowError (SQLite) / DataError (Postgres), a 500, when the ORM sends it to the database.
Forms and serializers bound their integer fields with the constants below."""

from django.urls import register_converter
from django.utils.translation import gettext as _

# BigAutoField primary keys (DEFAULT_AUTO_FIELD) and the PositiveBigIntegerField object ids.
ID_MAX = 2**63 - 1
# PositiveIntegerField / IntegerField columns (counts, limits): Postgres `integer`.
POSITIVE_INT_MAX = 2**31 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            raise ValueError("id out of range")  # the resolver tries the next pattern, then 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")


register()


def parse_id(value) -> int:
    """An id typed or posted by someone: digits only, within range; ValueError otherwise."""
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        raise ValueError("not an id")
    return IdConverter().to_python(text)


def id_or_404(value) -> int:
    """An id from a path or a form (the API router's `pk`), or a 404: never a ValueError or an
    overflow reaching the database."""
    from django.http import Http404

    try:
        return parse_id(value)
    except ValueError:
        raise Http404(_("No such id.")) from None
