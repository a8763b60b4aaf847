from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model

from causeweb.moderation.models import Flag


def flag_counts_for(*, model: type[Model], object_ids) -> dict[int, int]:
    """Open flag counts per object, one query, for moderators' lists."""
    rows = (
        Flag.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=list(object_ids), status="open"
        )
        .values("object_id")
        .annotate(n=Count("id"))
    )
    return {row["object_id"]: row["n"] for row in rows}


def flag_reason_choices() -> list[tuple[str, str]]:
    return list(Flag.Reason.choices)
