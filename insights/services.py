"""Insights' writes: the daily page-view counter, and the organizers' weekly digest."""

import base64
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from campaigns.models import Campaign
from campaigns.services.sharing import is_link_preview_bot
from causeweb.core.money import format_money
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from insights.chart_image import chart_alt_text, week_chart_png
from insights.charts import PALETTE
from insights.models import CampaignDailyViews
from insights.selectors import DateRange, campaign_activity


def page_view_record(*, campaign_id: int, user_agent: str, day: date | None = None) -> bool:
    """Count one view of a campaign's page today; link-preview bots and crawlers (the share code's
    detection) are not counted. One UPDATE in the common case; the day's first view inserts the
    row (a concurrent first insert falls back to the UPDATE). Returns True when counted."""
    if is_link_preview_bot(user_agent):
        return False
    day = day or timezone.localdate()
    rows = CampaignDailyViews.objects.filter(campaign_id=campaign_id, day=day)
    if rows.update(views=F("views") + 1):
        return True
    try:
        with transaction.atomic():
            CampaignDailyViews.objects.create(campaign_id=campaign_id, day=day, views=1)
    except IntegrityError:  # another request inserted the day's row first
        rows.update(views=F("views") + 1)
    return True


def _counted(text: str, count: int, **values) -> str:
    """`text` is ngettext's choice for `count` (a literal call, so makemessages finds it)."""
    return text % {"count": count, **values}


def _digest_body(campaign: Campaign, totals: dict) -> str:
    """The week's figures, one line per kind of action, in the active language (the organizer's)."""
    locale = translation.get_language() or settings.LANGUAGE_CODE
    # Translators: what separates the figures on one line of the weekly digest.
    separator = gettext(", ")
    lines = [
        separator.join(
            [
                _counted(
                    ngettext("%(count)s page views", "%(count)s page views", totals["page_views"]), totals["page_views"]
                ),
                _counted(
                    ngettext(
                        "%(count)s visits through share links",
                        "%(count)s visits through share links",
                        totals["share_clicks"],
                    ),
                    totals["share_clicks"],
                ),
            ]
        ),
        separator.join(
            [
                _counted(
                    ngettext("%(count)s new signatures", "%(count)s new signatures", totals["signatures"]),
                    totals["signatures"],
                ),
                _counted(
                    ngettext("%(count)s new followers", "%(count)s new followers", totals["follows"]), totals["follows"]
                ),
                _counted(ngettext("%(count)s comments", "%(count)s comments", totals["comments"]), totals["comments"]),
            ]
        ),
    ]
    if totals["donations"] or totals["pledges"]:
        donated = format_money(totals["donated_minor"], campaign.currency, locale=locale)
        pledged = format_money(totals["pledged_minor"], campaign.currency, locale=locale)
        lines.append(
            separator.join(
                [
                    _counted(
                        ngettext(
                            "%(count)s donations (%(amount)s)", "%(count)s donations (%(amount)s)", totals["donations"]
                        ),
                        totals["donations"],
                        amount=donated,
                    ),
                    _counted(
                        ngettext("%(count)s pledges (%(amount)s)", "%(count)s pledges (%(amount)s)", totals["pledges"]),
                        totals["pledges"],
                        amount=pledged,
                    ),
                ]
            )
        )
    if totals["rsvps"] or totals["check_ins"]:
        lines.append(
            separator.join(
                [
                    _counted(ngettext("%(count)s RSVPs", "%(count)s RSVPs", totals["rsvps"]), totals["rsvps"]),
                    _counted(
                        ngettext(
                            "%(count)s check-ins at your events",
                            "%(count)s check-ins at your events",
                            totals["check_ins"],
                        ),
                        totals["check_ins"],
                    ),
                ]
            )
        )
    return "\n".join(lines)


def _week_chart(activity: dict) -> dict:
    """The week's actions per day as an inline PNG for the digest email, with its alt text in the
    active language (the organizer's)."""
    series = activity["series"]
    lines = [
        (gettext("Signatures"), series["signatures"]),
        (gettext("Gifts and pledges"), [d + p for d, p in zip(series["donations"], series["pledges"], strict=True)]),
        (gettext("RSVPs"), series["rsvps"]),
        (gettext("Share clicks"), series["share_clicks"]),
    ]
    png = week_chart_png(days=activity["days"], series=lines)
    return {
        "cid": "insights-week-chart",
        "mimetype": "image/png",
        "content_b64": base64.b64encode(png).decode("ascii"),
        "alt": chart_alt_text(days=activity["days"], series=lines),
        "legend": [{"label": label, "colour": PALETTE[n % len(PALETTE)]} for n, (label, _values) in enumerate(lines)],
    }


def organizer_weekly_digest_send(*, week_start: date | None = None) -> int:
    """Email each published campaign's organizer the numbers of the week starting `week_start`
    (a Monday; default: last week). Idempotent per (campaign, week) through the notification's
    dedupe key, so a rerun or an overlapping beat sends nothing twice; a week with no activity
    sends nothing. Optional kind: the organizer can turn it off in their preferences. Returns the
    number of digests queued."""
    if week_start is None:
        today = timezone.localdate()
        week_start = today - timedelta(days=today.weekday() + 7)
    week = DateRange(week_start, week_start + timedelta(days=6))
    sent = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.PUBLISHED).select_related("organizer").iterator():
        activity = campaign_activity(campaign_id=campaign.pk, period=week)
        totals = activity["totals"]
        if not any(totals.values()):
            continue
        dashboard = reverse("insights:campaign", args=[campaign.slug])
        # Written in the organizer's language (their setting; the site's default when they chose none).
        with translation.override(getattr(campaign.organizer, "language", "") or settings.LANGUAGE_CODE):
            title = _counted(
                ngettext(
                    "Your week on %(campaign)s: %(count)s signatures",
                    "Your week on %(campaign)s: %(count)s signatures",
                    totals["signatures"],
                ),
                totals["signatures"],
                campaign=campaign.title,
            )
            body = _digest_body(campaign, totals)
            chart = _week_chart(activity)
        notification = notify(
            recipient=campaign.organizer,
            kind=Kind.ORGANIZER_WEEKLY,
            context={
                "title": title,
                "body": body,
                "url": f"{dashboard}?start={week.start.isoformat()}&end={week.end.isoformat()}",
                "campaign": campaign.title,
                # The week as a picture, shown in the email by Content-ID, with the numbers as alt
                # text and in the text part (causeweb/notifications/delivery.py: inline_images).
                "inline_images": [chart],
                "chart_text": chart["alt"],
            },
            dedupe_key=f"insights-weekly:{campaign.pk}:{week.start.isoformat()}",
        )
        sent += notification is not None
    return sent
