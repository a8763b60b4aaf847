"""Reads for suspensions, appeals and the public transparency log.

The transparency log shows moderation decisions (ModerationAction.DECISIONS) with what kind of
content, which rule, when, the outcome and the appeal's outcome, and nothing else: no reporter,
no moderator, no subject, no text of the content, no notes (a moderator's note can name people)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from causeweb.moderation.appeal_links import appeal_path
from causeweb.moderation.models import Appeal, Flag, ModerationAction, Suspension

RULE_LABELS = dict(Flag.Reason.choices)


def active_suspension_for(user) -> Suspension | None:
    """The running suspension of `user` (None when not suspended); one query."""
    if getattr(user, "pk", None) is None:
        return None
    return (
        Suspension.objects.filter(user_id=user.pk, lifted_at__isnull=True)
        .exclude(ends_at__lte=timezone.now())
        .order_by("-starts_at")
        .first()
    )


def suspension_appeal_path(suspension: Suspension) -> str:
    """The signed appeal link of a suspension ("" once it was appealed or has no decision row)."""
    decision = (
        ModerationAction.objects.filter(
            action="suspend_user", content_type__app_label="moderation", content_type__model="suspension",
            object_id=suspension.pk, appeal__isnull=True,
        ).only("id").first()
    )  # fmt: skip
    return appeal_path(decision_id=decision.pk, user_id=suspension.user_id) if decision else ""


def appealable_decision(*, decision_id: int) -> ModerationAction | None:
    return (
        ModerationAction.objects.filter(pk=decision_id, action__in=ModerationAction.APPEALABLE)
        .select_related("content_type", "subject")
        .first()
    )


def appeal_for(*, decision: ModerationAction) -> Appeal | None:
    return Appeal.objects.filter(decision=decision).first()


def appeals_pending_count() -> int:
    return Appeal.objects.filter(status=Appeal.Status.PENDING).count()


@dataclass(frozen=True)
class PublicDecision:
    id: int
    content_type: str
    rule: str
    rule_label: str
    decided_at: datetime
    outcome: str
    outcome_label: str
    appeal: str
    appeal_label: str


def _content_type_label(action: ModerationAction) -> str:
    content_type = action.content_type
    if content_type is None:
        return gettext("deleted content")
    if (content_type.app_label, content_type.model) == ("moderation", "suspension"):
        return pgettext("moderated content type", "account")
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else content_type.model


def _public_decisions() -> QuerySet[ModerationAction]:
    """The decisions the log lists; a restore that an overturned appeal made is that appeal's
    outcome (shown on the decision appealed), not a decision of its own."""
    # By id: a plain exclude() on the JSON key drops every restore without the key too (NULL in SQL).
    by_appeal = ModerationAction.objects.filter(action="restore", after__by_appeal=True).values("pk")
    return ModerationAction.objects.filter(action__in=ModerationAction.DECISIONS).exclude(pk__in=by_appeal)


def transparency_decisions() -> QuerySet[ModerationAction]:
    """Every public decision, newest first, with its appeal (one query per page)."""
    return (
        _public_decisions()
        .select_related("content_type", "appeal")
        .only("id", "action", "rule", "created_at", "content_type", "appeal__status")
        .order_by("-created_at", "-id")
    )


def public_decision(action: ModerationAction) -> PublicDecision:
    appeal = getattr(action, "appeal", None)  # reverse one-to-one: absent raises AttributeError
    if appeal is not None:
        appeal_status = appeal.status
    else:
        appeal_status = "" if action.action in ModerationAction.APPEALABLE else "n/a"
    appeal_labels = {
        **dict(Appeal.Status.choices),
        "": gettext("Not appealed"),
        "n/a": gettext("Cannot be appealed"),
    }
    return PublicDecision(
        id=action.pk,
        content_type=_content_type_label(action),
        rule=action.rule,
        rule_label=str(RULE_LABELS.get(action.rule, gettext("Not given"))),
        decided_at=action.created_at,
        outcome=action.action,
        outcome_label=action.outcome,
        appeal=appeal_status or "none",
        appeal_label=str(appeal_labels[appeal_status]),
    )


def transparency_monthly_totals(*, months: int = 12) -> list[dict]:
    """Decisions per month and rule for the last `months` months, newest month first:
    [{"month": date, "totals": {rule: n}, "total": n}]. One aggregate query."""
    now = timezone.now()
    start_month = (now.year * 12 + now.month - 1) - (months - 1)
    since = now.replace(year=start_month // 12, month=start_month % 12 + 1, day=1, hour=0, minute=0, second=0,
                        microsecond=0)  # fmt: skip
    rows = (
        _public_decisions()
        .filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "rule")
        .annotate(n=Count("id"))
        .order_by("-month", "rule")
    )
    by_month: dict = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        entry = by_month.setdefault(month, {"month": month, "totals": {}, "total": 0})
        entry["totals"][row["rule"] or "none"] = row["n"]
        entry["total"] += row["n"]
    for entry in by_month.values():
        entry["cells"] = [entry["totals"].get(code, 0) for code in RULE_LABELS]
        # The same with each rule's name, for the page's cards on a phone (each cell says its rule).
        entry["rule_cells"] = [(label, entry["totals"].get(code, 0)) for code, label in RULE_LABELS.items()]
    return list(by_month.values())
