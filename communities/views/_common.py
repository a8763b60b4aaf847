"""What the community views share: loading the group and the person's access to it. Private to
communities.views."""

from functools import wraps

from django.http import Http404
from django.utils.translation import gettext

from causeweb.core.exceptions import PermissionDenied
from causeweb.moderation.selectors import flag_reason_choices
from communities import selectors


def with_group(view):
    """Load the group by slug and what the person may do there; private groups 404 for outsiders."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        group = selectors.group_get_by_slug(slug=slug)
        if group is None:
            raise Http404
        access = selectors.group_access(group=group, user=request.user)
        if not access.can_view_group:
            raise Http404
        return view(request, group, access, *args, **kwargs)

    return wrapper


def moderators_only(access) -> None:
    if not access.can_moderate:
        raise PermissionDenied(gettext("Only the group's owners and moderators can see this page."))


def require_reader(access) -> None:
    if not access.can_read_discussions:
        raise PermissionDenied(gettext("Only members can read this group's discussions."))


def thread_or_404(group, access, thread_id):
    thread = selectors.thread_get(group=group, thread_id=thread_id, access=access)
    if thread is None:
        raise Http404
    return thread


def post_or_404(group, access, post_id):
    post = selectors.post_get(group=group, post_id=post_id)
    if post is None or not access.can_see_thread(post.thread):
        raise Http404
    return post


def flag_reasons():
    return flag_reason_choices()
