"""Reads for the organizer's outreach pages (messages to supporters, petition delivery), split
from campaigns/selectors.py by concept. Used by campaigns' own views only."""

from campaigns.models import Campaign, CampaignMessage, DecisionMaker, PetitionDelivery


def campaign_messages(*, campaign: Campaign) -> list:
    """The organizer's messages to supporters, newest first (drafts and sent, with counts)."""
    return list(CampaignMessage.objects.filter(campaign=campaign).order_by("-created_at", "-id")[:100])


def campaign_message_get(*, campaign: Campaign, message_id: int):
    return CampaignMessage.objects.filter(campaign=campaign, pk=message_id).select_related("campaign").first()


def campaign_message_get_sent(*, slug: str, message_id: int):
    """A sent message by its campaign's slug (the tracked link in its email)."""
    return (
        CampaignMessage.objects.filter(pk=message_id, campaign__slug=slug, sent_at__isnull=False)
        .select_related("campaign")
        .first()
    )


def campaign_decision_makers(*, campaign: Campaign) -> list:
    return list(DecisionMaker.objects.filter(campaign=campaign).order_by("created_at", "id"))


def campaign_decision_maker_get(*, campaign: Campaign, decision_maker_id: int):
    return DecisionMaker.objects.filter(campaign=campaign, pk=decision_maker_id).select_related("campaign").first()


def campaign_petition_deliveries(*, campaign: Campaign) -> list:
    return list(
        PetitionDelivery.objects.filter(campaign=campaign).select_related("decision_maker").order_by("-delivered_at")
    )


def campaign_petition_delivery_get(*, campaign: Campaign, delivery_id: int):
    return PetitionDelivery.objects.filter(campaign=campaign, pk=delivery_id).select_related("campaign").first()
