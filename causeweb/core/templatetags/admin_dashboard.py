"""{% needs_attention as groups %} on the admin index: the admin_attention hook's items for the
signed-in person, grouped by area."""

from django import template
from django.utils.translation import gettext_lazy as _

from causeweb.core.hooks import attention_items

register = template.Library()

AREA_TITLES = {"content": _("Content and people"), "money": _("Money"), "platform": _("Platform")}


@register.simple_tag(takes_context=True)
def needs_attention(context) -> list[dict]:
    request = context.get("request")
    if request is None:
        return []
    groups: dict[str, list] = {}
    for item in attention_items(user=request.user):
        groups.setdefault(item.area, []).append(item)
    return [
        {"title": AREA_TITLES.get(area, area.title()), "items": items}
        for area, items in sorted(
            groups.items(), key=lambda pair: list(AREA_TITLES).index(pair[0]) if pair[0] in AREA_TITLES else 99
        )
    ]
