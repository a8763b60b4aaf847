"""What moderation tells people: the decision about them with the rule, the end date and the
appeal link; the end of a suspension; the outcome of an appeal. Mandatory mail (Kind.SECURITY:
"Account and security"), sent through the notifications pipeline after commit, once per decision
(the dedupe key names it)."""

from django.utils import formats

from causeweb.moderation.appeal_links import appeal_path
from causeweb.moderation.models import Appeal, ModerationAction, Suspension
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify


def _until(suspension: Suspension) -> str:
    if suspension.ends_at is None:
        return "permanently"
    return "until " + formats.date_format(suspension.ends_at, "DATETIME_FORMAT") + " (UTC)"


def suspension_notice(*, suspension: Suspension, decision: ModerationAction) -> None:
    appeal = appeal_path(decision_id=decision.pk, user_id=suspension.user_id)
    body = (
        f"Your account is suspended {_until(suspension)} for breaking the rule “{suspension.get_rule_display()}”."
        + (f"\n\nThe moderator's note: {suspension.note}" if suspension.note else "")
        + "\n\nWhile it lasts you cannot sign in, and your API tokens no longer work."
        + "\n\nIf you think this is a mistake, you can appeal once, from the link below; a moderator"
        " who did not take the decision will read it and tell you the outcome."
    )
    notify(
        recipient=suspension.user,
        kind=Kind.SECURITY,
        context={
            "title": "Your account is suspended",
            "body": body,
            "url": appeal,
            "reason": suspension.get_rule_display(),
            "decision": f"Suspended {_until(suspension)}",
        },
        dedupe_key=f"moderation-decision:{decision.pk}",
    )


def content_hidden_notice(*, decision: ModerationAction, author, kind_label: str) -> None:
    rule = decision.get_rule_display() if decision.rule else "the site's rules"
    notify(
        recipient=author,
        kind=Kind.SECURITY,
        context={
            "title": f"A moderator hid your {kind_label}",
            "body": f"Your {kind_label} “{decision.target_repr}” was hidden for breaking the rule “{rule}”."
            + (f"\n\nThe moderator's note: {decision.reason}" if decision.reason else "")
            + "\n\nIf you think this is a mistake, you can appeal once, from the link below.",
            "url": appeal_path(decision_id=decision.pk, user_id=author.pk),
            "reason": rule,
            "decision": "Hidden",
        },
        dedupe_key=f"moderation-decision:{decision.pk}",
    )


def suspension_ended_notice(*, suspension: Suspension, by_moderator: bool) -> None:
    how = "A moderator lifted your suspension." if by_moderator else "Your suspension has ended."
    notify(
        recipient=suspension.user,
        kind=Kind.SECURITY,
        context={
            "title": "You can sign in again",
            "body": how + " You can sign in again; create new API tokens if you used any (the old ones stay revoked).",
            "url": "/accounts/login/",
            "decision": "Suspension ended",
        },
        dedupe_key=f"moderation-suspension-ended:{suspension.pk}",
    )


def appeal_outcome_notice(*, appeal: Appeal) -> None:
    overturned = appeal.status == Appeal.Status.OVERTURNED
    what = "account is no longer suspended" if appeal.decision.action == "suspend_user" else "content is visible again"
    body = (
        f"A moderator read your appeal and overturned the decision: your {what}."
        if overturned
        else "A moderator read your appeal and upheld the decision; it stands."
    ) + (f"\n\nTheir note: {appeal.decision_note}" if appeal.decision_note else "")
    notify(
        recipient=appeal.appellant,
        kind=Kind.SECURITY,
        context={
            "title": "Your appeal was " + ("accepted" if overturned else "turned down"),
            "body": body,
            "url": "/moderation/",
            "decision": appeal.get_status_display(),
        },
        dedupe_key=f"moderation-appeal-decided:{appeal.pk}",
    )
