"""Writes for money, one module per concept (import from where the code lives, e.g.
`from fundraising.services import donations`; nothing is re-exported here):

- donations: a donation from the donate page or the API up to its card step: create,
  `donation_begin` (create + Stripe customer or card SetupIntent, failed again if Stripe refuses;
  an API client's repeated request key answers with the first donation).
- charging: charge the donation's card (one PaymentIntent, no Stripe call under a lock), refresh
  after 3D Secure, record a card the page could not save.
- refunds: refunds made by finance staff through Stripe.
- webhooks: verified Stripe events, stored once and applied (and applied again from the admin).
- settling: donations left pending (abandoned pages, lost webhooks) finished against Stripe.
- transitions: the donation state machine every module above moves through (lock, mark
  succeeded/failed/canceled, also by id: `donation_mark_*`, `donation_cancel`; apply a
  PaymentIntent or a refund, move the campaign's totals) and the messages a donor is shown about
  the outcome.
- receipts: the signed receipt link and the receipt/refund emails.
- reconciliation: the ledger compared with Stripe's charges and refunds (hourly and from the
  admin): lost payments applied, lost refunds recorded, totals recomputed, the rest flagged as
  Discrepancy rows for finance staff.

- funding_model: the organizer's choice, keep what you raise or all-or-nothing by the deadline.
- pledges: all-or-nothing pledges: back (SetupIntent, nothing charged), change, cancel; the one
  decision at the deadline; off-session collection in batches, resumable after a crash;
  payment_required, reminders and lapsing.
- pledge_notices: what backers and organizers of all-or-nothing campaigns are told.
- pledge_payments: a `payment_required` pledge paid on-session (saved or new card, 3-D Secure in
  the page, within the grace period), exactly once.

- reconciliation (the run), reconciliation_charges, reconciliation_totals, reconciliation_records
  (the Discrepancy rows): compares the ledger with Stripe's charges and refunds, applies what was
  lost, flags what it cannot fix, repairs campaign totals.
- monthly: monthly giving: a plan started from the donate page, then one off-session charge per
  period by beat (MonthlyCharge unique per period), retries, pause.
- monthly_manage / monthly_notices: the donor's controls (signed link or signed in) and emails.

Every state change of a Donation locks the donation row (`select_for_update`), returns early when
the change was already made, and moves the campaign's CampaignFunding totals with F() in the same
transaction. Duplicate and out-of-order webhooks, double clicks and the server's own re-fetches all
end in the same place.

Lock order, everywhere: StripeEvent row -> Donation row -> CampaignFunding row.

Stripe is called only through fundraising.gateway; a Stripe call is never made while the
CampaignFunding row is locked (it is locked last, for one UPDATE). The rules (limits, fee, whether
a campaign takes donations) are in fundraising.rules, who may do what in fundraising.policies.
"""
