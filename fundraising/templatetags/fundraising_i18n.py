"""Money in the visitor's language: `{% local_money amount_minor currency %}` formats with Babel for
the active language ("€25" in English, "25 €" in Spanish), `as name` for use inside
{% blocktranslate %}. The currency is the campaign's and never changes with the language."""

from django import template

from fundraising import l10n

register = template.Library()


@register.simple_tag
def local_money(amount_minor, currency):
    return l10n.local_money(amount_minor, currency)
