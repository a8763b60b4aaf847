"""Who may see a campaign's insights: its organizer and site staff (docs/insights.md)."""

from campaigns.policies import is_active_user


def can_view_campaign_insights(user, campaign) -> bool:
    return can_view_insights_of(user, organizer_id=campaign.organizer_id)


def can_view_insights_of(user, *, organizer_id: int) -> bool:
    """The same rule from the organizer's id alone (what a kept copy of the dashboard records)."""
    if not is_active_user(user):
        return False
    return organizer_id == user.pk or user.is_staff


def can_view_site_insights(user) -> bool:
    return is_active_user(user) and user.is_staff
