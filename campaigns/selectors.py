from campaigns.models import Campaign


def campaign_list_featured(*, limit: int = 6):
    """Published campaigns for the home page, newest first."""
    return (
        Campaign.objects.filter(status=Campaign.Status.PUBLISHED)
        .select_related("cause")
        .order_by("-published_at")[:limit]
    )


def campaign_get_public(*, slug: str) -> Campaign | None:
    return (
        Campaign.objects.filter(slug=slug, status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED])
        .select_related("cause", "organizer")
        .first()
    )
