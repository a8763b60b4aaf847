"""Who may see or do what with a campaign: one place, pure functions over objects. Services enforce
these (raising with their own messages), selectors filter by them, views and templates only show
what they allow.

- organizers edit, submit, close and post updates on their own campaigns;
- moderators (active staff with the campaign change permission) approve, reject, close and unpublish;
- signatures export: the organizer, or staff with `campaigns.export_signatures`;
- only published campaigns take signatures, follows and comments;
- a hidden update is seen only by the campaign's managers and site moderators;
- comment authors edit and delete their own within COMMENT_EDIT_WINDOW; organizers and
  moderators (campaign or site) hide comments;
- another app's page (event, group) is shareable when its app says so on `share_link_targets`.
"""

from campaigns.hooks import share_link_targets
from campaigns.models import Campaign, Comment
from causeweb.moderation.policies import is_site_moderator

EXPORT_SIGNATURES_PERMISSION = "campaigns.export_signatures"


def is_active_user(user) -> bool:
    """Signed in with an account that is not deactivated."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def user_is_moderator(user) -> bool:
    return bool(is_active_user(user) and user.is_staff and user.has_perm("campaigns.change_campaign"))


def is_organizer(user, campaign: Campaign) -> bool:
    """The campaign's own organizer (an active account): edits, submits, posts updates."""
    return is_active_user(user) and campaign.organizer_id == user.pk


def user_can_manage(user, campaign: Campaign) -> bool:
    """The organizer (or a moderator) may see and manage a campaign whatever its status."""
    if not is_active_user(user):
        return False
    return campaign.organizer_id == user.pk or user_is_moderator(user)


def user_can_hide_comments(user, campaign: Campaign) -> bool:
    return user_can_manage(user, campaign) or is_site_moderator(user)


def can_export_signatures(user, campaign: Campaign) -> bool:
    """Signers' names and emails go to the campaign's organizer, and to staff given the dedicated
    `campaigns.export_signatures` permission (superusers hold every permission). Reviewing campaigns
    (`campaigns.change_campaign`) is not enough: moderators read content, not mailing lists."""
    if not is_active_user(user):
        return False
    if campaign.organizer_id == user.pk:
        return True
    return bool(user.is_staff and user.has_perm(EXPORT_SIGNATURES_PERMISSION))


def can_view_campaign(campaign: Campaign, user) -> bool:
    """Public campaigns for everyone; drafts, pending and rejected ones for their managers only."""
    return campaign.is_public or user_can_manage(user, campaign)


def takes_participation(campaign: Campaign) -> bool:
    """Signatures and comments: published (open) campaigns only."""
    return campaign.status == Campaign.Status.PUBLISHED


def is_comment_author(user, comment: Comment) -> bool:
    return bool(getattr(user, "is_authenticated", False) and comment.author_id == user.pk)


def can_change_comment(user, comment: Comment) -> bool:
    """The author, inside the edit window, on a comment that was not removed."""
    return is_comment_author(user, comment) and comment.is_changeable


def can_view_comment(comment, user) -> bool:
    """A comment is seen where its campaign is; a removed one only by its author and by the people
    who may hide comments there."""
    campaign = comment.campaign
    if not can_view_campaign(campaign, user):
        return False
    if not comment.is_removed:
        return True
    return is_comment_author(user, comment) or user_can_hide_comments(user, campaign)


def can_view_update(update, user) -> bool:
    """An update is seen where its campaign is; a hidden one only by the campaign's managers and
    site moderators (so nobody else can find or flag it)."""
    campaign = update.campaign
    if not can_view_campaign(campaign, user):
        return False
    return not update.is_hidden or user_can_manage(user, campaign) or is_site_moderator(user)


def share_target_is_shareable(target) -> bool:
    """Whether the app owning `target` (an event, a group) lets it be shared now: asked of the
    providers registered on `campaigns.hooks.share_link_targets`; an unknown model is not."""
    return any(answer for _key, answer in share_link_targets.call_each(target=target))
