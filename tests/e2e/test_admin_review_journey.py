"""A Moderator in a real browser: the admin index says what needs attention, the review queue
leads to a campaign's change page (the story rendered, the cover, the goal in money, the
organizer's record) and the Approve button on that page publishes it and tells the organizer.
Screenshots of the dashboard and the change page are saved to look at."""

import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns.models import Campaign
from causeweb.moderation.models import Flag
from causeweb.moderation.roles import ADMIN, MODERATOR
from causeweb.notifications.models import Notification
from tests.campaigns.factories import PendingCampaignFactory
from tests.factories import CampaignFactory, UserFactory, staff_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def _admin_sign_in(page, base_url, email, next_url="/admin/"):
    page.goto(f"{base_url}/admin/login/?next={next_url}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def _cover() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", (1200, 675), (11, 110, 79))
    for x in range(0, 1200, 60):  # stripes, so the screenshot shows it is an image
        image.paste((240, 200, 60), (x, 0, x + 20, 675))
    image.save(buffer, format="JPEG")
    return SimpleUploadedFile("cover.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_moderator_approves_a_campaign_from_its_change_page(live_server, browser, artifacts_dir, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MODERATION_AUTO_HIDE_FLAGS = 0
    organizer = UserFactory(email="olivia@example.org", display_name="Olivia Organizer")
    older = CampaignFactory(organizer=organizer, title="Bike lanes on Avenida", status=Campaign.Status.CLOSED)
    Flag.objects.create(
        content_type=ContentType.objects.get_for_model(Campaign),
        object_id=older.pk,
        reporter=UserFactory(),
        reason="misinformation",
        status=Flag.Status.DISMISSED,
    )
    campaign = PendingCampaignFactory(
        organizer=organizer,
        title="Car-free Sundays on the riverside",
        story="## Why\n\nThe river is our park. **Give it back** on Sundays.\n\n- Cleaner air\n- Safer play",
        goal_minor=1_250_000,
        currency="EUR",
        petition_target=2500,
        location="Lisbon",
    )
    campaign.cover.save("cover.jpg", _cover())
    PendingCampaignFactory(title="Repair the school roof")
    moderator = staff_with_role(MODERATOR, email="mo@example.org")
    admin_user = staff_with_role(ADMIN, email="admin@example.org")
    base = live_server.url

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    _admin_sign_in(page, base, moderator.email)
    panel = page.locator("#needs-attention")
    assert "Campaigns waiting for review" in panel.inner_text()
    assert "Reconciliation" not in panel.inner_text()  # a Moderator sees no money items
    page.screenshot(path=str(artifacts_dir / "admin-dashboard-moderator.png"), full_page=True)

    page.click("#needs-attention >> text=Campaigns waiting for review")
    page.wait_for_url(re.compile(r"/admin/campaigns/pendingcampaign/"))
    page.click(f"text={campaign.title}")
    page.wait_for_url(re.compile(rf"/admin/campaigns/pendingcampaign/{campaign.pk}/change/"))
    review = page.locator("#campaign-review")
    assert review.locator(".story strong").inner_text() == "Give it back"  # rendered, not Markdown
    assert "€12,500" in review.inner_text()
    assert "Bike lanes on Avenida" in review.inner_text() and "Closed" in review.inner_text()
    assert review.locator("img.cover").evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=str(artifacts_dir / "admin-campaign-review.png"), full_page=True)

    page.click("#approve-campaign")
    page.wait_for_load_state()
    assert "is live and the organizer was told" in page.inner_text(".messagelist")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PUBLISHED
    assert Notification.objects.filter(recipient=organizer, kind="campaign_approved").count() == 1
    assert page.locator("#approve-campaign").count() == 0  # nothing left to decide
    context.close()

    # The Admin role sees every area of the dashboard.
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    _admin_sign_in(page, base, admin_user.email)
    text = page.locator("#needs-attention").inner_text().lower()
    assert "money" in text and "content and people" in text and "platform" in text
    page.screenshot(path=str(artifacts_dir / "admin-dashboard-admin.png"), full_page=True)
    context.close()
