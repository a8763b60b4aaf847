"""Who may see or do what with money. Pure functions over users and objects, asked by services
(which enforce them), selectors (which filter by them), the admin, views and the API.

Finance staff are active users holding `fundraising.refund_donation` (superusers hold every
permission): they alone refund, and they alone see who an anonymous donor is.
"""

REFUND_PERMISSION = "fundraising.refund_donation"


def can_manage_refunds(user) -> bool:
    """Finance staff: superusers or people with the fundraising.refund_donation permission."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(REFUND_PERMISSION))


def can_see_anonymous_donors(user) -> bool:
    """Anonymous donors stay anonymous for everyone but finance staff (organizers included)."""
    return can_manage_refunds(user)


def can_retry_stripe_events(user) -> bool:
    """Applying a failed webhook event again moves money: finance staff only."""
    return can_manage_refunds(user)


def can_view_campaign_donations(*, campaign, user) -> bool:
    """A campaign's donations tab and CSV: its organizer and finance staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    return campaign.organizer_id == user.pk or can_manage_refunds(user)


def donation_visible_to(*, donation, user, session_ids: list[str]) -> bool:
    """The donor's own session, the signed-in donor, or finance staff."""
    if str(donation.public_id) in session_ids:
        return True
    if getattr(user, "is_authenticated", False) and donation.donor_id == user.pk:
        return True
    return can_manage_refunds(user)


def can_manage_pledge(*, pledge, user) -> bool:
    """A pledge is changed, canceled or paid by its backer only (signed in)."""
    return bool(getattr(user, "is_authenticated", False) and pledge.backer_id == user.pk)


def can_view_pledge(*, pledge, user) -> bool:
    """The backer, and finance staff."""
    return can_manage_pledge(pledge=pledge, user=user) or can_manage_refunds(user)


def can_set_funding_model(*, campaign, user) -> bool:
    """The organizer chooses how their campaign raises money (keep what you raise or all or nothing)."""
    return bool(getattr(user, "is_authenticated", False) and campaign.organizer_id == user.pk)


def can_run_reconciliation(user) -> bool:
    """Starting a reconciliation run from the admin applies lost payments: finance staff only."""
    return can_manage_refunds(user)


def can_resolve_discrepancies(user) -> bool:
    """Closing a discrepancy between Stripe and the ledger is finance staff's decision."""
    return can_manage_refunds(user)
