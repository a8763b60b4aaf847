"""Reads for groups. (Skeleton from the foundation; the communities work replaces these bodies.)"""


def group_list_featured(*, limit: int = 4):
    """Public groups for the home page."""
    return []


def group_list_for_campaign(*, campaign_id: int, limit: int = 5):
    """Groups that support a campaign, for the campaign page."""
    return []
