"""Staff roles: three Django groups, least privilege, created by a data migration
(moderation/migrations/0002_staff_roles.py) and kept complete after every `migrate` (permissions of
models added later are attached when they appear, see ModerationConfig.ready()).

- *Moderator*: review campaigns, handle flags, hide and restore content, suspend people. No money:
  no donation, refund or Stripe permission, so the finance admin and refund service refuse them.
- *Finance*: donations, refunds, pledges, reconciliation. No content: no flag, campaign, comment,
  post or event change permission, so the flag queue and the hide services refuse them.
- *Admin*: every permission.

Staff still need `is_staff` to open the admin; the group says what they may do there. Changing
which permissions a role holds is done here (and a sync), never by editing groups in production.
"""

from django.db.models import Q

MODERATOR = "Moderator"
FINANCE = "Finance"
ADMIN = "Admin"
ALL_PERMISSIONS = "__all__"

ROLE_PERMISSIONS: dict[str, list[str] | str] = {
    MODERATOR: [
        # The queue and the audit trail.
        "moderation.view_flag",
        "moderation.change_flag",
        "moderation.view_moderationaction",
        "moderation.view_suspension",
        "moderation.suspend_user",
        "moderation.view_appeal",
        "moderation.decide_appeal",
        # Campaign review (approve, reject, take down) and comments.
        "campaigns.view_campaign",
        "campaigns.change_campaign",
        "campaigns.view_pendingcampaign",
        "campaigns.change_pendingcampaign",
        "campaigns.view_campaignupdate",
        "campaigns.view_campaignrevision",
        "campaigns.view_comment",
        "campaigns.change_comment",
        "campaigns.view_cause",
        # Groups, threads, posts and events: seen, and acted on through the queue.
        "communities.moderate_any_group",
        "communities.view_group",
        "communities.view_thread",
        "communities.view_post",
        "events.view_event",
        # Abuse limits: who hit them, and lifting or raising them (causeweb/core/abuse.py).
        "core.view_ratelimithit",
        "core.view_ratelimitoverride",
        "core.add_ratelimitoverride",
        "core.change_ratelimitoverride",
        "core.delete_ratelimitoverride",
        # People: looked up and suspended, never edited (no change_user: no role or password edits).
        "accounts.view_user",
    ],
    FINANCE: [
        "fundraising.view_donation",
        "fundraising.refund_donation",
        "fundraising.view_refund",
        "fundraising.view_campaignfunding",
        "fundraising.view_stripeevent",
        "fundraising.change_stripeevent",
        # Pledges and reconciliation, when those models exist (missing codenames are skipped).
        "fundraising.view_pledge",
        "fundraising.change_pledge",
        "fundraising.view_reconciliation",
        "fundraising.change_reconciliation",
        "moderation.view_moderationaction",
    ],
    ADMIN: ALL_PERMISSIONS,
}


def staff_roles_sync(*, group_model, permission_model) -> dict[str, int]:
    """Create the three groups and add what each role is missing (never removes: an Admin may
    have narrowed nothing, and a removal would be a silent privilege change). Takes the models so
    the data migration can pass its historical ones. Returns how many permissions each group holds."""
    held = {}
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        if codenames == ALL_PERMISSIONS:
            wanted = permission_model.objects.all()
        else:
            match = Q(pk__in=[])
            for label in codenames:
                app_label, codename = label.split(".", 1)
                match |= Q(content_type__app_label=app_label, codename=codename)
            wanted = permission_model.objects.filter(match)
        group.permissions.add(*wanted)
        held[name] = group.permissions.count()
    return held
