"""Reach, the rest of the loop, in headless Chromium on desktop and phone: a visitor shares an
event, the link's preview card renders from the page's Open Graph tags as a chat app's crawler
reads them (the crawler is not counted, the friend who follows the link is), the friend RSVPs
asking to be kept updated, and the organizer's message reaches them with a tracked link that
brings them back to the campaign."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from campaigns.models import CampaignMessage, ShareLink
from campaigns.services import messages as campaign_messages
from events.models import RSVP
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
WHATSAPP_CRAWLER = "WhatsApp/2.23.20.0 A"


def _meta(page, name: str) -> str:
    return page.locator(f"meta[property='{name}']").first.get_attribute("content") or ""


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_share_an_event_see_its_preview_rsvp_and_get_the_organizers_message(
    browser, live_server, artifacts_dir, settings, device
):
    settings.SITE_URL = live_server.url
    organizer = UserFactory(display_name="Olu Organizer")
    campaign = CampaignFactory(organizer=organizer, title="Clean the Tagus")
    event = EventFactory(host=organizer, campaign=campaign, title="Tagus river clean-up", city="Lisbon")

    # 1. A visitor opens the event and takes its WhatsApp share link (a tracked /s/ link).
    sharer = browser.new_context(**VIEWPORTS[device])
    page = sharer.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}{event.get_absolute_url()}")
    whatsapp = page.locator(".share-buttons a.share-whatsapp").get_attribute("href")
    shared_text = parse_qs(urlsplit(whatsapp).query)["text"][0]
    share_url = re.search(r"https?://\S+/s/\S+", shared_text).group(0)
    assert "via=whatsapp" in share_url
    link = ShareLink.objects.get(code=urlsplit(share_url).path.rstrip("/").rsplit("/", 1)[-1])
    assert link.target == event
    assert link.click_count == 0

    # 2. The chat app's crawler fetches the link: it gets the tags, and is not counted as a visit.
    crawler = browser.new_context(user_agent=WHATSAPP_CRAWLER)
    crawl = crawler.new_page()
    crawl.goto(share_url)
    title, image = _meta(crawl, "og:title"), _meta(crawl, "og:image")
    description = _meta(crawl, "og:description")
    assert "Tagus river clean-up" in title and image.startswith(live_server.url)
    link.refresh_from_db()
    assert link.click_count == 0

    # ...and the preview card drawn from those tags shows the generated image (a real PNG).
    card = crawler.new_page()
    card.set_content(
        "<article style='width:360px;font-family:sans-serif;border:1px solid #ccc'>"
        f"<img id='preview' src='{image}' style='width:100%' alt=''>"
        f"<h3 style='margin:8px'>{title}</h3><p style='margin:8px'>{description}</p></article>"
    )
    card.wait_for_load_state("load")
    assert card.locator("#preview").evaluate("img => img.complete && img.naturalWidth") >= 600
    card.screenshot(path=str(artifacts_dir / f"reach-share-{device}-1-preview-card.png"))
    crawler.close()

    # 3. The friend follows the link (counted once), RSVPs as a guest and asks for news.
    friend = browser.new_context(**VIEWPORTS[device])
    visit = friend.new_page()
    visit.on("pageerror", lambda exc: errors.append(str(exc)))
    visit.goto(share_url)
    visit.wait_for_url(re.compile(rf".*{re.escape(event.get_absolute_url())}.*"))
    link.refresh_from_db()
    assert link.click_count == 1
    email = f"friend.{device}@example.org"
    mail.outbox.clear()
    visit.fill("#id_name", "Fatima Friend")
    visit.fill("#id_email", email)
    visit.check("#id_keep_updated")
    visit.get_by_role("button", name="I'm going").click()
    visit.wait_for_url(re.compile(r".*/events/rsvp/.+"))
    assert RSVP.objects.filter(event=event, email=email, status=RSVP.Status.GOING).exists()
    # A guest's address is written to only once they confirm it from the RSVP email.
    (confirmation,) = [m for m in mail.outbox if email in m.to]
    found = re.search(r"https?://\S+/rsvp/\S+/confirm/", confirmation.body)
    assert found, confirmation.body
    visit.goto(found.group(0))
    visit.get_by_role("button", name="Confirm my RSVP").click()  # a GET only asks: mail scanners follow links
    visit.wait_for_url(re.compile(r".*/events/rsvp/[^/]+/$"))
    assert RSVP.objects.get(event=event, email=email).email_confirmed_at is not None

    # 4. The organizer writes to the event's RSVPs; the friend's email carries a tracked link.
    mail.outbox.clear()
    draft = campaign_messages.campaign_message_create(
        campaign=campaign,
        author=organizer,
        segment=f"rsvps:{event.pk}",
        subject="Bring gloves",
        body="We start at the pier at 10. **Bring gloves.**",
    )
    sent = campaign_messages.campaign_message_send(message=draft, actor=organizer)
    assert sent.recipient_count == 1
    (delivered,) = [m for m in mail.outbox if email in m.to]
    assert "Bring gloves" in delivered.subject
    opened = re.search(r"https?://\S+/m/\d+/\S*", delivered.body).group(0)
    visit.goto(opened)
    visit.wait_for_url(re.compile(rf".*{re.escape(campaign.get_absolute_url())}.*"))
    assert "Clean the Tagus" in visit.locator("h1").inner_text()
    assert CampaignMessage.objects.get(pk=draft.pk).click_count == 1
    visit.screenshot(path=str(artifacts_dir / f"reach-share-{device}-2-back-from-the-message.png"), full_page=True)

    assert errors == []
    sharer.close()
    friend.close()
