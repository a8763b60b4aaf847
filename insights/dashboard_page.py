"""The campaign dashboard's body (figures, charts, tables), rendered once and kept.

Computing the figures (about 14 grouped queries besides the cached money ones) and drawing the
charts and tables costs 20-30 ms of CPU per view, about six times the whole signed-in
page around them, and an organizer reloading the page sees the same numbers. So the rendered body
is kept with `causeweb.core.page_cache.cached_value`, one copy per campaign, viewer, period,
language, time zone, query string and minute, valid while:

- the tokens of `selectors.dashboard_scopes()` hold: the campaign's scope (signatures, gifts,
  pledges, followers, comments, the campaign itself) and each of its events' (RSVPs, check-ins),
  renewed on commit by the model watches, so such a change shows on the next view; and
- its clock minute has not ended (the minute is part of its name, and the viewer's copy of the
  whole page ends with it too): page views and share clicks renew no scope (they move on every
  visit), nor does a sharer's name or advocate opt-in, so they are at most a minute late. The
  page says so, with the time the figures were computed.

The body is rendered without the request (no CSRF token, no user in its context) and the viewer
is part of its name, so a copy holds nothing of one person that another could be shown."""

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaigns.models import Campaign
from causeweb.core import page_cache
from insights import charts, selectors
from insights.forms import DateRangeForm
from insights.selectors import DateRange
from insights.tables import csv_tables, shown_tables

# How late a page view or share click can show (the page states it): a minute, short enough for
# an organizer watching a launch, long enough that a reload or several tabs cost no recompute.
DASHBOARD_CACHE_SECONDS = 60


def _window() -> int:
    """The number of the current DASHBOARD_CACHE_SECONDS window of the clock (the minute)."""
    return int(time.time() // DASHBOARD_CACHE_SECONDS)


@dataclass(frozen=True)
class DashboardBody:
    html: str
    as_of: datetime  # when its figures were read
    window: int  # the minute it belongs to: kept no longer than that minute

    def seconds_left(self) -> int:
        """How long a page showing it may still be kept: until its minute ends."""
        return int((self.window + 1) * DASHBOARD_CACHE_SECONDS - time.time())


def _charts(figures: dict, tables: dict) -> dict:
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
    return {
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
    }


def _render(*, campaign: Campaign, form: DateRangeForm, period: DateRange, query: str, window: int) -> DashboardBody:
    as_of = timezone.now()
    figures = selectors.campaign_dashboard(campaign=campaign, period=period)
    tables = csv_tables(figures)
    context = {
        "campaign": campaign,
        "form": form,
        "period": period,
        "figures": figures,
        "tables": shown_tables(tables),
        "totals": figures["activity"]["totals"],
        "query": query,
        "charts": _charts(figures, tables),
        "as_of": as_of,
    }
    return DashboardBody(html=render_to_string("insights/_dashboard_body.html", context), as_of=as_of, window=window)


def body_cache_name(*, campaign_id: int, viewer_id: int, period: DateRange, query: str, window: int) -> str:
    """One copy per campaign, viewer, period, language, time zone (days are cut in it, dates and
    numbers written in the language), query string (the form's errors and the CSV links) and
    minute."""
    parts = (
        str(window),
        str(campaign_id),
        str(viewer_id),
        period.start.isoformat(),
        period.end.isoformat(),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        query,
    )
    return "insights-dashboard:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def dashboard_body(*, campaign: Campaign, viewer, form: DateRangeForm, period: DateRange, query: str) -> DashboardBody:
    """The rendered body for `viewer`, who may see the campaign's insights (the caller checked)."""
    window = _window()
    return page_cache.cached_value(
        body_cache_name(campaign_id=campaign.pk, viewer_id=viewer.pk, period=period, query=query, window=window),
        scopes=selectors.dashboard_scopes(campaign_id=campaign.pk),
        compute=lambda: _render(campaign=campaign, form=form, period=period, query=query, window=window),
        timeout=DASHBOARD_CACHE_SECONDS,
    )
