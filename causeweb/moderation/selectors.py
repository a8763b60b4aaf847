from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model

from causeweb.moderation import policies
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


def flaggable_target_for(*, app_label: str, model: str, pk: int, user) -> Model | None:
    """The object behind a flag URL, or None when it does not exist, cannot be flagged, or `user`
    cannot see it: the three look the same from outside (404), so ids of private content do not leak."""
    if not policies.is_flaggable(f"{app_label}.{model}"):
        return None
    try:
        model_class = apps.get_model(app_label, model)
    except LookupError:
        return None
    target = model_class._default_manager.filter(pk=pk).first()
    if target is None or not policies.can_flag(user, target):
        return None
    return target
