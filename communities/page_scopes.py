"""Which cached pages a communities row shows on (causeweb/core/page_cache.py): the group's page,
the group lists (`groups`, also the home page and the campaign page's "groups supporting this"),
and, for a supported campaign, that campaign's page."""

from causeweb.core import page_cache
from communities.models import Announcement, Group, GroupCampaign, Membership, Thread


def group_changed(group_id: int) -> None:
    """For writes made with `QuerySet.update()` (moderation's hide), which the watch does not see."""
    page_cache.changed(f"group:{group_id}", "groups")


def watch_pages() -> None:
    page_cache.watch(Group, lambda group: (f"group:{group.pk}", "groups"))
    page_cache.watch(Membership, lambda row: (f"group:{row.group_id}", "groups"))
    page_cache.watch(Thread, lambda thread: (f"group:{thread.group_id}",))
    # Posts show on the thread page (not cached); a reply moves its thread's row on the group page
    # with a QuerySet.update(), so discussions.post_create says so itself.
    page_cache.watch(Announcement, lambda row: (f"group:{row.group_id}",))
    page_cache.watch(GroupCampaign, lambda row: (f"group:{row.group_id}", f"campaign:{row.campaign_id}", "groups"))
