"""Wall-clock times in an event's own zone <-> UTC, with daylight-saving edges made explicit."""

import zoneinfo
from datetime import UTC, datetime

from django.core.exceptions import ValidationError


def zone_or_error(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"timezone": f"Unknown time zone: {name!r}."})


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
            {field: f"{wall_clock:%Y-%m-%d %H:%M} does not exist in {zone_name} (the clocks go forward then)."}
        )
    return utc


def utc_to_local(moment: datetime, zone_name: str) -> datetime:
    """The naive wall-clock time of `moment` in the zone (for pre-filling forms)."""
    return moment.astimezone(zone_or_error(zone_name)).replace(tzinfo=None)
