"""A campaign's life in a real browser: an organizer writes it (with a cover), a moderator approves
it in the admin, a visitor arrives through a tracked share link, signs as a guest and confirms by
the emailed link; screenshots of the page on a desktop and a 390px phone are saved to look at."""

import re

import pytest
from PIL import Image

from campaigns.models import Campaign, ShareClick, Signature
from causeweb.notifications.models import Notification
from tests.campaigns.factories import CauseFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def _sign_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def test_create_approve_share_sign(live_server, browser, artifacts_dir, tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    CauseFactory(name="Climate & environment", slug="climate")
    organizer = UserFactory(email="organizer@example.org", display_name="Olivia Organizer")
    moderator = UserFactory(email="moderator@example.org", is_staff=True, is_superuser=True)
    base = live_server.url
    cover_path = tmp_path / "cover.png"
    Image.new("RGB", (1200, 675), (11, 110, 79)).save(cover_path)

    # 1. The organizer writes a campaign, previews it and submits it.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, base, organizer.email)
    page.goto(f"{base}/campaigns/new/")
    page.fill("#id_title", "Car-free Sundays on the riverside")
    page.fill("#id_summary", "Close the riverside road to cars on Sundays so families can walk, cycle and play.")
    story = "## Why\n\nThe river is our park. **Give it back** on Sundays.\n\n- Cleaner air\n- Safer play"
    page.fill("#id_story", story)
    page.select_option("#id_cause", label="Climate & environment")
    page.fill("#id_tags", "car-free, riverside")
    page.fill("#id_location", "Lisbon")
    page.fill("#id_petition_target", "250")
    page.set_input_files("#id_cover", str(cover_path))
    page.fill("#id_cover_alt", "A green riverside")
    page.click("form.campaign-form button[type=submit]")
    page.wait_for_url(re.compile(r"/campaigns/[\w-]+/preview/$"))
    assert "Preview" in page.inner_text(".preview-banner")
    assert page.is_visible("h2:has-text('Why')")
    page.click("text=Submit for review")
    page.wait_for_load_state()
    campaign = Campaign.objects.get()
    assert campaign.status == "pending_review"
    assert page.locator(".preview-banner").inner_text().count("Pending review") == 1
    context.close()

    # 2. A moderator approves it from the admin review queue.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/admin/login/?next=/admin/campaigns/pendingcampaign/")
    page.fill("#id_username", moderator.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/campaigns/pendingcampaign/"))
    page.check(f"input[name=_selected_action][value='{campaign.pk}']")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    page.wait_for_load_state()
    assert "Approved 1 campaign" in page.content()
    campaign.refresh_from_db()
    assert campaign.status == "published"
    assert Notification.objects.filter(recipient=organizer, kind="campaign_approved").exists()
    context.close()

    # 3. A visitor opens a tracked share link, signs as a guest and confirms by email.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}{campaign.get_absolute_url()}")
    share_url = page.input_value(".share-url input")
    code = re.search(r"/s/(\w+)$", share_url).group(1)
    x_href = page.get_attribute("a.share-x", "href")
    assert f"%2Fs%2F{code}%3Fvia%3Dx" in x_href
    meta_image = page.get_attribute("meta[property='og:image']", "content")
    assert meta_image.startswith("http") and "/media/campaigns/covers/" in meta_image

    visitor = browser.new_context(viewport={"width": 1280, "height": 900})
    page = visitor.new_page()
    page.goto(f"{base}/s/{code}?via=whatsapp")
    page.wait_for_url(f"{base}{campaign.get_absolute_url()}")
    page.goto(f"{base}/s/{code}?via=whatsapp")  # the same visitor again the same day
    assert ShareClick.objects.filter(share_link__code=code).count() == 1
    page.fill("#sign input[name=name]", "Vera Visitor")
    page.fill("#sign input[name=email]", "vera@example.org")
    page.fill("#sign textarea[name=comment]", "For my kids")
    page.click("#sign button[type=submit]")
    page.wait_for_load_state()
    assert "we sent a link to vera@example.org" in page.inner_text("#share")
    assert "Check your inbox to confirm your signature" in page.inner_text("#sign")
    signature = Signature.objects.get()
    assert signature.share_link.code == code and not signature.is_confirmed
    confirm_url = Notification.objects.get(kind="signature_confirm", email="vera@example.org").url
    page.goto(f"{base}{confirm_url}")
    page.click("text=Confirm my signature")
    page.wait_for_load_state()
    assert "your signature now counts" in page.inner_text("#share")
    assert "1 signed" in page.inner_text("#signature-counter").replace("\n", " ")
    assert "You signed this petition" in page.inner_text("#sign")
    campaign.refresh_from_db()
    assert campaign.signature_count == 1

    # 4. Screenshots to look at: desktop and a 390px phone.
    page.goto(f"{base}{campaign.get_absolute_url()}")
    page.screenshot(path=str(artifacts_dir / "campaign-desktop.png"), full_page=True)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True)
    phone_page = phone.new_page()
    phone_page.goto(f"{base}{campaign.get_absolute_url()}")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    phone_page.screenshot(path=str(artifacts_dir / "campaign-phone.png"), full_page=True)
    phone_page.goto(f"{base}/campaigns/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=str(artifacts_dir / "campaigns-list-phone.png"), full_page=True)
    embed = visitor.new_page()
    embed.set_viewport_size({"width": 360, "height": 240})
    embed.goto(f"{base}/campaigns/{campaign.slug}/embed/")
    embed.screenshot(path=str(artifacts_dir / "campaign-embed.png"))
    phone.close()
    visitor.close()
    context.close()
