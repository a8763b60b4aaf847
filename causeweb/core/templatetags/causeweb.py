import json
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from babel.dates import format_timedelta
from babel.numbers import format_decimal, format_percent
from django import template
from django.utils.safestring import mark_safe

from causeweb.core.markdown import render_markdown
from causeweb.core.money import format_money, visitor_locale

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render user Markdown safely; prefer storing rendered HTML at write time for hot pages."""
    return render_markdown(text or "")


@register.filter
def link_host(url):
    """The host a link leads to ("zoom.us"), shown next to links people typed so that the
    destination is visible whatever the link text looks like. IDNs are shown in punycode."""
    host = (urlsplit(str(url or "")).hostname or "").rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@register.simple_tag
def money(amount_minor, currency, locale=None):
    """`{% money amount_minor currency %}` in the viewer's language ("$1,250" in English,
    "1.250 US$" in Spanish, "‏1,250 US$" in Arabic); the currency is the campaign's, never the
    viewer's. Pass `locale` only to pin one (an export, an email to someone else)."""
    return format_money(amount_minor, currency, locale=str(visitor_locale(locale)))


@register.filter
def number(value, digits=None):
    """`{{ count|number }}`: an integer or decimal with the active language's digits grouping
    and decimal mark ("12,500" / "12.500"); `{{ share|number:1 }}` keeps one decimal."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    locale = visitor_locale()
    if digits is None:
        return format_decimal(amount, locale=locale)
    pattern = "#,##0" + ("." + "0" * int(digits) if int(digits) else "")
    return format_decimal(amount, format=pattern, locale=locale, decimal_quantization=True)


@register.filter
def duration(value):
    """`{{ timedelta|duration }}`: a length of time in words in the active language ("15 minutes",
    "15 minutos", "15 دقيقة"), rounded to its largest unit (axes' `cooloff_timedelta`)."""
    if not isinstance(value, timedelta):
        return value
    return format_timedelta(value, threshold=1.5, locale=visitor_locale())


@register.filter
def percent(value, digits=0):
    """`{{ 0.425|percent }}`: a ratio as a percentage in the active language ("42%"; Latin digits
    in Arabic too, Babel's default); `{{ ratio|percent:1 }}` keeps one decimal."""
    try:
        ratio = Decimal(str(value or 0))
    except (InvalidOperation, ValueError):
        return value
    pattern = "#,##0" + ("." + "0" * int(digits) if int(digits) else "") + "%"
    return format_percent(ratio, format=pattern, locale=visitor_locale(), decimal_quantization=True)


@register.filter
def percent_of(part, whole):
    """Integer percentage for progress bars, capped at 100."""
    try:
        part, whole = int(part or 0), int(whole or 0)
    except (TypeError, ValueError):
        return 0
    if whole <= 0:
        return 0
    return min(100, part * 100 // whole)


@register.simple_tag(takes_context=True)
def render_section(context, section):
    """Render a PageSection (causeweb.core.hooks) with its own context on top of the page's."""
    with context.push(**section.context):
        return context.template.engine.get_template(section.template).render(context)


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data):
    """schema.org data as a <script type="application/ld+json"> element; <, > and & are escaped as
    in Django's json_script, so a title such as "</script>" cannot end the element."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{body}</script>')  # noqa: S308 (escaped above)


@register.filter
def accessible_widget(field):
    """The field's widget, tied to its help and error text for screen readers (WCAG 1.3.1, 3.3.1):
    `aria-describedby` names the help (`<id>_helptext`, Django's own id for it) and the error
    (`<id>_error`), `aria-invalid="true"` marks a field with an error. Ids the form already set on
    the widget are kept first. templates/includes/form_fields.html renders every field with it."""
    described_by = [value for value in [field.field.widget.attrs.get("aria-describedby", "")] if value]
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    attrs = {}
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
