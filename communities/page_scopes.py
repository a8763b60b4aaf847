"""Which cached pages a communities row shows on (causeweb/core/page_cache.py): the group's page,
the group lists (`groups`, also the home page and the campaign page's "groups supporting this"),
for a supported campaign, that campaign's page, and a thread's page (`thread:<id>`: its posts and
their reactions; the thread page also depends on its group's scope)."""

from causeweb.core import page_cache
from communities.models import Announcement, Group, GroupCampaign, Membership, Post, Reaction, Thread


def thread_scope(thread_id: int) -> str:
    return f"thread:{thread_id}"


def group_changed(group_id: int, *, thread_id: int | None = None) -> None:
    """For writes made with `QuerySet.update()` (moderation's hide), which the watch does not see;
    `thread_id` when a thread's page shows the change too."""
    page_cache.changed(f"group:{group_id}", "groups", thread_scope(thread_id) if thread_id else "")


def watch_pages() -> None:
    page_cache.watch(Group, lambda group: (f"group:{group.pk}", "groups"))
    page_cache.watch(Membership, lambda row: (f"group:{row.group_id}", "groups"))
    page_cache.watch(Thread, lambda thread: (f"group:{thread.group_id}", thread_scope(thread.pk)))
    # Posts show on their thread's page; a reply also moves its thread's row on the group page
    # with a QuerySet.update(), so discussions.post_create says so itself.
    page_cache.watch(Post, lambda post: (thread_scope(post.thread_id),))
    page_cache.watch(Reaction, _reaction_scopes)
    page_cache.watch(Announcement, lambda row: (f"group:{row.group_id}",))
    page_cache.watch(GroupCampaign, lambda row: (f"group:{row.group_id}", f"campaign:{row.campaign_id}", "groups"))


def _reaction_scopes(row) -> tuple:
    """A reaction knows its post, not its thread: one small read on each change (none left to
    read when the whole post or thread is being deleted)."""
    thread_id = Post.objects.filter(pk=row.post_id).values_list("thread_id", flat=True).first()
    return (thread_scope(thread_id),) if thread_id else ()
