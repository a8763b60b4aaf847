"""Finance staff work here (superusers, or staff with fundraising.refund_donation): donations with
filters, full and partial refunds through Stripe, read-only Stripe ids linking to the dashboard,
disputes flagged, webhook events. Nothing about money is editable by hand: every change goes
through fundraising.services; who may see and do it is fundraising.policies.

The admin is split by concept: `donations` (donations, refunds), `webhooks` (Stripe events),
`pledges` (campaign funding, pledges), `monthly` (monthly plans and their charges),
`reconciliation` (runs, discrepancies); `_common` holds the
finance-only base class. Imported here so that admin autodiscovery registers them."""

from fundraising.admin import donations, monthly, pledges, reconciliation, webhooks  # noqa: F401
