"""What moderation tells people: the decision about them with the rule, the end date and the
appeal link; the end of a suspension; the outcome of an appeal. Mandatory mail (Kind.SECURITY:
"Account and security"), sent through the notifications pipeline after commit, once per decision
(the dedupe key names it).

The words are messages (causeweb.notifications.texts), not English strings: each person reads
them, in the list and in the email, in their own language, and the end date in their time zone."""

from django.utils.translation import gettext_noop

from causeweb.moderation.appeal_links import appeal_path
from causeweb.moderation.models import Appeal, Flag, ModerationAction, Suspension
from causeweb.notifications.kinds import Kind
from causeweb.notifications.services import notify
from causeweb.notifications.texts import datetime_value, joined, message, zone_value


def _until(suspension: Suspension) -> dict:
    if suspension.ends_at is None:
        return message(gettext_noop("permanently"))
    return message(
        gettext_noop("until %(date)s (%(zone)s)"), date=datetime_value(suspension.ends_at), zone=zone_value()
    )


def _rule(code: str) -> dict:
    """A rule's label, translated when read (Flag.Reason's labels are in the catalogue)."""
    return message(Flag.Reason(code).label) if code in Flag.Reason.values else message(code)


def _note(text: str) -> dict | str:
    return message(gettext_noop("\n\nThe moderator's note: %(note)s"), note=text) if text else ""


def suspension_notice(*, suspension: Suspension, decision: ModerationAction) -> None:
    appeal = appeal_path(decision_id=decision.pk, user_id=suspension.user_id)
    body = joined(
        message(
            gettext_noop("Your account is suspended %(until)s for breaking the rule “%(rule)s”."),
            until=_until(suspension),
            rule=_rule(suspension.rule),
        ),
        _note(suspension.note),
        message(gettext_noop("\n\nWhile it lasts you cannot sign in, and your API tokens no longer work.")),
        message(
            gettext_noop(
                "\n\nIf you think this is a mistake, you can appeal once, from the link below; a moderator"
                " who did not take the decision will read it and tell you the outcome."
            )
        ),
    )
    notify(
        recipient=suspension.user,
        kind=Kind.SECURITY,
        context={
            "title": message(gettext_noop("Your account is suspended")),
            "body": body,
            "url": appeal,
            "reason": _rule(suspension.rule),
            "decision": message(gettext_noop("Suspended %(until)s"), until=_until(suspension)),
        },
        dedupe_key=f"moderation-decision:{decision.pk}",
    )


def content_hidden_notice(*, decision: ModerationAction, author, kind_label) -> None:
    """`kind_label`: the content type's verbose name (lazy: its English is stored, and each
    app's catalogue translates it when read)."""
    rule = _rule(decision.rule) if decision.rule else message(gettext_noop("the site's rules"))
    kind = message(kind_label)
    notify(
        recipient=author,
        kind=Kind.SECURITY,
        context={
            "title": message(gettext_noop("A moderator hid your %(kind)s"), kind=kind),
            "body": joined(
                message(
                    gettext_noop("Your %(kind)s “%(content)s” was hidden for breaking the rule “%(rule)s”."),
                    kind=kind,
                    content=decision.target_repr,
                    rule=rule,
                ),
                _note(decision.reason),
                message(gettext_noop("\n\nIf you think this is a mistake, you can appeal once, from the link below.")),
            ),
            "url": appeal_path(decision_id=decision.pk, user_id=author.pk),
            "reason": rule,
            "decision": message(gettext_noop("Hidden")),
        },
        dedupe_key=f"moderation-decision:{decision.pk}",
    )


def suspension_ended_notice(*, suspension: Suspension, by_moderator: bool) -> None:
    how = (
        message(gettext_noop("A moderator lifted your suspension."))
        if by_moderator
        else message(gettext_noop("Your suspension has ended."))
    )
    notify(
        recipient=suspension.user,
        kind=Kind.SECURITY,
        context={
            "title": message(gettext_noop("You can sign in again")),
            "body": joined(
                how,
                message(
                    gettext_noop(
                        " You can sign in again; create new API tokens if you used any (the old ones stay revoked)."
                    )
                ),
            ),
            "url": "/accounts/login/",
            "decision": message(gettext_noop("Suspension ended")),
        },
        dedupe_key=f"moderation-suspension-ended:{suspension.pk}",
    )


def appeal_outcome_notice(*, appeal: Appeal) -> None:
    overturned = appeal.status == Appeal.Status.OVERTURNED
    if not overturned:
        outcome = message(gettext_noop("A moderator read your appeal and upheld the decision; it stands."))
    elif appeal.decision.action == "suspend_user":
        outcome = message(
            gettext_noop(
                "A moderator read your appeal and overturned the decision: your account is no longer suspended."
            )
        )
    else:
        outcome = message(
            gettext_noop("A moderator read your appeal and overturned the decision: your content is visible again.")
        )
    note = message(gettext_noop("\n\nTheir note: %(note)s"), note=appeal.decision_note) if appeal.decision_note else ""
    notify(
        recipient=appeal.appellant,
        kind=Kind.SECURITY,
        context={
            "title": message(
                gettext_noop("Your appeal was accepted") if overturned else gettext_noop("Your appeal was turned down")
            ),
            "body": joined(outcome, note),
            "url": "/moderation/",
            "decision": message(Appeal.Status(appeal.status).label),
        },
        dedupe_key=f"moderation-appeal-decided:{appeal.pk}",
    )
