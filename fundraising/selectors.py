"""Reads for money. (Skeleton from the foundation; the fundraising work replaces these bodies.)"""


def campaign_funding_panel(*, campaign) -> dict | None:
    """Everything the campaign page's funding panel shows (raised, goal, donors, donor wall),
    or None when the campaign takes no donations. Rendered by fundraising/_campaign_panel.html."""
    return None
