""" "Keep me updated about this campaign" on donating and pledging: unticked unless the setting
says consent may be preticked; a paid donor or a backer who ticked it gets the organizer's
updates (guests too, once their donation is paid); one who did not, or whose payment never
went through, gets nothing."""

import pytest
from django.core import mail
from django.urls import reverse

from campaigns.services.updates import campaign_update_create
from fundraising import gateway
from fundraising.models import Donation
from fundraising.services import transitions
from fundraising.services.pledges import pledge_create
from tests.factories import UserFactory
from tests.fundraising.factories import DonationFactory

pytestmark = pytest.mark.django_db


def _paid(campaign, **kwargs):
    donation = DonationFactory(campaign=campaign, **kwargs)
    transitions.donation_mark_succeeded(donation_id=donation.pk, payment_intent_id=f"pi_keep_{donation.pk}")
    return donation


def _update(campaign, capture):
    mail.outbox.clear()
    with capture(execute=True):
        campaign_update_create(campaign=campaign, author=campaign.organizer, title="We met the mayor", body="News.")
    return sorted(address for message in mail.outbox for address in message.to)


def _box(html: str) -> str:
    return next(line for line in html.splitlines() if 'name="keep_updated"' in line)


def test_donate_form_offers_it_unticked_unless_the_setting_preticks(client, campaign, settings):
    url = reverse("fundraising:donate", kwargs={"slug": campaign.slug})
    html = client.get(url).content.decode()
    assert "Keep me updated about this campaign by email" in html and "checked" not in _box(html)
    settings.SUPPORTER_UPDATES_PRETICKED = True
    assert "checked" in _box(client.get(url).content.decode())


def test_the_donate_form_records_the_choice(client, campaign, monkeypatch):
    monkeypatch.setattr(gateway, "customer_create", lambda **kwargs: "cus_keep")
    monkeypatch.setattr(
        gateway, "setup_intent_create", lambda **kwargs: {"id": "seti_keep", "client_secret": "seti_keep_secret"}
    )
    url = reverse("fundraising:start", kwargs={"slug": campaign.slug})
    base = {"amount": "25.00", "donor_name": "Ada", "visibility": "name", "message": ""}
    assert client.post(url, {**base, "email": "yes@example.org", "keep_updated": "on"}).status_code == 200
    assert client.post(url, {**base, "email": "no@example.org"}).status_code == 200
    assert dict(Donation.objects.values_list("email", "keep_updated")) == {
        "yes@example.org": True,
        "no@example.org": False,
    }


def test_paid_donors_who_ticked_it_get_updates_guests_and_accounts(campaign, django_capture_on_commit_callbacks):
    member = UserFactory()
    _paid(campaign, email="guest@example.org", keep_updated=True)
    _paid(campaign, donor=member, email=member.email, keep_updated=True)
    _paid(campaign, email="quiet@example.org", keep_updated=False)
    DonationFactory(campaign=campaign, email="unpaid@example.org", keep_updated=True)  # never paid
    assert _update(campaign, django_capture_on_commit_callbacks) == sorted(["guest@example.org", member.email])


def test_a_backer_who_ticked_it_gets_updates_once_the_card_is_saved(campaign, django_capture_on_commit_callbacks):
    from fundraising.models import Pledge

    campaign.funding_model = "all_or_nothing"
    backer, quiet = UserFactory(), UserFactory()
    pledge = Pledge.objects.create(
        campaign=campaign,
        backer=backer,
        backer_name="B",
        email=backer.email,
        amount_minor=2000,
        currency=campaign.currency,
        keep_updated=True,
        state=Pledge.State.SETTING_UP,
    )
    Pledge.objects.create(
        campaign=campaign,
        backer=quiet,
        backer_name="Q",
        email=quiet.email,
        amount_minor=2000,
        currency=campaign.currency,
        keep_updated=False,
        state=Pledge.State.ACTIVE,
    )
    assert _update(campaign, django_capture_on_commit_callbacks) == []  # card not saved yet
    Pledge.objects.filter(pk=pledge.pk).update(state=Pledge.State.ACTIVE)
    assert _update(campaign, django_capture_on_commit_callbacks) == [backer.email]


def test_pledge_create_keeps_the_choice(campaign, monkeypatch):
    from fundraising import rules

    monkeypatch.setattr(rules, "campaign_accepts_pledges", lambda campaign: True)
    backer = UserFactory()
    pledge = pledge_create(campaign=campaign, actor=backer, amount_minor=2000, keep_updated=True)
    assert pledge.keep_updated is True
    again = pledge_create(campaign=campaign, actor=backer, amount_minor=3000, keep_updated=False)
    assert again.pk == pledge.pk and again.keep_updated is False
