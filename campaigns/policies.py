"""Who may do what with a campaign's data. Rules only: services and views call these, templates
show what they allow."""

from campaigns.models import Campaign

EXPORT_SIGNATURES_PERMISSION = "campaigns.export_signatures"


def can_export_signatures(user, campaign: Campaign) -> bool:
    """Signers' names and emails go to the campaign's organizer, and to staff given the dedicated
    `campaigns.export_signatures` permission (superusers hold every permission). Reviewing campaigns
    (`campaigns.change_campaign`) is not enough: moderators read content, not mailing lists."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if campaign.organizer_id == user.pk:
        return True
    return bool(user.is_staff and user.has_perm(EXPORT_SIGNATURES_PERMISSION))


def can_view_campaign(campaign: Campaign, user) -> bool:
    """Public campaigns for everyone; drafts, pending and rejected ones for their managers only."""
    from campaigns.services import user_can_manage

    return campaign.is_public or user_can_manage(user, campaign)


def can_view_comment(comment, user) -> bool:
    """A comment is seen where its campaign is; a removed one only by its author and by the people
    who may hide comments there."""
    from campaigns.services import user_can_hide_comments

    campaign = comment.campaign
    if not can_view_campaign(campaign, user):
        return False
    if not comment.is_removed:
        return True
    is_author = getattr(user, "is_authenticated", False) and comment.author_id == user.pk
    return is_author or user_can_hide_comments(user, campaign)
