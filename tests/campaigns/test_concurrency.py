"""Concurrent signatures on PostgreSQL: many connections at once never double count."""

import threading

import pytest
from django.db import close_old_connections, connection

from campaigns.models import Campaign, Signature
from campaigns.services.sharing import share_link_get_or_create
from campaigns.services.signatures import signature_confirm, signature_confirm_token, signature_create
from causeweb.core.exceptions import Conflict
from tests.campaigns.factories import CampaignFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_in_threads(count, target):
    barrier = threading.Barrier(count)
    outcomes, lock = [], threading.Lock()

    def worker(index):
        try:
            barrier.wait(timeout=10)
            result = target(index)
        except Exception as exc:  # collected and asserted on below
            result = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return outcomes


def test_same_email_signing_concurrently_counts_once():
    campaign = CampaignFactory()
    user = UserFactory()

    def sign(_index):
        return signature_create(campaign=campaign, user=user, name="Racer")

    outcomes = _run_in_threads(8, sign)
    successes = [o for o in outcomes if isinstance(o, Signature)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(successes) == 1 and len(conflicts) == 7, outcomes
    campaign.refresh_from_db()
    assert campaign.signature_count == 1 == Signature.objects.filter(campaign=campaign).count()


def test_many_people_signing_concurrently_are_all_counted():
    campaign = CampaignFactory()
    users = [UserFactory() for _ in range(12)]

    outcomes = _run_in_threads(12, lambda i: signature_create(campaign=campaign, user=users[i], name=""))
    assert all(isinstance(o, Signature) for o in outcomes), outcomes
    campaign.refresh_from_db()
    assert campaign.signature_count == 12 == Signature.objects.filter(campaign=campaign).count()


def test_guest_confirming_twice_concurrently_counts_once():
    campaign = CampaignFactory()
    signature = signature_create(campaign=campaign, name="Ana", email="ana@example.org")
    token = signature_confirm_token(signature)
    outcomes = _run_in_threads(6, lambda _i: signature_confirm(token=token))
    assert all(isinstance(o, Signature) for o in outcomes), outcomes
    assert Campaign.objects.get(pk=campaign.pk).signature_count == 1


def test_concurrent_share_link_creation_yields_one_link():
    campaign = CampaignFactory()
    outcomes = _run_in_threads(6, lambda _i: share_link_get_or_create(campaign=campaign))
    assert len({o.pk for o in outcomes}) == 1, outcomes
