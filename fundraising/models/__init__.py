"""The fundraising models, one module per concept: `ledger` (donations, refunds, the campaign
totals and their shards, Stripe customers and webhook events), `pledges` (all-or-nothing),
`monthly` (monthly giving) and `reconciliation` (runs and their discrepancies). Everything is
imported from here: `from fundraising.models import Donation`."""

from fundraising.models.ledger import (
    FUNDING_SHARDS,
    CampaignFunding,
    CampaignFundingShard,
    Donation,
    Refund,
    StripeCustomer,
    StripeEvent,
)
from fundraising.models.monthly import MonthlyCharge, MonthlyPlan
from fundraising.models.pledges import Pledge
from fundraising.models.reconciliation import Discrepancy, ReconciliationRun

__all__ = [
    "FUNDING_SHARDS",
    "CampaignFunding",
    "CampaignFundingShard",
    "Discrepancy",
    "Donation",
    "MonthlyCharge",
    "MonthlyPlan",
    "Pledge",
    "ReconciliationRun",
    "Refund",
    "StripeCustomer",
    "StripeEvent",
]
