"""Donations for `manage.py seed_scale`: 1,000,000 at factor 1 on the public campaigns with a goal,
a long tail plus the few `popular_campaigns` with 100k+ each; mostly succeeded, some partially or
fully refunded (with their Refund rows), failed, pending or canceled.

`CampaignFunding` is then built by SQL from the donations with the services' own rule
(Donation.counted_minor and the donor count moved by donation_mark_succeeded/_apply_refund):
raised = sum of max(0, amount - refunded) over the paid states; donors = succeeded or partially
refunded donations."""

import uuid
from datetime import timedelta

from causeweb.core import bulk
from fundraising.models import CampaignFunding, CampaignFundingShard, Donation, Refund
from fundraising.rules import PRESET_AMOUNTS, processing_fee
from fundraising.services.transitions import DECLINED_MESSAGE

SEED_ORDER = 30
MODELS = [Donation, Refund, CampaignFunding, CampaignFundingShard]
DONATIONS = 1_000_000
POPULAR_DONATIONS = (150_000, 120_000, 100_000)
State = Donation.State
STATE_MIX = (
    [State.SUCCEEDED, State.PARTIALLY_REFUNDED, State.REFUNDED, State.FAILED, State.PENDING, State.CANCELED],
    [0.90, 0.02, 0.03, 0.04, 0.005, 0.005],
)
VISIBILITY_MIX = (
    [Donation.Visibility.NAME, Donation.Visibility.FIRST_NAME, Donation.Visibility.ANONYMOUS],
    [7, 1.5, 1.5],
)
MESSAGES = ["", "", "", "Good luck!", "For my grandmother.", "Keep going!", "Proud to help.", "From the whole team."]


def _amount(rng, currency: str) -> int:
    if rng.random() < 0.75:
        return rng.choice(PRESET_AMOUNTS[currency])
    return rng.randrange(100, 20_000) if rng.random() < 0.95 else rng.randrange(20_000, 1_000_000)


def _donation_rows(rng, ids, plan, refunds):
    """`plan`: (campaign tuple, donation count); refunds collects (donation id, amount, currency, at)."""
    users, names, user_email, now = ids["users"], ids["user_names"], ids["user_email"], ids["now"]
    states, state_weights = STATE_MIX
    donation_id = 0
    for (campaign_id, _status, currency, _goal, published, _cause, _place), count in plan:
        span = max((now - published).total_seconds(), 60.0)
        for _ in range(count):
            donation_id += 1
            state = rng.choices(states, state_weights)[0]
            if rng.random() < 0.4:
                donor = users[rng.randrange(len(users))]
                name, email = names[donor - 1], user_email(donor)
            else:
                donor, name, email = None, f"Donor {donation_id}", f"donor{donation_id}@guest.seed.causeweb.test"
            amount = _amount(rng, currency)
            fee = processing_fee(amount_minor=amount, currency=currency) if rng.random() < 0.4 else 0
            created = published + timedelta(seconds=rng.uniform(0, span))
            paid = state in Donation.PAID_STATES
            refunded = 0
            if state == State.REFUNDED:
                refunded = amount + fee
            elif state == State.PARTIALLY_REFUNDED:
                refunded = max(1, amount // 2)
            if refunded:
                refunds.append(
                    (donation_id, refunded, currency, min(now, created + timedelta(days=rng.uniform(1, 30))))
                )
            succeeded = created + timedelta(seconds=rng.uniform(2, 30)) if paid else None
            failed = created + timedelta(seconds=rng.uniform(2, 30)) if state == State.FAILED else None
            yield (
                donation_id, uuid.UUID(int=rng.getrandbits(128), version=4), campaign_id, donor, name, email,
                rng.choices(*VISIBILITY_MIX)[0], rng.choice(MESSAGES), amount, fee, currency, refunded, state,
                str(DECLINED_MESSAGE) if failed else "", f"pi_seed{donation_id}" if paid or failed else None,
                f"ch_seed{donation_id}" if paid else "", created, succeeded, failed, succeeded or failed or created,
            )  # fmt: skip


FUNDING_SQL = f"""
INSERT INTO {bulk.table_of(CampaignFunding)}
    (campaign_id, currency, raised_minor, donor_count, updated_at, funding_model, pledge_outcome)
SELECT campaign_id, MIN(currency),
       COALESCE(SUM(GREATEST(amount_minor - refunded_minor, 0))
                FILTER (WHERE state IN ('succeeded', 'partially_refunded', 'refunded')), 0),
       COUNT(*) FILTER (WHERE state IN ('succeeded', 'partially_refunded')),
       %s, '{CampaignFunding.Model.KEEP_WHAT_YOU_RAISE.value}', '{CampaignFunding.PledgeOutcome.OPEN.value}'
FROM {bulk.table_of(Donation)} GROUP BY campaign_id ORDER BY campaign_id
"""  # noqa: S608 - table names come from the models


def seed(conn, factor: float, rng, ids: dict, report: bulk.Report) -> None:
    fundable = [c for c in ids["public_campaigns"] if c[3]]
    popular = set(ids["popular_campaigns"])
    total = bulk.scaled(DONATIONS, factor)
    heavy = [bulk.scaled(n, factor) for n in POPULAR_DONATIONS][: len(popular)]
    plan = list(zip((c for c in fundable if c[0] in popular), heavy, strict=False))
    rest = [c for c in fundable if c[0] not in popular]
    plan += list(zip(rest, bulk.skewed_counts(rng, len(rest), max(total - sum(heavy), 0)), strict=True))
    refunds: list[tuple] = []
    with report.table("fundraising.Donation", sum(count for _c, count in plan)):
        bulk.copy_rows(
            conn, Donation,
            ["id", "public_id", "campaign", "donor", "donor_name", "email", "visibility", "message", "amount_minor",
             "fee_minor", "currency", "refunded_minor", "state", "failure_message", "stripe_payment_intent_id",
             "stripe_charge_id", "created_at", "succeeded_at", "failed_at", "updated_at"],
            _donation_rows(rng, ids, plan, refunds), report,
        )  # fmt: skip
    with report.table("fundraising.Refund", len(refunds)):
        bulk.copy_rows(
            conn, Refund, ["id", "donation", "amount_minor", "currency", "stripe_refund_id", "source", "created_at"],
            ((i, d, amount, cur, f"re_seed{i}", Refund.Source.ADMIN if i % 3 else Refund.Source.STRIPE, at)
             for i, (d, amount, cur, at) in enumerate(refunds, start=1)), report,
        )  # fmt: skip
    with report.table("fundraising.CampaignFunding", len(plan)):
        bulk.execute(conn, FUNDING_SQL, [ids["now"]])
