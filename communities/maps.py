"""Groups as map markers (causeweb.core.maps) for the group list."""

from django.utils.translation import ngettext

from causeweb.core.maps import map_marker, map_markers


def group_map_markers(groups) -> list[dict]:
    """A marker per listed group that has coordinates: its members and location."""
    markers = []
    for group in groups:
        count = group.member_count
        members = ngettext("%(count)s member", "%(count)s members", count) % {"count": count}
        markers.append(
            map_marker(
                title=group.name,
                url=group.get_absolute_url(),
                latitude=group.latitude,
                longitude=group.longitude,
                detail=" · ".join(part for part in (members, group.location) if part),
            )
        )
    return map_markers(markers)
