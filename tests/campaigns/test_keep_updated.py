""" "Keep me updated about this campaign": opted-in signers (guests too, once confirmed) get the
organizer's updates with one-click unsubscribe; nobody who did not opt in is emailed."""

import pytest
from django.core import mail
from django.urls import reverse

from campaigns.models import Signature
from campaigns.services.signatures import signature_confirm, signature_confirm_token, signature_create
from campaigns.services.updates import campaign_update_create
from causeweb.notifications.kinds import Kind
from causeweb.notifications.models import GuestOptOut, Notification
from tests.campaigns.factories import CampaignFactory, FollowFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post_update(campaign, author, capture, title="We met the mayor"):
    mail.outbox.clear()
    with capture(execute=True):
        return campaign_update_create(campaign=campaign, author=author, title=title, body="News.")


def _guest_signs(campaign, email, *, keep_updated, confirm=True):
    signature = signature_create(campaign=campaign, name="Gia Guest", email=email, keep_updated=keep_updated)
    if confirm:
        signature_confirm(token=signature_confirm_token(signature))
    return signature


def sign_form_html(client, campaign) -> str:
    """A visitor's sign form loads as a fragment of the campaign page (causeweb/core/page_cache.py)."""
    url = reverse("campaigns:sign_form", kwargs={"slug": campaign.slug})
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_sign_form_offers_keep_updated_unticked_by_default(client, campaign):
    html = sign_form_html(client, campaign)
    box = next(line for line in html.splitlines() if 'name="keep_updated"' in line)
    assert "checked" not in box
    assert "Keep me updated about this campaign by email" in html


def test_setting_can_pretick_it_where_the_law_allows(client, campaign, settings):
    settings.SUPPORTER_UPDATES_PRETICKED = True
    html = sign_form_html(client, campaign)
    box = next(line for line in html.splitlines() if 'name="keep_updated"' in line)
    assert "checked" in box


def test_signing_form_records_the_choice(client, campaign):
    client.post(
        reverse("campaigns:sign", kwargs={"slug": campaign.slug}),
        {"name": "Ana", "email": "ana@example.org", "keep_updated": "on", "is_public": "on"},
    )
    client.post(reverse("campaigns:sign", kwargs={"slug": campaign.slug}), {"name": "Bo", "email": "bo@example.org"})
    assert dict(Signature.objects.values_list("email", "keep_updated")) == {
        "ana@example.org": True,
        "bo@example.org": False,
    }


def test_opted_in_guest_gets_the_update_and_unsubscribes_with_one_click(
    client, campaign, user, django_capture_on_commit_callbacks
):
    _guest_signs(campaign, "gia@example.org", keep_updated=True)
    _post_update(campaign, user, django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if "gia@example.org" in m.to]
    assert "We met the mayor" in message.subject
    unsubscribe_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert client.post(unsubscribe_url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert GuestOptOut.objects.filter(email="gia@example.org", kind=Kind.CAMPAIGN_UPDATE).exists()
    _post_update(campaign, user, django_capture_on_commit_callbacks, title="Second")
    assert not [m for m in mail.outbox if "gia@example.org" in m.to]


def test_signers_who_did_not_opt_in_or_never_confirmed_get_nothing(campaign, user, django_capture_on_commit_callbacks):
    _guest_signs(campaign, "quiet@example.org", keep_updated=False)
    _guest_signs(campaign, "unconfirmed@example.org", keep_updated=True, confirm=False)
    member = UserFactory()
    signature_create(campaign=campaign, user=member, name="", keep_updated=False)
    _post_update(campaign, user, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not Notification.objects.filter(kind=Kind.CAMPAIGN_UPDATE).exists()


def test_opted_in_account_gets_it_once_even_when_also_following(campaign, user, django_capture_on_commit_callbacks):
    member = UserFactory()
    signature_create(campaign=campaign, user=member, name="", keep_updated=True)
    FollowFactory(campaign=campaign, user=member)
    signature_create(campaign=campaign, user=user, name="", keep_updated=True)  # the author: not notified
    _post_update(campaign, user, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_guest_address_that_is_also_a_follower_account_gets_one_email(
    campaign, user, django_capture_on_commit_callbacks
):
    follower = FollowFactory(campaign=campaign).user
    _guest_signs(campaign, follower.email.upper(), keep_updated=True)
    _post_update(campaign, user, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[follower.email]]


def test_updates_go_to_other_campaigns_opt_ins_never(campaign, user, django_capture_on_commit_callbacks):
    other = CampaignFactory(organizer=user, cause=campaign.cause)
    _guest_signs(other, "elsewhere@example.org", keep_updated=True)
    _post_update(campaign, user, django_capture_on_commit_callbacks)
    assert mail.outbox == []
