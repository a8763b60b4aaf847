import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Min, Model, OuterRef, Subquery
from django.utils import timezone

from causeweb.moderation import policies, registry
from causeweb.moderation.models import Flag, ModerationAction


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


def flag_totals_for(*, model: type[Model], object_ids) -> dict[int, dict[str, int]]:
    """Every flag ever raised per object, by status ({"open": 2, "upheld": 1, "dismissed": 0,
    "total": 3}), one query: the history a moderator weighs when reviewing an organizer."""
    totals: dict[int, dict[str, int]] = {}
    rows = (
        Flag.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=list(object_ids))
        .values("object_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        entry = totals.setdefault(row["object_id"], dict.fromkeys(Flag.Status.values, 0) | {"total": 0})
        entry[row["status"]] += row["n"]
        entry["total"] += row["n"]
    return totals


def queue_counts(*, now=None) -> dict[str, int]:
    """Items with open flags, and those whose oldest open flag is older than
    MODERATION_ALERT_AFTER: two COUNT queries for the admin dashboard."""
    items = Flag.objects.filter(status=Flag.Status.OPEN).values("content_type_id", "object_id").distinct()
    cutoff = (now or timezone.now()) - settings.MODERATION_ALERT_AFTER
    overdue = (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .values("content_type_id", "object_id")
        .annotate(first=Min("created_at"))
        .filter(first__lte=cutoff)
    )
    return {"items": items.count(), "overdue": overdue.count()}


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


@dataclass
class QueueItem:
    """One piece of content in the queue with all its open flags: how many people reported it,
    for which reasons (with counts), since when, and the content itself to judge inline."""

    content_type: ContentType
    object_id: int
    target: Model | None
    reporters: int
    reasons: list[tuple[str, int]]
    notes: list[str]
    first_flagged_at: object
    last_flagged_at: object
    can_hide: bool = False
    # What moderators already did about this content (a group's own moderators hiding a post, an
    # earlier dismissal), newest first: site staff see it before they decide.
    history: list[ModerationAction] = dataclasses.field(default_factory=list)
    # Site moderation hides it now (hidden pending review at N flags, typically): the queue offers
    # Restore instead of Dismiss.
    hidden: bool = False

    @property
    def label(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model}"

    @property
    def preview(self) -> str:
        """Plain text of the content (escaped by the template), cut to a screenful."""
        return content_preview(self.target, limit=1500)


PREVIEW_FIELDS = ("body", "story", "description", "title", "name")


def content_preview(target: Model | None, *, limit: int) -> str:
    """The first text field of flagged or hidden content, as plain text cut to `limit`."""
    if target is None:
        return ""
    for field in PREVIEW_FIELDS:
        value = getattr(target, field, None)
        if isinstance(value, str) and value.strip():
            return value.strip()[:limit]
    return str(target)


REASON_LABELS = dict(Flag.Reason.choices)


def flag_queue(*, limit: int = 200) -> list[QueueItem]:
    """Open flags grouped by item, longest-waiting first: one aggregate query, one query for the
    reasons and notes, and one per content type for the content itself."""
    groups = list(
        Flag.objects.filter(status=Flag.Status.OPEN)
        .values("content_type_id", "object_id")
        .annotate(reporters=Count("id"), first=Min("created_at"), last=Max("created_at"))
        .order_by("first")[:limit]
    )
    if not groups:
        return []
    keys = {(row["content_type_id"], row["object_id"]) for row in groups}
    reasons: dict[tuple[int, int], Counter] = defaultdict(Counter)
    notes: dict[tuple[int, int], list[str]] = defaultdict(list)
    open_flags = Flag.objects.filter(
        status=Flag.Status.OPEN,
        content_type_id__in={ct for ct, _ in keys},
        object_id__in={pk for _, pk in keys},
    ).values_list("content_type_id", "object_id", "reason", "note")
    for ct, pk, reason, note in open_flags:
        if (ct, pk) in keys:
            reasons[(ct, pk)][REASON_LABELS.get(reason, reason)] += 1
            if note:
                notes[(ct, pk)].append(note)
    targets, content_types = _targets_for(keys)
    history = _history_for(keys)
    items = []
    for row in groups:
        key = (row["content_type_id"], row["object_id"])
        target = targets.get(key)
        items.append(
            QueueItem(
                content_type=content_types[key[0]],
                object_id=key[1],
                target=target,
                reporters=row["reporters"],
                reasons=reasons[key].most_common(),
                notes=notes[key][:5],
                first_flagged_at=row["first"],
                last_flagged_at=row["last"],
                can_hide=target is not None and policies.can_hide_from_flag_queue(target),
                history=history[key][:HISTORY_PER_ITEM],
                hidden=_hidden_by(history[key]),
            )
        )
    return items


def _targets_for(keys) -> tuple[dict[tuple[int, int], Model], dict[int, ContentType]]:
    """The content behind (content type id, object id) pairs: one query for the content types and
    one per type, with what each type's app said its page and preview need (`registry.related`)."""
    targets: dict[tuple[int, int], Model] = {}
    by_type: dict[int, set[int]] = defaultdict(set)
    for ct, pk in keys:
        by_type[ct].add(pk)
    content_types = ContentType.objects.in_bulk(list(by_type))
    for ct_id, pks in by_type.items():
        model_class = content_types[ct_id].model_class()
        if model_class is None:
            continue
        for target in registry.bulk_queryset(model_class).filter(pk__in=pks):
            targets[(ct_id, target.pk)] = target
    return targets, content_types


HISTORY_PER_ITEM = 5
GROUP_ACTION_PREFIX = "group_"  # actions taken by a group's own moderators (communities services)


def _hidden_by(history: list[ModerationAction]) -> bool:
    """Whether the newest hide/restore in an item's history (newest first) hides it."""
    latest = next((action for action in history if action.action in VISIBILITY_ACTIONS), None)
    return latest is not None and latest.action in HIDING_ACTIONS


def _history_for(keys: set[tuple[int, int]]) -> dict[tuple[int, int], list[ModerationAction]]:
    """Audit-log rows on the queued items, one query."""
    history: dict[tuple[int, int], list[ModerationAction]] = defaultdict(list)
    rows = (
        ModerationAction.objects.filter(
            content_type_id__in={ct for ct, _ in keys}, object_id__in={pk for _, pk in keys}
        )
        .select_related("moderator")
        .order_by("-created_at", "-id")
    )
    for action in rows:
        key = (action.content_type_id, action.object_id)
        if key in keys:
            action.by_group_moderator = action.action.startswith(GROUP_ACTION_PREFIX)
            history[key].append(action)
    return history


def open_flag_for(*, content_type_id: int, object_id: int) -> Flag | None:
    """Any open flag on an item: the queue resolves an item through one of its flags."""
    return (
        Flag.objects.filter(content_type_id=content_type_id, object_id=object_id, status=Flag.Status.OPEN)
        .order_by("created_at")
        .first()
    )


# The audit-log actions that change whether site moderation hides an item; the newest of them on
# an item says whether it is hidden now.
HIDING_ACTIONS = ("hide", "auto_hide")
VISIBILITY_ACTIONS = (*HIDING_ACTIONS, "restore")


def _latest_visibility_action_id():
    return Subquery(
        ModerationAction.objects.filter(
            content_type_id=OuterRef("content_type_id"),
            object_id=OuterRef("object_id"),
            action__in=VISIBILITY_ACTIONS,
        )
        .order_by("-created_at", "-id")
        .values("id")[:1]
    )


def hiding_decision_for(target: Model) -> ModerationAction | None:
    """The site decision that hides `target` now (a hide, or hidden pending review), or None when
    site moderation does not hide it (never hidden, or restored since). One query."""
    content_type = ContentType.objects.get_for_model(target)
    latest = (
        ModerationAction.objects.filter(content_type=content_type, object_id=target.pk, action__in=VISIBILITY_ACTIONS)
        .order_by("-created_at", "-id")
        .first()
    )
    return latest if latest is not None and latest.action in HIDING_ACTIONS else None


@dataclass
class HiddenItem:
    """Content site moderation hides now, with the decision that hid it: what can be restored."""

    decision: ModerationAction
    content_type: ContentType
    object_id: int
    target: Model | None

    @property
    def label(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model}"

    @property
    def preview(self) -> str:
        return content_preview(self.target, limit=500)


def hidden_items(*, limit: int = 100) -> list[HiddenItem]:
    """What site moderation hides now, newest decision first, over every registered type that can
    be restored: one query for the decisions (each the newest hide/restore on its item), one for
    the content types, one per type for the content. Deleted content is left out."""
    decisions = list(
        ModerationAction.objects.filter(action__in=HIDING_ACTIONS, content_type__isnull=False)
        .annotate(latest_id=_latest_visibility_action_id())
        .filter(latest_id=F("id"))
        .select_related("moderator")
        .order_by("-created_at", "-id")[:limit]
    )
    keys = {(decision.content_type_id, decision.object_id) for decision in decisions}
    targets, content_types = _targets_for(keys)
    items = []
    for decision in decisions:
        key = (decision.content_type_id, decision.object_id)
        target = targets.get(key)
        if target is None or not policies.can_hide_from_flag_queue(target):
            continue
        items.append(HiddenItem(decision=decision, content_type=content_types[key[0]], object_id=key[1], target=target))
    return items


def restorable_target_for(*, label: str, object_id: int) -> Model | None:
    """The registered, restorable content behind "app.model" and an id, or None (unknown type,
    cannot be hidden, no such object)."""
    if not policies.is_flaggable(label):
        return None
    app_label, _dot, model = label.partition(".")
    try:
        model_class = apps.get_model(app_label, model)
    except LookupError:
        return None
    target = model_class._default_manager.filter(pk=object_id).first()
    return target if target is not None and policies.can_hide_from_flag_queue(target) else None
