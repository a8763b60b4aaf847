"""Hostile Markdown and HTML in every user text field must never become script, an event handler
or a javascript: URL on any page that shows it. The check parses the HTML the way a browser
would, so escaped text (harmless) is told apart from real attributes and elements."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from campaigns.models import Campaign
from campaigns.services.authoring import campaign_create
from campaigns.services.comments import comment_create
from campaigns.services.signatures import signature_create
from campaigns.services.updates import campaign_update_create

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("s")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">a</a>'
    "\" onmouseover=\"alert(3)\" ' onfocus='alert(4)' <svg onload=alert(5)></svg>"
    "[md](javascript:alert(6)) ![i](javascript:alert(7)) <iframe src=javascript:alert(8)></iframe>"
    '<style>body{}</style><div style="background:url(javascript:alert(9))">d</div>'
)
SHORT_HOSTILE = '<script>alert(1)</script>" onmouseover="alert(2)'  # fits titles and names
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "content", "poster"}
# Our static files, and the JavaScript translation catalogue (a view of ours: templates/base.html).
ALLOWED_SCRIPT_SOURCES = ("/static/", "/i18n/js/")
# The header's inline icons (templates/base.html, includes/language_switcher.html): decorative,
# hidden from assistive technology, never from people's content (which nh3 strips of any <svg>).
OWN_ICON_CLASSES = {"globe", "bell-icon", "reaction-icon"}


class _Audit(HTMLParser):
    def __init__(self, *, admin: bool = False):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False
        # Django admin's own markup has icons as <svg> and a script from /admin/jsi18n/.
        self.admin = admin

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower().replace("\x00", "")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in URL_ATTRIBUTES and value.replace(" ", "").startswith(("javascript:", "vbscript:", "data:text")):
                self.problems.append(f"<{tag} {name}={value[:30]}>")
            if name == "style" and "javascript:" in value:
                self.problems.append(f"<{tag} style> with javascript:")
        own_icon = (
            tag == "svg"
            and dict(attrs).get("class") in OWN_ICON_CLASSES
            and not any(n.startswith("on") for n, _ in attrs)
        )
        if (
            tag in ("iframe", "object", "embed", "svg", "style", "base", "form")
            and self._user_zone_tag(tag)
            and not own_icon
        ):
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith(ALLOWED_SCRIPT_SOURCES + (("/admin/jsi18n/",) if self.admin else ())):
                self.problems.append(f"<script> without a static src ({src!r})")
            self._in_script = True

    def _user_zone_tag(self, tag):
        # Our own templates use <form> and <style> (the embed); user content never may. We only
        # flag them when they carry the payload's markers, checked in handle_data / attributes.
        return tag in ("iframe", "object", "embed", "base") or (tag == "svg" and not self.admin)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:40]}")


def assert_safe(html: str, where: str, *, admin: bool = False) -> None:
    audit = _Audit(admin=admin)
    audit.feed(html)
    assert not audit.problems, f"{where}: {audit.problems}"


def test_the_audit_catches_what_it_should():
    for bad in (
        "<img src=x onerror=alert(1)>",
        '<a href=" javascript:alert(1)">x</a>',
        "<script>alert(1)</script>",
        "<iframe src=x></iframe>",
        "<svg onload=alert(1)>",
    ):
        audit = _Audit()
        audit.feed(bad)
        assert audit.problems, bad
    audit = _Audit()
    audit.feed('<p title="&quot; onmouseover=&quot;alert(1)">&lt;script&gt;alert(1)&lt;/script&gt;</p>')
    assert not audit.problems


@pytest.fixture
def hostile_campaign(user, other_user, cause):
    campaign = campaign_create(
        organizer=user,
        title=SHORT_HOSTILE,
        summary=HOSTILE[:280],
        story=HOSTILE,
        cause=cause,
        tags=["<script>x</script>", '" onclick="y', "javascript:alert(1)"],
        location=SHORT_HOSTILE,
        cover_alt=SHORT_HOSTILE,
        petition_target=10,
    )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PUBLISHED)
    campaign.refresh_from_db()
    campaign_update_create(campaign=campaign, author=user, title=SHORT_HOSTILE, body=HOSTILE)
    top = comment_create(campaign=campaign, author=other_user, body=HOSTILE)
    comment_create(campaign=campaign, author=user, body=HOSTILE, parent=top)
    signature_create(campaign=campaign, user=other_user, name=SHORT_HOSTILE, comment=HOSTILE[:500])
    signature_create(
        campaign=campaign, user=AnonymousUser(), name=SHORT_HOSTILE, email="guest@example.org", comment=HOSTILE[:500]
    )
    other_user.display_name = SHORT_HOSTILE
    other_user.save()
    return campaign


def test_stored_html_is_sanitized(hostile_campaign):
    for html in (
        hostile_campaign.story_html,
        hostile_campaign.updates.get().body_html,
        *hostile_campaign.comments.values_list("body_html", flat=True),
    ):
        assert_safe(html, "stored")
        assert "<script" not in html and "javascript:" not in html.lower()


@pytest.mark.parametrize("viewer", ["anonymous", "organizer", "commenter", "moderator"])
def test_public_pages_carry_no_script(client, hostile_campaign, user, other_user, staff_user, viewer):
    people = {"anonymous": None, "organizer": user, "commenter": other_user, "moderator": staff_user}
    if people[viewer]:
        client.force_login(people[viewer])
    slug = hostile_campaign.slug
    pages = {
        "detail": hostile_campaign.get_absolute_url(),
        "list": reverse("campaigns:list"),
        "search": reverse("campaigns:list") + "?q=%3Cscript%3Ealert(1)%3C/script%3E&location=%22onmouseover%3D",
        "embed": reverse("campaigns:embed", args=[slug]),
        "home": reverse("home"),
        "counter": reverse("campaigns:counter", args=[slug]),
        "updates": reverse("campaigns:updates", args=[slug]),
    }
    if viewer in ("organizer", "moderator"):
        pages["preview"] = reverse("campaigns:preview", args=[slug])
        pages["stats"] = reverse("campaigns:stats", args=[slug])
    if viewer == "organizer":
        pages["edit"] = reverse("campaigns:edit", args=[slug])
        pages["mine"] = reverse("campaigns:mine")
    if viewer == "moderator":
        pages["admin-campaign"] = reverse("admin:campaigns_campaign_change", args=[hostile_campaign.pk])
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        if name == "detail":  # the hostile text is there, shown as text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()
        assert_safe(response.content.decode(), f"{viewer}:{name}", admin=name.startswith("admin"))


def test_comment_edit_and_flag_pages_are_safe(client, hostile_campaign, other_user, user):
    comment = hostile_campaign.comments.filter(author=other_user).get()
    client.force_login(other_user)
    edit = client.get(reverse("campaigns:comment_edit", args=[hostile_campaign.slug, comment.pk]))
    assert_safe(edit.content.decode(), "comment edit")
    client.force_login(user)
    flag = client.get(reverse("campaigns:comment_flag", args=[hostile_campaign.slug, comment.pk]))
    assert_safe(flag.content.decode(), "comment flag")


def test_share_buttons_encode_hostile_titles(hostile_campaign):
    from django.template.loader import render_to_string

    html = render_to_string(
        "includes/share_buttons.html",
        {
            "share_url": 'http://testserver/s/abc"><script>alert(1)</script>',
            "share_title": SHORT_HOSTILE,
            "share_text": HOSTILE,
        },
    )
    assert_safe(html, "share buttons")


def test_api_returns_sanitized_html(client, hostile_campaign):
    data = client.get(f"/api/v1/campaigns/{hostile_campaign.slug}/").json()
    assert_safe(data["story_html"], "api story")
    for update in data["updates"]:
        assert_safe(update["body_html"], "api update")
    comments = client.get(f"/api/v1/campaigns/{hostile_campaign.slug}/comments/").json()["results"]  # paginated
    assert comments
    for comment in comments:
        assert_safe(comment["body_html"], "api comment")
