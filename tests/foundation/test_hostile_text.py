"""Text that breaks things quietly: CR/LF in one-line fields (email subjects, ICS properties),
bidi controls that make a link read backwards, remote images in Markdown."""

import pytest
from django.db import connection
from django.test import Client

from causeweb.core.exceptions import ValidationError
from causeweb.core.validators import one_line, validate_no_bidi, validate_single_line

pytestmark = pytest.mark.django_db

BREAKERS = ["Rally\r\nBcc: all@example.org", "Rally\rSTATUS:CANCELLED", "Rally\nX", "Rally\x00", "Rally\tX",
            "Rally\u2028X", "Rally\x85X", "\u202egnp.exe", "Rally\u2066X\u2069", "Rally\u200fX"]  # fmt: skip


# --- The shared validators ------------------------------------------------------------------------
@pytest.mark.parametrize("value", BREAKERS)
def test_single_line_refuses_control_and_bidi_characters(value):
    with pytest.raises(ValidationError):
        validate_single_line(value)


@pytest.mark.parametrize("value", ["Clean air now", "Água para todos — já!", "قانون المياه", "水を守ろう", ""])
def test_single_line_accepts_ordinary_text_in_any_script(value):
    validate_single_line(value)


def test_no_bidi_allows_line_breaks_but_not_direction_overrides():
    validate_no_bidi("line one\nline two")
    with pytest.raises(ValidationError):
        validate_no_bidi("https://example.org/\u202egnp.exe")


def test_one_line_flattens_whatever_is_stored():
    assert one_line(" Rally\r\nBcc: x\u202e\t\x00end ") == "Rally Bcc: x end"
    assert one_line("a" * 300, limit=10) == "aaaaaaaaa…"


# --- Forms and serializers use them --------------------------------------------------------------
def _form_cases():
    from campaigns.forms import CampaignForm, SignatureForm, UpdateForm
    from causeweb.accounts.forms import ProfileForm
    from communities.forms import AnnouncementForm, GroupForm, InvitationForm, ThreadForm
    from events.forms import CancelForm, EventForm, MessageForm, RSVPForm, WalkInForm
    from fundraising.forms import DonationForm

    return [
        (CampaignForm, "title"),
        (CampaignForm, "location"),
        (UpdateForm, "title"),
        (SignatureForm, "name"),
        (ProfileForm, "display_name"),
        (GroupForm, "name"),
        (ThreadForm, "title"),
        (AnnouncementForm, "subject"),
        (InvitationForm, "note"),
        (EventForm, "title"),
        (EventForm, "venue_name"),
        (EventForm, "city"),
        (RSVPForm, "name"),
        (WalkInForm, "name"),
        (MessageForm, "subject"),
        (CancelForm, "reason"),
        (DonationForm, "donor_name"),
    ]


def _bound(form_class, data):
    import inspect

    params = inspect.signature(form_class.__init__).parameters
    kwargs = {}
    if "event" in params:
        from tests.events.factories import EventFactory

        kwargs["event"] = EventFactory()
    if "campaign" in params:
        from tests.factories import CampaignFactory

        kwargs["campaign"] = CampaignFactory()
    if "currency" in params:
        kwargs["currency"] = "EUR"
    return form_class(data=data, **kwargs)


@pytest.mark.parametrize("value", ["Hello\r\nBcc: all@example.org", "Hello\rthere", "\u202eHello"])
@pytest.mark.parametrize("index", range(17))
def test_one_line_form_fields_refuse_line_breaks(index, value):
    form_class, field = _form_cases()[index]
    form = _bound(form_class, {field: value})
    assert not form.is_valid()
    codes = [error.code for error in form.errors.as_data().get(field, [])]
    assert codes and set(codes) & {"control_character", "bidi_control"}, (form_class.__name__, field, form.errors)


def test_online_url_refuses_bidi_controls():
    from events.forms import EventForm

    form = EventForm(data={"online_url": "https://example.org/\u202egnp.exe"})
    assert not form.is_valid()
    assert "online_url" in form.errors


@pytest.fixture
def api_client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_api_thread_title_with_cr_is_a_400_field_error(api_client, user):
    from tests.communities.factories import GroupFactory

    group = GroupFactory(owner=user)
    response = api_client.post(
        f"/api/v1/groups/{group.slug}/threads/", {"title": "Hi\rBcc: x", "body": "b"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "title" in response.json()["errors"]


def test_api_signature_name_with_crlf_is_a_400(api_client):
    from campaigns.models import Signature
    from tests.factories import CampaignFactory

    campaign = CampaignFactory()
    response = api_client.post(
        f"/api/v1/campaigns/{campaign.slug}/sign/", {"name": "A\r\nB"}, content_type="application/json"
    )
    assert response.status_code == 400 and "name" in response.json()["errors"]
    assert not Signature.objects.exists()


# --- Email subjects are safe whatever is stored -------------------------------------------------------
@pytest.mark.parametrize("title", ["Your RSVP\r\nBcc: all@example.org", "Going\rto", "Going\nto", "\u202eRSVP\x00"])
def test_email_subject_is_one_line_whatever_the_title(title, user):
    if "\x00" in title and connection.vendor == "postgresql":
        title = title.replace("\x00", "\x07")  # PostgreSQL cannot store NUL at all; another control character instead
    from causeweb.notifications.delivery import build_message
    from tests.notifications.factories import NotificationFactory

    notification = NotificationFactory(recipient=user, email=user.email, title=title)
    message = build_message(notification)
    assert "\r" not in message.subject and "\n" not in message.subject
    assert "\u202e" not in message.subject
    rendered = message.message()  # raised BadHeaderError before: the email was never sent
    assert rendered["Subject"].count("Bcc") <= 1 and "Bcc" not in rendered


# --- ICS ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("title", ["Party\rSTATUS:CANCELLED", "Party\nSTATUS:CANCELLED", "Party\r\nSTATUS:CANCELLED"])
def test_event_ics_line_break_in_title_cannot_add_a_property(client, title):
    from tests.events.factories import EventFactory

    event = EventFactory(title=title)
    body = client.get(f"/events/{event.slug}/event.ics").content.decode()
    lines = body.split("\r\n")
    assert not any(line.startswith("STATUS:CANCELLED") for line in lines)
    assert [line for line in lines if line.startswith("STATUS:")] == ["STATUS:CONFIRMED"]
    assert "\r" not in body.replace("\r\n", "") and "\n" not in body.replace("\r\n", "")
    assert "SUMMARY:Party\\nSTATUS:CANCELLED" in body


def test_calendar_feed_escapes_every_property():
    from events.calendar import calendar_ics
    from tests.events.factories import EventFactory

    event = EventFactory(title="A\rB", venue_name="Hall\rGEO:0;0", address="", city="X\x0bY")
    body = calendar_ics([event], name="Mine\rMETHOD:CANCEL")
    lines = body.split("\r\n")
    assert not any(line.startswith(("METHOD:CANCEL", "GEO:0")) for line in lines)
    assert "\x0b" not in body
    assert "\r" not in body.replace("\r\n", "")


# --- Online links show their host -------------------------------------------------------------------
def test_online_link_shows_its_host_to_the_host(client):
    from tests.events.factories import EventFactory
    from tests.factories import UserFactory

    host = UserFactory()
    event = EventFactory(host=host, online_url="https://zoom.us/j/123")
    client.force_login(host)
    body = client.get(f"/events/{event.slug}/").content.decode()
    assert "Join online (zoom.us)" in body


def test_link_host_filter():
    from causeweb.core.templatetags.causeweb import link_host

    assert link_host("https://zoom.us/j/1") == "zoom.us"
    assert link_host("https://bücher.example/x") == "xn--bcher-kva.example"
    assert link_host("not a url") == ""


# --- Markdown images -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source",
    [
        "![pixel](https://tracker.example/p.gif)",
        "![pixel](//tracker.example/media/p.gif)",
        '<img src="https://tracker.example/p.gif" alt="x">',
        "![pixel](http://127.0.0.1:8000.tracker.example/media/p.gif)",
        "![pixel](/media/../static/p.gif)",
        "![pixel](/media/%2e%2e/static/p.gif)",
        "![pixel](/static/p.gif)",
    ],
)
def test_markdown_drops_remote_images(source):
    from causeweb.core.markdown import render_markdown

    html = str(render_markdown(source))
    assert "<img" not in html or "src=" not in html


def test_markdown_remote_image_becomes_a_link():
    from causeweb.core.markdown import render_markdown

    html = str(render_markdown("![the plan](https://example.org/plan.png)"))
    assert "<img" not in html
    assert 'href="https://example.org/plan.png"' in html and ">the plan</a>" in html


@pytest.mark.parametrize("src", ["/media/covers/a.jpg", "http://127.0.0.1:8000/media/a.jpg"])
def test_markdown_keeps_our_own_media_images(src, settings):
    from causeweb.core.markdown import render_markdown

    settings.SITE_URL = "http://127.0.0.1:8000"
    html = str(render_markdown(f"![ours]({src})"))
    assert f'src="{src}"' in html


def test_markdown_images_from_a_media_host(settings):
    from causeweb.core.markdown import render_markdown

    settings.MEDIA_URL = "https://media.causeweb.example/m/"
    assert 'src="https://media.causeweb.example/m/a.png"' in str(
        render_markdown("![x](https://media.causeweb.example/m/a.png)")
    )
    assert "<img" not in str(render_markdown("![x](https://media.causeweb.example/other/a.png)"))
