"""One registration per content type: flaggable when registered, hideable when hide/restore given."""

import pytest

from causeweb.moderation import policies, registry
from tests.events.factories import EventFactory
from tests.factories import CampaignFactory, UserFactory


@pytest.fixture
def clean_registry():
    previous = dict(registry._registry)
    yield
    registry._registry.clear()
    registry._registry.update(previous)


def test_the_apps_register_one_list():
    assert registry.flaggable_labels() >= {
        "campaigns.campaign",
        "campaigns.comment",
        "communities.group",
        "communities.post",
        "communities.thread",
        "events.event",
    }
    # Everything that can be hidden can be flagged: one list, not two that drift apart.
    assert registry.hideable_labels() <= registry.flaggable_labels()
    # One queue over all content: every registered type can be hidden and restored from it.
    assert registry.hideable_labels() == registry.flaggable_labels()


def test_hide_and_restore_come_together(clean_registry):
    with pytest.raises(ValueError):
        registry.register_moderatable("tests.thing", can_view=lambda target, user: True, hide=lambda *a, **k: None)
    with pytest.raises(TypeError):
        registry.register_moderatable("tests.thing", hide=lambda *a, **k: None, restore=lambda *a, **k: None)
    assert "tests.thing" not in registry.flaggable_labels()


@pytest.mark.django_db
def test_policies_ask_the_registry(clean_registry):
    campaign, event, person = CampaignFactory(), EventFactory(), UserFactory()
    assert policies.is_flaggable("Campaigns.Campaign")
    assert not policies.is_flaggable("accounts.user")
    assert policies.can_flag(person, campaign) and policies.can_hide_from_flag_queue(campaign)
    assert policies.can_flag(person, event) and policies.can_hide_from_flag_queue(event)
    registry.register_moderatable("events.event", can_view=lambda target, user: True)
    assert policies.can_flag(person, event) and not policies.can_hide_from_flag_queue(event)
    registry.register_moderatable("campaigns.campaign", can_view=lambda target, user: False)
    assert not policies.can_flag(person, campaign)  # the app's own rule decides, nothing else
    assert not policies.can_hide_from_flag_queue(campaign)
    registry._registry.pop("campaigns.campaign")
    assert not policies.is_flaggable("campaigns.campaign") and not policies.can_flag(person, campaign)
