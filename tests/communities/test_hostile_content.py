"""Hostile Markdown and HTML in every text field people fill in renders harmless on every page."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from communities.models import Group, Post
from communities.services import announcements as announcement_services
from communities.services import discussions as discussion_services
from communities.services import groups as group_services
from communities.services import membership as membership_services
from tests.communities.factories import add_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x1')</script>",
    "<img src=x onerror=\"alert('x2')\">",
    "[click](javascript:alert('x3'))",
    "<a href=\"javascript:alert('x4')\">link</a>",
    "<iframe src=https://evil.example/x5></iframe>",
    "\"><svg onload=alert('x6')>",
    "<style>body{display:none}</style>",
]
HOSTILE = "\n\n".join(PAYLOADS)
DANGEROUS_TAGS = {"script", "iframe", "svg", "style", "object", "embed", "math", "base", "meta"}
# The header's decorative inline icons (templates/base.html); people's content never keeps an <svg>.
OWN_ICON_CLASSES = {"globe", "bell-icon", "reaction-icon"}


class _Inspector(HTMLParser):
    """Collects real elements and attributes (escaped text such as '&lt;script&gt;' is harmless)."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self.in_structured_data = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        own_asset = tag in {"script", "meta"} and (
            (attrs.get("src") or "").startswith(("/static/", "/i18n/js/"))
            or tag == "meta"
            and "http-equiv" not in attrs
        )
        own_asset = own_asset or (tag == "svg" and attrs.get("class") in OWN_ICON_CLASSES)
        # The page's own schema.org data is inert JSON; its text is checked in handle_data.
        if tag == "script" and attrs == {"type": "application/ld+json"}:
            own_asset = self.in_structured_data = True
        if tag in DANGEROUS_TAGS and not own_asset:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:text", "vbscript:")
            ):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_data(self, data):
        if self.in_structured_data and any(char in data for char in "<>&"):
            self.problems.append("unescaped markup inside the JSON-LD")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_structured_data = False


def assert_harmless(html: str):
    inspector = _Inspector()
    inspector.feed(html)
    assert not inspector.problems, inspector.problems


@pytest.fixture
def hostile_world(owner):
    """A group where every field a person fills in carries the payloads."""
    owner.display_name = "<script>alert('name')</script>"
    owner.save()
    group = group_services.group_create(
        creator=owner,
        name="<script>alert('g')</script> Group",
        description=HOSTILE,
        location='<img src=x onerror="alert(1)">',
        code_of_conduct=HOSTILE,
        visibility=Group.Visibility.REQUEST,
    )
    member = add_member(group, UserFactory(display_name='<img src=x onerror="alert(2)">'))
    thread = discussion_services.thread_create(
        author=member, group=group, title="<script>alert('t')</script>", body=HOSTILE
    )
    reply = discussion_services.post_create(author=member, thread=thread, body=HOSTILE)
    discussion_services.post_create(author=owner, thread=thread, body=HOSTILE, parent=reply)
    requester = UserFactory(display_name="<svg onload=alert(3)>")
    membership_services.join_request_create(user=requester, group=group, message=HOSTILE, accept_code_of_conduct=True)
    membership_services.invitation_create(actor=owner, group=group, note="<script>alert('note')</script>")
    banned = add_member(group)
    membership_services.member_ban(actor=owner, group=group, user=banned, reason="<script>alert('ban')</script>")
    announcement_services.announcement_create(
        actor=owner, group=group, subject="<script>alert('a')</script>", body=HOSTILE
    )
    return group, thread, owner, member


def test_stored_html_is_sanitized_at_write_time(hostile_world):
    group, thread, owner, member = hostile_world
    group.refresh_from_db()
    for html in [group.description_html, group.code_of_conduct_html, *Post.objects.values_list("body_html", flat=True)]:
        assert_harmless(html)


@pytest.mark.parametrize(
    "page",
    ["list", "detail", "join", "threads", "thread", "members", "requests", "invitations", "flags", "announce", "home"],
)
def test_every_page_is_harmless(client, hostile_world, page):
    group, thread, owner, member = hostile_world
    client.force_login(owner)
    paths = {
        "list": reverse("communities:list"),
        "home": reverse("home"),
        "thread": thread.get_absolute_url(),
        "detail": group.get_absolute_url(),
    }
    path = paths.get(page) or reverse(f"communities:{page}", kwargs={"slug": group.slug})
    if page == "join":
        client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 200
    assert_harmless(response.content.decode())


def test_api_returns_sanitized_html(client, hostile_world):
    group, thread, owner, member = hostile_world
    client.force_login(member)
    for path in [
        f"/api/v1/groups/{group.slug}/",
        f"/api/v1/threads/{thread.pk}/",
    ]:
        response = client.get(path)
        assert response.status_code == 200
        data = response.json()
        assert_harmless(data.get("description_html", "") + "".join(p["body_html"] for p in data.get("posts", [])))


@pytest.mark.parametrize(
    "html", ['<img src=x onerror="alert(1)">', "<script>alert(1)</script>", '<a href="javascript:x">']
)
def test_the_inspector_itself_catches_live_markup(html):
    with pytest.raises(AssertionError):
        assert_harmless(html)
    assert_harmless(html.replace("<", "&lt;"))
