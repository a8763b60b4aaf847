"""Demo pledges, through localstripe like every demo payment (see fundraising.demo): one open
campaign with a goal and a deadline becomes all-or-nothing and three demo people back it, each
card saved with a real SetupIntent (nothing charged). The first demo person's "My giving" then
shows a pledge to change or cancel. Idempotent: a backer who already pledged is not asked again."""

import requests
from django.contrib.auth import get_user_model

from campaigns import selectors as campaign_selectors
from fundraising import gateway, rules
from fundraising.demo import _confirm_setup_like_stripe_js
from fundraising.models import CampaignFunding, Donation, Pledge
from fundraising.services import funding_model, pledges

# Amounts (minor units) the demo backers pledge, in turn.
DEMO_PLEDGES = (5000, 2500, 12000)


def _pledge_campaign():
    """The demo's all-or-nothing campaign: the one already chosen, else the last featured open
    campaign with a goal and a deadline that nobody gave or pledged to yet (while another one
    stays keep-what-you-raise for the demo's donations)."""
    featured = campaign_selectors.campaign_list_featured(limit=12)
    chosen = [c for c in featured if rules.campaign_accepts_pledges(c)]
    if chosen:
        return chosen[0]
    if sum(1 for c in featured if rules.campaign_accepts_donations(c)) < 2:
        return None  # the demo's donations need a keep-what-you-raise campaign to go to
    for campaign in reversed(featured):
        if not (campaign.goal_minor and campaign.deadline and rules.campaign_accepts_donations(campaign)):
            continue
        if Donation.objects.filter(campaign=campaign).exists() or Pledge.objects.filter(campaign=campaign).exists():
            continue
        funding_model.campaign_funding_model_set(
            campaign=campaign, actor=campaign.organizer, funding_model=CampaignFunding.Model.ALL_OR_NOTHING
        )
        return campaign
    return None


def seed_pledges(stdout, *, api_base: str) -> int:
    campaign = _pledge_campaign()
    if campaign is None:
        stdout.write("No open campaign with a goal and a deadline to take demo pledges.")
        return 0
    backers = (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False)
        .exclude(pk=campaign.organizer_id)
        .order_by("pk")[: len(DEMO_PLEDGES)]
    )
    made = 0
    for backer, amount_minor in zip(backers, DEMO_PLEDGES, strict=False):
        live = Pledge.objects.filter(campaign=campaign, backer=backer).exclude(state=Pledge.State.SETTING_UP)
        if live.exists():
            continue
        try:
            pledge, setup = pledges.pledge_begin(campaign=campaign, actor=backer, amount_minor=amount_minor)
            _confirm_setup_like_stripe_js(api_base, setup["client_secret"])
            pledges.pledge_confirm(pledge=pledge, setup_intent_id=setup["setup_intent_id"])
            made += 1
        except (gateway.GatewayError, requests.RequestException) as exc:
            stdout.write(f"Demo pledge of {backer.pk} not made: {exc}")
    stdout.write(f"Demo pledges saved through localstripe on “{campaign.title}” (all or nothing): {made}.")
    return made
