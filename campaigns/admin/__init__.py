"""The campaigns admin, by concept: `content` (campaigns, the review queue, updates, signatures,
share links, comments and their bulk actions), `review` (the change page a moderator judges a
campaign on: the story as the public sees it, the organizer's record, edits, Approve / Reject).
Imported here so that admin autodiscovery registers them."""

from campaigns.admin import content, review  # noqa: F401
