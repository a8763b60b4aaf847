"""Reads for events. (Skeleton from the foundation; the events work replaces these bodies.)"""


def event_list_featured(*, limit: int = 4):
    """Upcoming public events for the home page."""
    return []


def event_list_for_campaign(*, campaign_id: int, limit: int = 5):
    """Upcoming events linked to a campaign, for the campaign page."""
    return []


def event_list_for_group(*, group_id: int, limit: int = 5):
    """Upcoming events hosted by a group, for the group page."""
    return []
