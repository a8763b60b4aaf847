"""What backers and organizers of all-or-nothing campaigns are told: the pledge saved (nothing
charged), released (goal missed, nobody charged), payment needed after a failed charge (with
the link to pay on-session and reminders), lapsed, and the organizer's pledged-vs-collected
summary. Every notice has a dedupe key, so a retried task tells nobody twice."""

from django.urls import reverse

from causeweb.core.money import format_money
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from fundraising.models import Pledge


def pledge_path(pledge: Pledge) -> str:
    """The pledge's page (manage it, or pay for it after a failed charge)."""
    return reverse("fundraising:pledge", kwargs={"public_id": pledge.public_id})


def pledge_pay_path(pledge: Pledge) -> str:
    """The pay-on-session page of a pledge whose charge failed (the email's link)."""
    return reverse("fundraising:pledge_pay", kwargs={"public_id": pledge.public_id})


def _send(pledge: Pledge, *, title: str, body: str, dedupe_key: str, url: str = "") -> None:
    notify(
        recipient=pledge.backer,
        email=pledge.email,
        kind=Kind.PLEDGE_NOTICE,
        context={
            "title": title,
            "body": body,
            "url": url or pledge_path(pledge),
            "reference": str(pledge.public_id),
            "amount": format_money(pledge.amount_minor, pledge.currency),
            "campaign": pledge.campaign.title,
        },
        dedupe_key=dedupe_key,
    )


def pledge_saved_send(pledge: Pledge) -> None:
    campaign = pledge.campaign
    amount = format_money(pledge.amount_minor, pledge.currency)
    _send(
        pledge,
        title=f"You pledged {amount} to “{campaign.title}”",
        body=(
            f"Nothing has been charged. Your card will be charged {amount} only if “{campaign.title}” "
            f"reaches its goal by {campaign.deadline:%d %B %Y %H:%M %Z}; if it does not, nothing is charged. "
            "You can change the amount or cancel until the deadline."
        ),
        dedupe_key=f"pledge-saved:{pledge.pk}",
    )


def pledge_released_send(pledge: Pledge, *, pledged_minor: int) -> None:
    campaign = pledge.campaign
    _send(
        pledge,
        title=f"“{campaign.title}” did not reach its goal: you were not charged",
        body=(
            f"The campaign raised {format_money(pledged_minor, pledge.currency)} in pledges of its "
            f"{format_money(campaign.goal_minor or 0, pledge.currency)} goal. It was all-or-nothing, so "
            "your pledge is released and your card will not be charged."
        ),
        dedupe_key=f"pledge-released:{pledge.pk}",
    )


def pledge_payment_required_send(pledge: Pledge) -> None:
    _send(
        pledge,
        title=f"Your pledge to “{pledge.campaign.title}” could not be charged",
        body=(
            f"“{pledge.campaign.title}” reached its goal, but charging your card "
            f"{format_money(pledge.amount_minor, pledge.currency)} did not work: {pledge.failure_message} "
            f"Please pay by {pledge.payment_due_at:%d %B %Y} from the link below, or your pledge lapses."
        ),
        dedupe_key=f"pledge-payment-required:{pledge.pk}",
        url=pledge_pay_path(pledge),
    )


def pledge_payment_reminder_send(pledge: Pledge, *, number: int) -> None:
    _send(
        pledge,
        title=f"Reminder: your pledge to “{pledge.campaign.title}” still needs paying",
        body=(
            f"Your pledge of {format_money(pledge.amount_minor, pledge.currency)} could not be charged. "
            f"Please pay by {pledge.payment_due_at:%d %B %Y} from the link below."
        ),
        dedupe_key=f"pledge-payment-reminder:{pledge.pk}:{number}",
        url=pledge_pay_path(pledge),
    )


def pledge_lapsed_send(pledge: Pledge) -> None:
    _send(
        pledge,
        title=f"Your pledge to “{pledge.campaign.title}” lapsed",
        body="It was not paid within 7 days, so it has been withdrawn. Nothing was charged.",
        dedupe_key=f"pledge-lapsed:{pledge.pk}",
    )


def campaign_collected_send(campaign, *, summary: dict) -> None:
    currency = campaign.currency
    notify(
        recipient=campaign.organizer,
        kind=Kind.PLEDGE_NOTICE,
        context={
            "title": f"“{campaign.title}” met its goal: pledges charged",
            "body": (
                f"{format_money(summary['pledged'], currency)} was pledged by {summary['backers']} backers; "
                f"{format_money(summary['collected'], currency)} has been collected. "
                f"{summary['payment_required']} backers were asked to pay after their card was refused."
            ),
            "url": reverse("fundraising:campaign_pledges", kwargs={"slug": campaign.slug}),
            "campaign": campaign.title,
        },
        dedupe_key=f"pledges-collected:{campaign.pk}",
    )
