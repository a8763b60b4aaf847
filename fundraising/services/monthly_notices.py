"""What a monthly giver is told besides the receipts: the gift paused (update the card, with the
signed link) and the gift cancelled. Mandatory mail (kind donation_receipt: it is about money
taken, or no longer taken, from their card); each notice has a dedupe key."""

from django.utils import translation
from django.utils.translation import gettext

from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from fundraising import l10n, rules
from fundraising.models import MonthlyPlan
from fundraising.services._language import in_recipient_language
from fundraising.services.receipts import plan_manage_path


@in_recipient_language
def plan_paused_send(plan: MonthlyPlan) -> None:
    amount = l10n.local_money(plan.amount_minor, plan.currency)
    notify(
        language=translation.get_language(),
        recipient=plan.donor,
        email=plan.email,
        kind=Kind.DONATION_RECEIPT,
        context={
            "title": gettext("Your monthly gift of %(amount)s is paused: please update your card") % {"amount": amount},
            "body": gettext(
                "We could not charge your card for your monthly gift of %(amount)s to “%(campaign)s” (%(reason)s). "
                "We tried %(tries)s times and have paused the gift; nothing more will be charged until you update "
                "your card. Update it, or cancel the gift, from the link below."
            )
            % {
                "amount": amount,
                "campaign": plan.campaign.title,
                "reason": plan.failure_message or gettext("the payment was refused"),
                "tries": len(rules.MONTHLY_RETRY_DELAYS) + 1,
            },
            "url": plan_manage_path(plan),
            "manage_url": plan_manage_path(plan),
            "amount": amount,
            "campaign": plan.campaign.title,
        },
        dedupe_key=f"monthly-paused:{plan.pk}:{plan.next_period}",
    )


@in_recipient_language
def plan_cancelled_send(plan: MonthlyPlan, *, campaign_closed: bool = False) -> None:
    amount = l10n.local_money(plan.amount_minor, plan.currency)
    names = {"campaign": plan.campaign.title}
    if campaign_closed:
        body = gettext(
            "The campaign is no longer taking donations, so your monthly gift to “%(campaign)s” is cancelled. "
            "Nothing more will be charged."
        )
    else:
        body = gettext("Your monthly gift to “%(campaign)s” is cancelled. Nothing more will be charged.")
    notify(
        language=translation.get_language(),
        recipient=plan.donor,
        email=plan.email,
        kind=Kind.DONATION_RECEIPT,
        context={
            "title": gettext("Your monthly gift of %(amount)s is cancelled") % {"amount": amount},
            "body": body % names,
            "url": plan.campaign.get_absolute_url(),
            "amount": amount,
            "campaign": plan.campaign.title,
        },
        dedupe_key=f"monthly-cancelled:{plan.pk}",
    )
