"""The organizer's choice of how a campaign raises money: keep what you raise (donations, part 1)
or all-or-nothing by the deadline (pledges, charged only if the goal is met; see pledges.py).
The choice lives on the campaign's CampaignFunding row, so the campaigns app needs no field."""

from django.db import transaction
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from fundraising import policies, rules
from fundraising.models import CampaignFunding, Donation, Pledge
from fundraising.services.transitions import _funding_ensure


@transaction.atomic
def campaign_funding_model_set(*, campaign, actor, funding_model: str) -> CampaignFunding:
    """Set the funding model. Only the organizer, and only before anyone gave or pledged (a backer
    must never find the rules of their money changed afterwards). Locks the CampaignFunding row."""
    if not policies.can_set_funding_model(campaign=campaign, user=actor):
        raise PermissionDenied(gettext("Only the organizer chooses how the campaign raises money."))
    if funding_model not in CampaignFunding.Model.values:
        raise ValidationError({"funding_model": gettext("Choose keep what you raise or all or nothing.")})
    problem = rules.funding_model_allowed(campaign=campaign, funding_model=funding_model)
    if problem:
        raise ValidationError({"funding_model": problem})
    _funding_ensure(campaign_id=campaign.pk, currency=campaign.currency)
    funding = CampaignFunding.objects.select_for_update().get(campaign_id=campaign.pk)
    if funding.funding_model == funding_model:
        return funding
    if (
        Donation.objects.filter(campaign_id=campaign.pk).exists()
        or Pledge.objects.filter(campaign_id=campaign.pk).exists()
    ):
        raise Conflict(
            "People have already given or pledged: the funding model can no longer change.", code="funding_locked"
        )
    funding.funding_model = funding_model
    funding.save(update_fields=["funding_model", "updated_at"])
    campaign.funding = funding
    return funding
