"""What a monthly giver is told besides the receipts: the gift paused (update the card, with the
signed link) and the gift cancelled. Mandatory mail (kind donation_receipt: it is about money
taken, or no longer taken, from their card); each notice has a dedupe key."""

from causeweb.core.money import format_money
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from fundraising import rules
from fundraising.models import MonthlyPlan
from fundraising.services.receipts import plan_manage_path


def plan_paused_send(plan: MonthlyPlan) -> None:
    amount = format_money(plan.amount_minor, plan.currency)
    notify(
        recipient=plan.donor,
        email=plan.email,
        kind=Kind.DONATION_RECEIPT,
        context={
            "title": f"Your monthly gift of {amount} is paused: please update your card",
            "body": (
                f"We could not charge your card for your monthly gift of {amount} to “{plan.campaign.title}”"
                f" ({plan.failure_message or 'the payment was refused'}). We tried "
                f"{len(rules.MONTHLY_RETRY_DELAYS) + 1} times and have paused the gift; nothing more will be "
                "charged until you update your card. Update it, or cancel the gift, from the link below."
            ),
            "url": plan_manage_path(plan),
            "manage_url": plan_manage_path(plan),
            "amount": amount,
            "campaign": plan.campaign.title,
        },
        dedupe_key=f"monthly-paused:{plan.pk}:{plan.next_period}",
    )


def plan_cancelled_send(plan: MonthlyPlan, *, reason: str = "") -> None:
    amount = format_money(plan.amount_minor, plan.currency)
    notify(
        recipient=plan.donor,
        email=plan.email,
        kind=Kind.DONATION_RECEIPT,
        context={
            "title": f"Your monthly gift of {amount} is cancelled",
            "body": f"{reason}your monthly gift to “{plan.campaign.title}” is cancelled. Nothing more will be charged."
            if reason
            else f"Your monthly gift to “{plan.campaign.title}” is cancelled. Nothing more will be charged.",
            "url": plan.campaign.get_absolute_url(),
            "amount": amount,
            "campaign": plan.campaign.title,
        },
        dedupe_key=f"monthly-cancelled:{plan.pk}",
    )
