"""What the donor is sent: the receipt once a donation is paid, a notice for each refund, and the
signed link to the donation's page that both carry (it works in any browser)."""

from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from fundraising import l10n
from fundraising.models import Donation, MonthlyCharge, MonthlyPlan, Refund
from fundraising.services._language import in_recipient_language

RECEIPT_SALT = "fundraising.donation-receipt"
MONTHLY_PLAN_SALT = "fundraising.monthly-plan"


def plan_manage_token(plan: MonthlyPlan) -> str:
    return signing.dumps(str(plan.public_id), salt=MONTHLY_PLAN_SALT, compress=True)


def plan_manage_token_valid(*, plan: MonthlyPlan, token: str) -> bool:
    if not token:
        return False
    try:
        return signing.loads(token, salt=MONTHLY_PLAN_SALT) == str(plan.public_id)
    except signing.BadSignature:
        return False


def plan_manage_path(plan: MonthlyPlan) -> str:
    """The monthly gift's page with a signed token: in every receipt of the plan, so the donor
    changes or cancels it without signing in (the link does not expire; it only manages the gift)."""
    return f"{reverse('fundraising:monthly_plan', kwargs={'public_id': plan.public_id})}?t={plan_manage_token(plan)}"


def monthly_plan_of(donation: Donation) -> MonthlyPlan | None:
    """The monthly gift a donation paid a month of, if any."""
    charge = MonthlyCharge.objects.filter(donation_id=donation.pk).select_related("plan").first()
    return charge.plan if charge else None


def donation_receipt_path(donation: Donation) -> str:
    """The donation's page with a signed token, so the emailed link works in any browser."""
    token = signing.dumps(str(donation.public_id), salt=RECEIPT_SALT, compress=True)
    return f"{reverse('fundraising:thanks', kwargs={'public_id': donation.public_id})}?t={token}"


def donation_receipt_token_valid(*, donation: Donation, token: str) -> bool:
    try:
        return signing.loads(token, salt=RECEIPT_SALT) == str(donation.public_id)
    except signing.BadSignature:
        return False


@in_recipient_language
def receipt_send(donation: Donation) -> None:
    """The receipt of a paid donation (sent after commit, once per donation)."""
    campaign = donation.campaign
    plan = monthly_plan_of(donation)
    amounts = {
        "amount": l10n.local_money(donation.amount_minor, donation.currency),
        "fee": l10n.local_money(donation.fee_minor, donation.currency),
        "total": l10n.local_money(donation.total_minor, donation.currency),
        "campaign": campaign.title,
        "card": donation.card_label,
        "date": f"{donation.succeeded_at:%Y-%m-%d}" if donation.succeeded_at else "",  # ISO: one form in every language
        "reference": donation.public_id,
    }
    # Whole sentences, each with its own placeholders (translators never see pieces of one).
    if donation.fee_minor:
        received = gettext(
            "Your donation of %(amount)s to “%(campaign)s” was received, plus %(fee)s to cover processing fees."
        )
    else:
        received = gettext("Your donation of %(amount)s to “%(campaign)s” was received.")
    if donation.card_label and donation.succeeded_at:
        charged = gettext("Total charged: %(total)s to your %(card)s on %(date)s.")
    elif donation.card_label:
        charged = gettext("Total charged: %(total)s to your %(card)s.")
    elif donation.succeeded_at:
        charged = gettext("Total charged: %(total)s on %(date)s.")
    else:
        charged = gettext("Total charged: %(total)s.")
    lines = [received % amounts, charged % amounts, gettext("Reference: %(reference)s.") % amounts]
    if plan:
        lines.append(
            gettext("This is your monthly gift; change or cancel it any time: %(url)s")
            % {"url": plan_manage_path(plan)}
        )
    notify(
        language=translation.get_language(),
        recipient=donation.donor,
        email=donation.email,
        kind=Kind.DONATION_RECEIPT,
        context={
            "title": gettext("Thank you for giving %(total)s") % amounts,
            "body": " ".join(lines),
            "url": donation_receipt_path(donation),
            "reference": str(donation.public_id),
            "amount": amounts["total"],
            "campaign": campaign.title,
            "card": donation.card_label,
            "fee": amounts["fee"],
            "date": amounts["date"],
            **({"manage_url": plan_manage_path(plan)} if plan else {}),
        },
        dedupe_key=f"donation-receipt:{donation.pk}",
    )


@in_recipient_language
def refund_notice_send(donation: Donation, refund: Refund) -> None:
    """Tell the donor about one refund (once per Refund row)."""
    refunded = l10n.local_money(refund.amount_minor, refund.currency)
    notify(
        language=translation.get_language(),
        recipient=donation.donor,
        email=donation.email,
        kind=Kind.REFUND_ISSUED,
        context={
            "title": gettext("%(amount)s refunded") % {"amount": refunded},
            "body": gettext(
                "We refunded %(amount)s of your donation to “%(campaign)s” to your card. It can take 5–10 days to "
                "appear. Reference: %(reference)s."
            )
            % {"amount": refunded, "campaign": donation.campaign.title, "reference": donation.public_id},
            "url": donation_receipt_path(donation),
            "reference": str(donation.public_id),
            "amount": refunded,
            "campaign": donation.campaign.title,
        },
        dedupe_key=f"refund-issued:{refund.pk}",
    )
