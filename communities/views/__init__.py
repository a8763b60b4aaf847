"""Thin HTML views for community groups: parse input, call one service or selector, render. Domain
errors become form errors or flash messages through causeweb.core.boundary.

- `browse`: the list of groups, starting a group, its settings and its page.
- `membership`: joining, leaving, invitation links, members, roles, bans and join requests.
- `discussions`: threads, replies, editing and deleting one's messages, reactions.
- `moderation`: hiding messages, pinning/locking/hiding threads, announcements, supported
  campaigns and flagged posts.
- `sharing`: the preview card image, QR code, embeddable widget and the moderators' share statistics.
- `_common`: loading the group with what the person may do there (shared by the modules above).
"""
