"""Appeals: the person a decision is about (the author of hidden content, the suspended person)
asks once per decision for another look; a moderator who did not take the decision upholds or
overturns it, and the person is told. Overturning restores the content or lifts the suspension
and restores what was hidden with it."""

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from causeweb.core.exceptions import Conflict, PermissionDenied, ValidationError
from causeweb.moderation import policies
from causeweb.moderation.models import Appeal, ModerationAction
from causeweb.moderation.registry import moderatable_for
from causeweb.moderation.services import notices
from causeweb.moderation.services.audit import moderation_action_record
from causeweb.moderation.services.suspensions import suspension_lift_for_appeal

OUTCOMES = {"uphold": Appeal.Status.UPHELD, "overturn": Appeal.Status.OVERTURNED}


@transaction.atomic
def appeal_create(*, decision: ModerationAction, appellant, statement: str) -> Appeal:
    """Refused for anyone but the person the decision is about, for decisions that cannot be
    appealed, and a second time for the same decision (Conflict, with a clear message)."""
    if not policies.can_appeal(appellant, decision):
        raise PermissionDenied(gettext("Only the person this decision is about can appeal it."))
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": gettext("Tell the moderators why the decision should change.")})
    if len(statement) > 4000:
        raise ValidationError({"statement": gettext("Keep it under 4,000 characters.")})
    try:
        with transaction.atomic():
            return Appeal.objects.create(decision=decision, appellant=appellant, statement=statement)
    except IntegrityError:
        raise Conflict(
            gettext(
                "You have already appealed this decision. Each decision can be appealed once; "
                "you will be told the outcome by email."
            ),
            code="already_appealed",
        ) from None


def _restore(*, label: str, object_id: int, moderator, reason: str) -> bool:
    app_label, model = label.split(".")
    target = apps.get_model(app_label, model)._default_manager.filter(pk=object_id).first()
    entry = moderatable_for(target) if target is not None else None
    if entry is None or not entry.can_hide:
        return False
    entry.restore(target, moderator=moderator)
    moderation_action_record(
        moderator=moderator,
        action="restore",
        target=target,
        reason=reason,
        before={"hidden": True},
        # Part of the appeal's outcome (the transparency log shows it as "Decision overturned" on
        # the decision), so not listed there as a decision of its own.
        after={"hidden": False, "by_appeal": True},
    )
    return True


@transaction.atomic
def appeal_decide(*, appeal: Appeal, moderator, outcome: str, note: str = "") -> Appeal:
    """`outcome` "uphold" or "overturn". Locks the appeal; deciding twice is a Conflict."""
    if not policies.can_decide_appeals(moderator):
        raise PermissionDenied(gettext("Only site moderators decide appeals."))
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": gettext("Uphold or overturn.")})
    appeal = Appeal.objects.select_for_update().select_related("decision", "appellant").get(pk=appeal.pk)
    if appeal.status != Appeal.Status.PENDING:
        raise Conflict(gettext("This appeal has already been decided."), code="already_decided")
    decision = appeal.decision
    if decision.moderator_id == moderator.pk and not moderator.is_superuser:
        raise PermissionDenied(gettext("Another moderator must decide an appeal against your own decision."))
    note = (note or "").strip()[:2000]
    restored = []
    if outcome == "overturn":
        reason = f"Appeal #{appeal.pk} overturned" + (f": {note}" if note else "")
        if decision.action == "suspend_user":
            if decision.target is not None:
                suspension_lift_for_appeal(suspension=decision.target, moderator=moderator, reason=reason)
            to_restore = (decision.after or {}).get("hidden", [])
        else:
            label = decision.content_type.app_label + "." + decision.content_type.model if decision.content_type else ""
            to_restore = [[label, decision.object_id]] if label else []
        for label, object_id in to_restore:
            if _restore(label=label, object_id=object_id, moderator=moderator, reason=reason):
                restored.append([label, object_id])
    appeal.status = OUTCOMES[outcome]
    appeal.decided_at = timezone.now()
    appeal.decided_by = moderator
    appeal.decision_note = note
    appeal.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    moderation_action_record(
        moderator=moderator,
        action=f"appeal_{appeal.status}",
        target=appeal,
        reason=note,
        rule=decision.rule,
        subject=appeal.appellant,
        before={"status": Appeal.Status.PENDING, "decision": decision.pk},
        after={"status": appeal.status, "restored": restored},
    )
    notices.appeal_outcome_notice(appeal=appeal)
    return appeal
