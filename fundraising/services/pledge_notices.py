"""What backers and organizers of all-or-nothing campaigns are told: the pledge saved (nothing
charged), released (goal missed, nobody charged), payment needed after a failed charge (with
the link to pay on-session and reminders), lapsed, and the organizer's pledged-vs-collected
summary. Every notice has a dedupe key, so a retried task tells nobody twice."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from fundraising import l10n
from fundraising.models import Pledge
from fundraising.services._language import in_recipient_language


def pledge_path(pledge: Pledge) -> str:
    """The pledge's page (manage it, or pay for it after a failed charge)."""
    return reverse("fundraising:pledge", kwargs={"public_id": pledge.public_id})


def pledge_pay_path(pledge: Pledge) -> str:
    """The pay-on-session page of a pledge whose charge failed (the email's link)."""
    return reverse("fundraising:pledge_pay", kwargs={"public_id": pledge.public_id})


def _send(pledge: Pledge, *, title: str, body: str, dedupe_key: str, url: str = "") -> None:
    notify(
        language=translation.get_language(),
        recipient=pledge.backer,
        email=pledge.email,
        kind=Kind.PLEDGE_NOTICE,
        context={
            "title": title,
            "body": body,
            "url": url or pledge_path(pledge),
            "reference": str(pledge.public_id),
            "amount": l10n.local_money(pledge.amount_minor, pledge.currency),
            "campaign": pledge.campaign.title,
        },
        dedupe_key=dedupe_key,
    )


@in_recipient_language
def pledge_saved_send(pledge: Pledge) -> None:
    campaign = pledge.campaign
    amount = l10n.local_money(pledge.amount_minor, pledge.currency)
    names = {"amount": amount, "campaign": campaign.title, "deadline": l10n.local_deadline(campaign.deadline)}
    _send(
        pledge,
        title=gettext("You pledged %(amount)s to “%(campaign)s”") % names,
        body=gettext(
            "Nothing has been charged. Your card will be charged %(amount)s only if “%(campaign)s” reaches its goal "
            "by %(deadline)s; if it does not, nothing is charged. You can change the amount or cancel until the "
            "deadline."
        )
        % names,
        dedupe_key=f"pledge-saved:{pledge.pk}",
    )


@in_recipient_language
def pledge_released_send(pledge: Pledge, *, pledged_minor: int) -> None:
    campaign = pledge.campaign
    _send(
        pledge,
        title=gettext("“%(campaign)s” did not reach its goal: you were not charged") % {"campaign": campaign.title},
        body=gettext(
            "The campaign raised %(pledged)s in pledges of its %(goal)s goal. It was all-or-nothing, so your pledge "
            "is released and your card will not be charged."
        )
        % {
            "pledged": l10n.local_money(pledged_minor, pledge.currency),
            "goal": l10n.local_money(campaign.goal_minor or 0, pledge.currency),
        },
        dedupe_key=f"pledge-released:{pledge.pk}",
    )


@in_recipient_language
def pledge_payment_required_send(pledge: Pledge) -> None:
    _send(
        pledge,
        title=gettext("Your pledge to “%(campaign)s” could not be charged") % {"campaign": pledge.campaign.title},
        body=gettext(
            "“%(campaign)s” reached its goal, but charging your card %(amount)s did not work: %(reason)s "
            "Please pay by %(date)s from the link below, or your pledge lapses."
        )
        % {
            "campaign": pledge.campaign.title,
            "amount": l10n.local_money(pledge.amount_minor, pledge.currency),
            "reason": pledge.failure_message,
            "date": l10n.local_long_date(pledge.payment_due_at),
        },
        dedupe_key=f"pledge-payment-required:{pledge.pk}",
        url=pledge_pay_path(pledge),
    )


@in_recipient_language
def pledge_payment_reminder_send(pledge: Pledge, *, number: int) -> None:
    _send(
        pledge,
        title=gettext("Reminder: your pledge to “%(campaign)s” still needs paying")
        % {"campaign": pledge.campaign.title},
        body=gettext("Your pledge of %(amount)s could not be charged. Please pay by %(date)s from the link below.")
        % {
            "amount": l10n.local_money(pledge.amount_minor, pledge.currency),
            "date": l10n.local_long_date(pledge.payment_due_at),
        },
        dedupe_key=f"pledge-payment-reminder:{pledge.pk}:{number}",
        url=pledge_pay_path(pledge),
    )


@in_recipient_language
def pledge_lapsed_send(pledge: Pledge) -> None:
    _send(
        pledge,
        title=gettext("Your pledge to “%(campaign)s” lapsed") % {"campaign": pledge.campaign.title},
        body=gettext("It was not paid within 7 days, so it has been withdrawn. Nothing was charged."),
        dedupe_key=f"pledge-lapsed:{pledge.pk}",
    )


def campaign_collected_send(campaign, *, summary: dict) -> None:
    currency = campaign.currency
    notify(
        language=translation.get_language(),
        recipient=campaign.organizer,
        kind=Kind.PLEDGE_NOTICE,
        context={
            "title": gettext("“%(campaign)s” met its goal: pledges charged") % {"campaign": campaign.title},
            "body": ngettext(
                "%(pledged)s was pledged by %(backers)s backers; %(collected)s has been collected. "
                "%(count)s backers were asked to pay after their card was refused.",
                "%(pledged)s was pledged by %(backers)s backers; %(collected)s has been collected. "
                "%(count)s backers were asked to pay after their card was refused.",
                summary["payment_required"],
            )
            % {
                "pledged": l10n.local_money(summary["pledged"], currency),
                "backers": summary["backers"],
                "collected": l10n.local_money(summary["collected"], currency),
                "count": summary["payment_required"],
            },
            "url": reverse("fundraising:campaign_pledges", kwargs={"slug": campaign.slug}),
            "campaign": campaign.title,
        },
        dedupe_key=f"pledges-collected:{campaign.pk}",
    )
