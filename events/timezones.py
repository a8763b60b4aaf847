"""Wall-clock times in an event's own zone <-> UTC, with daylight-saving edges made explicit."""

import zoneinfo
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils import dateformat
from django.utils.translation import gettext


def zone_or_error(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"timezone": gettext("Unknown time zone: %(zone)s.") % {"zone": repr(name)}})


def local_to_utc(wall_clock: datetime, zone_name: str, *, field: str = "starts_at") -> datetime:
    """Interpret a naive wall-clock time in `zone_name` and return it in UTC.

    A time that does not exist (the hour skipped when clocks go forward) is refused rather than
    silently moved; an ambiguous time (the hour repeated when clocks go back) means the first one.
    """
    if wall_clock.tzinfo is not None:
        return wall_clock.astimezone(UTC)
    zone = zone_or_error(zone_name)
    aware = wall_clock.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != wall_clock:
        raise ValidationError(
            {
                field: gettext("%(time)s does not exist in %(zone)s (the clocks go forward then).")
                % {"time": f"{wall_clock:%Y-%m-%d %H:%M}", "zone": zone_name}
            }
        )
    return utc


def utc_to_local(moment: datetime, zone_name: str) -> datetime:
    """The naive wall-clock time of `moment` in the zone (for pre-filling forms)."""
    return moment.astimezone(zone_or_error(zone_name)).replace(tzinfo=None)


def format_local(moment: datetime, zone, format_string: str) -> str:
    """`moment` in `zone` (a name or a ZoneInfo) with a Django date format, in the active language:
    month and day names come from the catalogue, where strftime would always write English. Pass
    the format through gettext so each language orders it its own way."""
    if isinstance(zone, str):
        zone = zone_or_error(zone)
    return dateformat.format(moment.astimezone(zone), format_string)
