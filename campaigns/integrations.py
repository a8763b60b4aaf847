"""What campaigns adds to the platform's pages (registered in CampaignsConfig.ready())."""

from django.urls import reverse
from django.utils.translation import gettext

from campaigns import policies, selectors
from causeweb.core.hooks import AttentionItem, PageSection


def home_section(*, request) -> PageSection:
    return PageSection("campaigns/_home_section.html", {"campaigns": selectors.campaign_list_featured(limit=6)})


def my_activity_section(*, user) -> PageSection:
    return PageSection(
        "campaigns/_my_activity.html",
        {
            "signatures": selectors.signature_list_for_supporter(user=user),
            "followed": selectors.campaign_list_followed_by(user=user),
            "organized": list(selectors.campaign_list_for_organizer(user=user)[:20]),
        },
    )


def public_profile_section(*, person) -> PageSection:
    return PageSection(
        "campaigns/_public_profile.html", {"campaigns": selectors.campaign_list_public_by_organizer(user=person)}
    )


def admin_attention(*, user) -> list[AttentionItem] | None:
    """The admin dashboard's campaign lines, for people who review campaigns."""
    if not policies.user_is_moderator(user):
        return None
    counts = selectors.campaign_review_counts()
    return [
        AttentionItem(
            gettext("Campaigns waiting for review"),
            counts["pending"],
            reverse("admin:campaigns_pendingcampaign_changelist"),
            "content",
        ),
        AttentionItem(
            gettext("Edits of live campaigns not yet seen"),
            counts["edits"],
            reverse("admin:campaigns_campaignrevision_changelist") + "?reviewed_at__isnull=True",
            "content",
        ),
    ]
