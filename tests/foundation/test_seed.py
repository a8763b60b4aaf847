import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from causeweb.accounts.models import User
from communities.models import GroupCampaign


def row_counts() -> dict[str, int]:
    local_labels = {app.split(".")[-1] for app in settings.LOCAL_APPS}
    return {
        model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.app_label in local_labels
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_creates_the_admin():
    call_command("seed_demo", stdout=io.StringIO())
    first = row_counts()
    admin = User.objects.get(email="admin@causeweb.local")
    assert admin.is_superuser and admin.check_password("causeweb-demo")
    assert first["accounts.User"] >= 2

    call_command("seed_demo", stdout=io.StringIO())
    assert row_counts() == first


@pytest.mark.django_db
def test_demo_groups_back_campaigns_of_their_own_cause_or_city():
    call_command("seed_demo", stdout=io.StringIO())
    links = list(GroupCampaign.objects.select_related("group", "campaign"))
    assert links
    for link in links:
        group, campaign = link.group, link.campaign
        assert campaign.cause_id == group.cause_id or group.location.lower() in campaign.location.lower(), (
            f"{group.name} backs unrelated {campaign.title}"
        )
    assert len({link.campaign_id for link in links}) > 2  # not every group the same two
