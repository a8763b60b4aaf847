from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import tasks
from campaigns.models import Campaign
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_close_expired_task_closes_past_deadline_and_is_idempotent():
    past = CampaignFactory(deadline=timezone.now() - timedelta(minutes=5))
    CampaignFactory(deadline=timezone.now() + timedelta(days=1))
    assert tasks.close_expired_campaigns.delay().get() == 1
    assert tasks.close_expired_campaigns.delay().get() == 0
    assert Campaign.objects.get(pk=past.pk).status == Campaign.Status.CLOSED


def test_beat_schedule_registers_the_task():
    from causeweb.celery import app

    app.finalize()
    assert app.conf.beat_schedule["campaigns-close-expired"]["task"] == tasks.close_expired_campaigns.name


def test_purge_forgets_only_long_unconfirmed_guest_signatures():
    from campaigns.models import Signature
    from tests.campaigns.factories import SignatureFactory

    campaign = CampaignFactory()
    old_unconfirmed = SignatureFactory(campaign=campaign, confirmed_at=None)
    fresh_unconfirmed = SignatureFactory(campaign=campaign, confirmed_at=None)
    old_confirmed = SignatureFactory(campaign=campaign)
    Signature.objects.filter(pk__in=[old_unconfirmed.pk, old_confirmed.pk]).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    assert tasks.purge_unconfirmed_signatures.delay().get() == 1
    assert tasks.purge_unconfirmed_signatures.delay().get() == 0
    assert set(Signature.objects.values_list("pk", flat=True)) == {fresh_unconfirmed.pk, old_confirmed.pk}
