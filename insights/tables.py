"""The dashboard's numbers as tables, (header, rows) per chart: the CSV downloads (column names
are code, dates ISO) and the on-screen tables under each chart (headings in the reader's
language, dates in their locale's short format)."""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import ShareLink

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


def shown_tables(tables: dict[str, tuple[list, list]]) -> dict[str, tuple[list, list]]:
    """The same tables for the page: headings in the reader's language and days in their
    locale's short date format (the CSV keeps ISO dates)."""
    shown = {}
    for name, (header, rows) in tables.items():
        if header and header[0] == "day":
            rows = [[formats.date_format(date.fromisoformat(row[0]), "SHORT_DATE_FORMAT"), *row[1:]] for row in rows]
        shown[name] = ([COLUMN_LABELS.get(h, h) for h in header], rows)
    return shown


def csv_tables(figures: dict) -> dict[str, tuple[list, list]]:
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
