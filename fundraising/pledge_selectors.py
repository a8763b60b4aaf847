"""Reads about pledges for the backer's pages: the saved card as the pay page names it, and the
pledges section of "My giving" (registered in FundraisingConfig.ready() into
selectors.MY_GIVING_SECTIONS)."""

import logging

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from fundraising import gateway, l10n, rules
from fundraising.models import Donation, Pledge

logger = logging.getLogger(__name__)

_BRANDS = {"amex": "American Express", "mastercard": "Mastercard", "visa": "Visa"}


def pledge_saved_card_label(*, pledge: Pledge) -> str:
    """ "Visa ending 4242" for the card saved with the pledge; "your saved card" when Stripe does
    not answer (the page still works: the card is charged by its id)."""
    if not pledge.stripe_payment_method_id:
        return ""
    try:
        card = gateway.payment_method_card(payment_method_id=pledge.stripe_payment_method_id)
    except gateway.GatewayError as exc:
        logger.warning("card of pledge %s not read: %s", pledge.pk, exc)
        return gettext("your saved card")
    if not card.get("last4"):
        return gettext("your saved card")
    brand = _BRANDS.get(card.get("brand", ""), (card.get("brand") or "card").replace("_", " ").title())
    return gettext("%(brand)s ending %(last4)s") % {"brand": brand, "last4": card["last4"]}


def _giving_row(pledge: Pledge, now) -> dict:
    campaign = pledge.campaign
    detail_url = reverse("fundraising:pledge", kwargs={"public_id": pledge.public_id})
    row = {
        "date": pledge.created_at,
        "campaign_title": campaign.title,
        "campaign_url": campaign.get_absolute_url(),
        "amount_minor": pledge.amount_minor,
        "currency": pledge.currency,
        "state": pledge.get_state_display(),
        "detail": gettext("Deadline %(date)s") % {"date": l10n.page_date(campaign.deadline)}
        if campaign.deadline
        else "",
        "manage_url": detail_url,
        "manage_label": gettext("Details"),
    }
    if pledge.state == Pledge.State.ACTIVE and rules.campaign_accepts_pledges(campaign):
        row["manage_label"] = gettext("Change or cancel")
    elif pledge.state == Pledge.State.PAYMENT_REQUIRED and not rules.pledge_payment_closed_reason(pledge, now=now):
        row["manage_url"] = reverse("fundraising:pledge_pay", kwargs={"public_id": pledge.public_id})
        row["manage_label"] = gettext("Pay now")
        row["detail"] = gettext("Pay by %(date)s") % {"date": l10n.page_date(pledge.payment_due_at)}
    return row


def pledge_giving_section(user) -> dict | None:
    """The backer's pledges on "My giving" (newest first, one query; at most 200)."""
    pledges = list(
        Pledge.objects.filter(backer=user)
        .exclude(state=Pledge.State.SETTING_UP)
        .select_related("campaign", "campaign__funding")
        .order_by("-created_at", "-id")[:200]
    )
    if not pledges:
        return None
    now = timezone.now()
    return {"title": "Pledges", "rows": [_giving_row(pledge, now) for pledge in pledges]}


def pledge_paid_attempt(pledge: Pledge) -> Donation | None:
    """The donation that paid the pledge, if it is paid."""
    attempt = pledge.donation
    return attempt if attempt is not None and attempt.is_paid else None


def campaign_funding_model_locked(*, campaign_id: int) -> bool:
    """True once anyone gave or pledged: the funding model is fixed (the service refuses too)."""
    return (
        Donation.objects.filter(campaign_id=campaign_id).exists()
        or Pledge.objects.filter(campaign_id=campaign_id).exists()
    )
