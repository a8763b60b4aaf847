"""Money in the visitor's language: `{% local_money amount_minor currency %}` formats with Babel for
the active language ("€25" in English, "25 €" in Spanish), `as name` for use inside
{% blocktranslate %}. The currency is the campaign's and never changes with the language."""

from django import template
from django.utils import translation

from causeweb.core.money import format_money, visitor_locale

register = template.Library()


@register.simple_tag
def local_money(amount_minor, currency):
    return format_money(amount_minor, currency, locale=str(visitor_locale(translation.get_language())))
