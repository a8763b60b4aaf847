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
