"""Petition delivery: decision-makers, the CSV file (the PDF: test_delivery_pdf.py) that respects each
signer's display choice, the email to the decision-maker, the recorded answer, and a won campaign
(badge, list filter, supporters who opted in told; others not)."""

import csv
import io

import pytest
from django.core import mail
from django.core.cache import cache

from campaigns.models import PetitionDelivery
from campaigns.services.delivery import (
    campaign_mark_won,
    decision_maker_add,
    petition_csv,
    petition_deliver,
    petition_response_record,
)
from campaigns.services.signatures import signature_confirm, signature_confirm_token, signature_create
from causeweb.core.exceptions import PermissionDenied, ValidationError
from tests.campaigns.factories import CampaignFactory, FollowFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _sign(campaign, name, email, *, public=True, comment="", keep_updated=False):
    signature = signature_create(
        campaign=campaign, name=name, email=email, is_public=public, comment=comment, keep_updated=keep_updated
    )
    signature_confirm(token=signature_confirm_token(signature))
    return signature


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_petition_file_respects_anonymity_and_holds_no_addresses(campaign):
    _sign(campaign, "Ana Public", "ana@example.org", comment="For my kids")
    _sign(campaign, "Secret Sam", "sam@example.org", public=False, comment="Please act")
    unconfirmed = signature_create(campaign=campaign, name="Not Yet", email="later@example.org")
    rows = _rows(petition_csv(campaign=campaign))
    assert rows[0] == ["name", "comment", "signed_on"]
    assert [row[:2] for row in rows[1:]] == [["Ana Public", "For my kids"], ["Anonymous", "Please act"]]
    text = petition_csv(campaign=campaign).decode("utf-8-sig")
    assert "Secret Sam" not in text and "@" not in text and unconfirmed.name not in text


def test_cells_that_look_like_formulas_are_defused(campaign):
    _sign(campaign, '=HYPERLINK("http://evil")', "f@example.org")
    assert _rows(petition_csv(campaign=campaign))[1][0].startswith("'=")


def test_delivering_emails_the_file_to_the_decision_maker(campaign, user, django_capture_on_commit_callbacks):
    _sign(campaign, "Secret Sam", "sam@example.org", public=False)
    mayor = decision_maker_add(
        campaign=campaign, actor=user, name="Carlos Moedas", role="Mayor", email="mayor@example.org"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = petition_deliver(
            campaign=campaign, decision_maker=mayor, actor=user, note="We ask you to act.", file_format="csv"
        )
    [email] = mail.outbox
    assert email.to == ["mayor@example.org"] and "(1 signature)" in email.subject
    assert "We ask you to act." in email.body
    filename, content, mimetype = email.attachments[0]
    assert filename == f"petition-{campaign.slug}.csv" and mimetype == "text/csv"
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    assert "Anonymous" in text and "Secret Sam" not in text
    delivery.refresh_from_db()
    assert delivery.emailed_at is not None and delivery.signature_count == 1


def test_a_rerun_of_the_delivery_task_mails_nothing_twice(campaign, user, django_capture_on_commit_callbacks):
    from campaigns.tasks import deliver_petition

    mayor = decision_maker_add(campaign=campaign, actor=user, name="Mayor", email="mayor@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        delivery = petition_deliver(campaign=campaign, decision_maker=mayor, actor=user)
    mail.outbox.clear()
    assert deliver_petition(delivery.pk) is False
    assert mail.outbox == []


def test_without_an_address_the_delivery_is_recorded_for_hand_delivery(campaign, user):
    minister = decision_maker_add(campaign=campaign, actor=user, name="The Minister", role="Environment")
    delivery = petition_deliver(campaign=campaign, decision_maker=minister, actor=user)
    assert delivery.emailed_to == "" and mail.outbox == []


def test_only_the_organizer_names_and_delivers(campaign, user):
    with pytest.raises(PermissionDenied):
        decision_maker_add(campaign=campaign, actor=UserFactory(), name="X")
    with pytest.raises(ValidationError):
        decision_maker_add(campaign=campaign, actor=user, name="")
    with pytest.raises(ValidationError):
        decision_maker_add(campaign=campaign, actor=user, name="X", email="not-an-address")
    mayor = decision_maker_add(campaign=campaign, actor=user, name="Mayor")
    with pytest.raises(PermissionDenied):
        petition_deliver(campaign=campaign, decision_maker=mayor, actor=UserFactory())
    other = CampaignFactory(organizer=user)
    with pytest.raises(ValidationError):
        petition_deliver(campaign=other, decision_maker=mayor, actor=user)


def test_a_yes_marks_the_campaign_won_and_tells_opted_in_supporters_only(
    client, campaign, user, django_capture_on_commit_callbacks
):
    _sign(campaign, "Keen", "keen@example.org", keep_updated=True)
    _sign(campaign, "Quiet", "quiet@example.org", keep_updated=False)
    follower = FollowFactory(campaign=campaign).user
    mayor = decision_maker_add(campaign=campaign, actor=user, name="Mayor")
    delivery = petition_deliver(campaign=campaign, decision_maker=mayor, actor=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        petition_response_record(delivery=delivery, actor=user, response="Yes, the park stays.", won=True)
    campaign.refresh_from_db()
    assert campaign.won_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["keen@example.org", follower.email])
    assert all("we won" in m.subject for m in mail.outbox)
    assert PetitionDelivery.objects.get().response == "Yes, the park stays."
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_mark_won(campaign=campaign, actor=user)  # again: nobody is told twice
    assert mail.outbox == []
    CampaignFactory(title="Still going")
    listing = client.get("/campaigns/", {"status": "won"}).content.decode()
    assert campaign.title in listing and "Still going" not in listing and "badge-won" in listing
    assert "badge-won" in client.get(campaign.get_absolute_url()).content.decode()


def test_delivery_pages(client, campaign, user, django_capture_on_commit_callbacks):
    _sign(campaign, "Ana", "ana@example.org")
    client.force_login(user)
    base = f"/campaigns/{campaign.slug}/delivery/"
    assert client.get(base).status_code == 200
    client.post(base, {"name": "Mayor", "role": "City", "email": "mayor@example.org"})
    mayor = campaign.decision_makers.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{base}{mayor.pk}/deliver/", {"note": ""}).status_code == 302
    delivery = PetitionDelivery.objects.get()
    response = client.post(f"{base}response/{delivery.pk}/", {"response": "We will consider it."})
    assert response.status_code == 302
    assert campaign.__class__.objects.get(pk=campaign.pk).won_at is None
    download = client.get(f"{base}petition.csv")
    assert download["Content-Type"].startswith("text/csv") and b"Ana" in download.content
    client.force_login(UserFactory())
    assert client.get(base).status_code == 404
    assert client.get(f"{base}petition.csv").status_code == 404
