"""Every write to community groups, one module per concept. Each service checks permission first
(asking communities.policies), then writes, in one transaction. Services that change a group's
membership lock the group row (`select_for_update`) so member counts and the "a group always keeps
an owner" rule hold under concurrency; reactions and joins rely on unique constraints and return the
existing row when a request is repeated.

- `groups`: starting a group and changing its settings.
- `membership`: joining and leaving, join requests, invitation links, roles, removal and bans.
- `discussions`: threads, posts (mentions and reply notifications), reactions, moderators' flags.
- `announcements`: moderators' emails to every member (sent by a Celery task).
- `sharing`: a group's tracked share links (campaigns' share machinery, the group as target).
- `campaigns`: the campaigns a group says it supports.
- `site_moderation`: what staff acting through `communities.moderate_any_group` leave in the
  audit log, and the hide/restore used by the site's moderation queue.
- `_common`: the permission checks and member bookkeeping the modules above share (not for other apps).
"""
