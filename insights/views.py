"""Insights' pages: the page-view beacon (see integrations.page_view_beacon_section) and the
organizer's dashboard."""

import base64
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaigns import selectors as campaign_selectors
from campaigns.models import ShareLink
from causeweb.core.csv_export import csv_stream_response
from insights import charts, policies, selectors, services
from insights.forms import period_from

# The smallest transparent GIF: what the beacon <img> receives.
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@never_cache
@require_safe
def page_view(request, campaign_id: int):
    """Count a view of a public campaign's page and answer with a pixel either way (an unknown or
    unpublished campaign counts nothing; the image must never break the page). HEAD counts nothing."""
    if request.method == "GET" and campaign_selectors.campaign_public_exists(campaign_id=campaign_id):
        services.page_view_record(campaign_id=campaign_id, user_agent=request.headers.get("User-Agent", ""))
    return HttpResponse(PIXEL_GIF, content_type="image/gif")


def _dashboard_or_403(request, slug: str):
    campaign = selectors.campaign_for_insights(slug=slug)
    if campaign is None:
        raise Http404(gettext("No such campaign."))
    if not policies.can_view_campaign_insights(request.user, campaign):
        raise PermissionDenied(gettext("Only the campaign's organizer and site staff can see its insights."))
    return campaign


# The on-screen tables' column headings; the CSV files keep the column names, which are code.
COLUMN_LABELS = {
    "day": _("Day"),
    "page_views": _("Page views"),
    "share_clicks": _("Share clicks"),
    "signatures": _("Signatures"),
    "donations": _("Donations"),
    "donated_minor": _("Donated (minor units)"),
    "pledges": _("Pledges"),
    "pledged_minor": _("Pledged (minor units)"),
    "rsvps": _("RSVPs"),
    "check_ins": _("Check-ins"),
    "follows": _("New followers"),
    "comments": _("Comments"),
    "raised_and_pledged_minor": _("Raised and pledged (minor units)"),
    "goal_minor": _("Goal (minor units)"),
    "channel": _("Channel"),
    "clicks": _("Clicks"),
    "step": _("Step"),
    "people": _("People"),
    "kind": _("Kind of gift"),
    "gifts": _("Gifts"),
    "amount_minor": _("Amount (minor units)"),
    "currency": _("Currency"),
}


def _shown_tables(tables: dict[str, tuple[list, list]]) -> dict[str, tuple[list, list]]:
    """The same tables for the page: headings in the reader's language and days in their
    locale's short date format (the CSV keeps ISO dates)."""
    shown = {}
    for name, (header, rows) in tables.items():
        if header and header[0] == "day":
            rows = [[formats.date_format(date.fromisoformat(row[0]), "SHORT_DATE_FORMAT"), *row[1:]] for row in rows]
        shown[name] = ([COLUMN_LABELS.get(h, h) for h in header], rows)
    return shown


def _csv_tables(figures: dict) -> dict[str, tuple[list, list]]:
    """Each chart's numbers as (header, rows): the CSV downloads and the screen-reader tables."""
    activity = figures["activity"]
    series = activity["series"]
    days = [day.isoformat() for day in activity["days"]]
    names = list(series)
    channel_labels = dict(ShareLink.Channel.choices)
    gifts = figures["gifts"]
    return {
        "activity": (["day", *names], [[day, *(series[name][n] for name in names)] for n, day in enumerate(days)]),
        "funding": (
            ["day", "raised_and_pledged_minor", "goal_minor"],
            [[day, total, figures["goal_minor"] or ""] for day, total in zip(days, figures["funding"], strict=True)],
        ),  # fmt: skip
        "channels": (
            ["channel", "clicks"],
            [
                [channel_labels.get(channel, channel), n]
                for channel, n in sorted(activity["clicks_by_channel"].items(), key=lambda item: -item[1])
            ],
        ),  # fmt: skip
        "funnel": (["step", "people"], [list(step) for step in figures["funnel"]]),
        "gifts": (
            ["kind", "gifts", "amount_minor", "currency"],
            [[str(k["label"]), k["count"], k["amount_minor"], gifts["currency"]] for k in gifts["kinds"]],
        ),
        "gift_channels": (
            ["channel", "gifts", "amount_minor", "currency"],
            [
                [
                    channel_labels.get(channel, channel) or gettext("No share link"),
                    c["count"],
                    c["amount_minor"],
                    gifts["currency"],
                ]
                for channel, c in sorted(
                    figures["gift_channels"].items(), key=lambda item: (-item[1]["amount_minor"], item[0])
                )
            ],
        ),  # fmt: skip
        "action_channels": (
            ["channel", "signatures", "pledges", "rsvps", "check_ins"],
            [
                [
                    channel_labels.get(channel, channel) or gettext("No click before it"),
                    *(counts.get(kind, 0) for kind in ("signatures", "pledges", "rsvps", "check_ins")),
                ]
                for channel, counts in sorted(
                    figures["action_channels"].items(), key=lambda item: (-sum(item[1].values()), item[0])
                )
            ],
        ),  # fmt: skip
        "advocates": (
            ["sharer", "generation_1_actions", "generation_2_actions", "generation_3_actions", "signatures"],
            [
                [
                    credit.sharer_name or gettext("Anonymous supporter"),
                    *(
                        sum(credit.by_generation[g][a] for a in ("signatures", "donations", "pledges", "rsvps"))
                        for g in (1, 2, 3)
                    ),
                    credit.total("signatures"),
                ]
                for credit in figures["attribution"]
            ],
        ),  # fmt: skip
    }


@login_required
@require_safe
def campaign_dashboard(request, slug: str):
    campaign = _dashboard_or_403(request, slug)
    form, period = period_from(request.GET)
    figures = selectors.campaign_dashboard(campaign=campaign, period=period)
    tables = _csv_tables(figures)
    wanted = request.GET.get("csv")
    if wanted:
        if wanted not in tables:
            raise Http404(gettext("No such table."))
        header, rows = tables[wanted]
        name = f"{campaign.slug}-{wanted}-{period.start}-{period.end}.csv"
        return csv_stream_response(filename=name, header=header, rows=rows)
    activity = figures["activity"]
    series = activity["series"]
    action_lines = [
        charts.Line(gettext("Signatures"), series["signatures"]),
        charts.Line(gettext("Donations"), series["donations"]),
        charts.Line(gettext("RSVPs"), series["rsvps"]),
        charts.Line(gettext("Share clicks"), series["share_clicks"]),
    ]
    views_lines = [charts.Line(gettext("Page views"), series["page_views"])]
    funding_lines = [charts.Line(gettext("Raised and pledged"), figures["funding"])]
    channel_bars = [(label, n) for label, n in tables["channels"][1]]
    context = {
        "campaign": campaign,
        "form": form,
        "period": period,
        "figures": figures,
        "tables": _shown_tables(tables),
        "totals": activity["totals"],
        "query": request.GET.urlencode(),
        "charts": {
            "views": charts.line_chart(title=gettext("Page views per day"), days=activity["days"], lines=views_lines),
            "views_legend": charts.legend(views_lines),
            "actions": charts.line_chart(title=gettext("Actions per day"), days=activity["days"], lines=action_lines),
            "actions_legend": charts.legend(action_lines),
            "funding": charts.line_chart(
                title=gettext("Raised and pledged against the goal"),
                days=activity["days"],
                lines=funding_lines,
                goal=figures["goal_minor"],
                scale=100,
            ),
            "funding_legend": charts.legend(funding_lines),
            "channels": charts.bar_chart(title=gettext("Share clicks by channel"), bars=channel_bars),
            "funnel": charts.bar_chart(title=gettext("Funnel"), bars=figures["funnel"]),
        },
    }
    return render(request, "insights/dashboard.html", context)


@login_required
@require_safe
def site_dashboard(request):
    if not policies.can_view_site_insights(request.user):
        raise PermissionDenied(gettext("Only site staff can see the site-wide insights."))
    form, period = period_from(request.GET)
    context = {
        "form": form,
        "period": period,
        "totals": selectors.site_totals(period=period),
        "growing": selectors.fastest_growing_campaigns(),
    }
    return render(request, "insights/site.html", context)
