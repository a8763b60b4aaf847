"""Sharing a group: its tracked /s/<code> links, through campaigns' share machinery (the group is
the link's target; clicks are counted once per visitor per day and preview bots are skipped there)."""

from django.utils.translation import gettext

from campaigns.services.sharing import share_link_get_or_create_for_target
from causeweb.core.exceptions import ValidationError
from communities import policies
from communities.models import Group


def group_share_link(*, group: Group, actor=None):
    """The person's own tracked link to the group (signed in), or the shared anonymous one: a
    campaigns ShareLink (`get_absolute_url()` is its /s/<code>). Private groups cannot be shared."""
    if not policies.can_share_group(group):
        raise ValidationError(gettext("A private group cannot be shared."), code="not_shareable")
    return share_link_get_or_create_for_target(target=group, user=actor)
