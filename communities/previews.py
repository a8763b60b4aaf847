"""How a group looks when shared: the words on its preview card, its Open Graph description and
its schema.org `Organization` data. Pure functions over a loaded group."""

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from communities.models import Group


def group_members_label(group: Group) -> str:
    count = group.member_count
    return ngettext("%(count)s member", "%(count)s members", count) % {"count": count}


def group_card_text(group: Group) -> dict:
    """What the preview card says: the cause, the name, members and place."""
    details = [" · ".join(part for part in (group_members_label(group), group.location) if part)]
    return {
        "eyebrow": group.cause.name if group.cause_id else gettext("Group"),
        "title": group.name,
        "details": details,
    }


def group_share_description(group: Group) -> str:
    facts = " · ".join(
        part
        for part in (group.cause.name if group.cause_id else "", group_members_label(group), group.location)
        if part
    )
    about = Truncator(strip_tags(group.description_html).strip()).chars(160)
    return f"{facts}. {about}" if about else facts


def group_structured_data(group: Group, *, url: str, image_url: str, logo_url: str) -> dict:
    """schema.org `Organization` for a group's page."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": group.name,
        "url": url,
        "description": group_share_description(group),
        "image": image_url,
    }
    if logo_url:
        data["logo"] = logo_url
    if group.location:
        data["location"] = {"@type": "Place", "name": group.location}
    if group.cause_id:
        data["knowsAbout"] = group.cause.name
    return data
