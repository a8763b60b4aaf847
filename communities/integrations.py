"""What communities adds to lower layers' pages (registered in CommunitiesConfig.ready())."""

from causeweb.core import page_cache
from causeweb.core.hooks import PageSection
from communities import policies, selectors
from communities.models import Group


def home_section(*, request) -> PageSection:
    return PageSection("communities/_home_section.html", {"groups": selectors.group_list_featured(limit=4)})


def campaign_groups_section(*, campaign, viewer) -> PageSection:
    page_cache.depends_on("groups")  # the groups' names and member counts
    return PageSection(
        "communities/_campaign_section.html",
        {"groups": selectors.group_list_for_campaign(campaign_id=campaign.pk, limit=5)},
    )


def share_link_target(*, target) -> bool | None:
    """campaigns' share links may point at a group (`campaigns.hooks.share_link_targets`)."""
    return policies.can_share_group(target) if isinstance(target, Group) else None


def my_activity_section(*, user) -> PageSection:
    return PageSection("communities/_my_activity.html", {"memberships": selectors.membership_list_for_user(user=user)})


def public_profile_section(*, person) -> PageSection:
    return PageSection(
        "communities/_public_profile.html", {"groups": selectors.group_list_public_for_member(user=person)}
    )
