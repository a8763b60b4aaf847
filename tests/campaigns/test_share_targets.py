"""Campaigns' share links pointing at another app's page (the generic target)."""

import pytest
from django.db import IntegrityError

from campaigns.hooks import share_link_targets
from campaigns.models import Cause, ShareLink
from campaigns.services.sharing import share_link_get_or_create_for_target
from causeweb.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def test_a_model_no_app_answers_for_cannot_be_a_share_target():
    cause = Cause.objects.create(name="Water", slug="water")
    with pytest.raises(ValidationError):
        share_link_get_or_create_for_target(target=cause)
    assert not ShareLink.objects.exists()


def test_a_target_its_app_refuses_is_not_shared_and_its_links_stop_working(client):
    cause = Cause.objects.create(name="Water", slug="water")
    cause.get_absolute_url = lambda: "/water/"
    share_link_targets.register("test-causes", lambda *, target: True if isinstance(target, Cause) else None)
    try:
        link = share_link_get_or_create_for_target(target=cause)
        assert share_link_get_or_create_for_target(target=cause) == link
        share_link_targets.register("test-causes", lambda *, target: False if isinstance(target, Cause) else None)
        assert client.get(f"/s/{link.code}", HTTP_USER_AGENT="Phone").status_code == 404
        with pytest.raises(ValidationError):
            share_link_get_or_create_for_target(target=cause)
    finally:
        share_link_targets.unregister("test-causes")


def test_a_share_link_has_a_campaign_or_a_target_never_neither():
    with pytest.raises(IntegrityError):
        ShareLink.objects.create(code="abcdefg")
