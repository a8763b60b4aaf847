"""A donation burst on one campaign through the real donate path, against localstripe.

N donations (BENCH_BURST, default 100) from BENCH_BURST_CONCURRENCY (16) threads, each the path a
donor's browser takes with the API: `POST /api/v1/donations/` (a pending donation and its
SetupIntent), the card confirmed on localstripe as its Stripe.js does, then
`POST /api/v1/donations/{id}/charge/` (the PaymentIntent, confirmed; the totals are added in the
same request). Bounded: at most BENCH_BURST_SECONDS (120) in all, 30 s a request. Afterwards the
campaign's totals (`fundraising.selectors.campaign_funding_totals`, the one read path) must have
grown by exactly the amounts charged and the number of donations, with zero errors.

Used by bench_scale.py (scenario "donation burst", on the server it started with localstripe's
address in its environment); `start_localstripe()` gives that address. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BURST = int(os.environ.get("BENCH_BURST", "100"))
CONCURRENCY = int(os.environ.get("BENCH_BURST_CONCURRENCY", "16"))
TIME_LIMIT = float(os.environ.get("BENCH_BURST_SECONDS", "120"))
PUBLISHABLE_KEY = "pk_test_causeweb_localstripe"

# A donor with a write token, and the campaign's totals before (run with `manage.py shell -c`).
SETUP = """
import json
import uuid
from causeweb.accounts.models import User
from causeweb.accounts.services import api_token_create
from campaigns.models import Campaign
from fundraising.selectors import campaign_funding_totals
campaign = Campaign.objects.get(slug=%r)
# A new donor each run: an earlier run's Stripe customer lived in an earlier localstripe.
user = User.objects.create_user(email=f"burst-donor-{uuid.uuid4().hex[:12]}@bench.invalid", password=None)
_token, secret = api_token_create(user=user, name="bench burst", scope="write")
totals = campaign_funding_totals(campaign_ids=[campaign.pk]).get(campaign.pk, {})
print(json.dumps({"token": secret, "campaign_id": campaign.pk, "raised": totals.get("raised_minor", 0),
                  "donors": totals.get("donor_count", 0)}))
"""
TOTALS = """
import json
from fundraising.selectors import campaign_funding_totals
totals = campaign_funding_totals(campaign_ids=[%d]).get(%d, {})
print(json.dumps({"raised": totals.get("raised_minor", 0), "donors": totals.get("donor_count", 0)}))
"""


def server_settings(localstripe_url: str) -> dict[str, str]:
    """What the bench's server needs in its environment for the burst."""
    return {
        "STRIPE_API_BASE": localstripe_url,
        "STRIPE_SECRET_KEY": "sk_test_causeweb_localstripe",
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": "whsec_causeweb_localstripe",
        # One donor, one address: the donation-start limits are the burst's to lift, for the run only.
        "RATE_LIMIT_DONATION_START_IP": "1000000/10m",
        "RATE_LIMIT_DONATION_START_USER": "1000000/10m",
        "RATE_LIMIT_DONATION_START_EMAIL": "1000000/h",
    }


def start_localstripe():
    sys.path.insert(0, str(ROOT))
    from causeweb.core import localstripe

    port = localstripe.free_port()
    return localstripe, localstripe.start(port), f"http://127.0.0.1:{port}"


def _shell(code: str, env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=120,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def _confirm_setup(session, localstripe_url: str, client_secret: str) -> dict:
    """What localstripe's fake Stripe.js does in the page when the donor confirms the card."""
    setup_id = client_secret.split("_secret_")[0]
    body = {
        "key": PUBLISHABLE_KEY,
        "use_stripe_sdk": True,
        "client_secret": client_secret,
        "payment_method_data": {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": "12", "exp_year": "2034", "cvc": "123"},
            "billing_details": {"address": {"postal_code": "10115"}},
        },
    }
    url = f"{localstripe_url}/v1/setup_intents/{setup_id}/confirm"
    return session.post(url, data=json.dumps(body), timeout=30).json()


def _donate(session, base: str, localstripe_url: str, slug: str, amount: int) -> str:
    """One donation; '' when it succeeded, else what went wrong."""
    created = session.post(f"{base}/api/v1/donations/", json={"campaign": slug, "amount_minor": amount}, timeout=30)
    if created.status_code != 201:
        return f"create {created.status_code}: {created.text[:200]}"
    body = created.json()
    setup = _confirm_setup(session, localstripe_url, body["setup_intent_client_secret"])
    if setup.get("status") != "succeeded":
        return f"setup {setup.get('status')}"
    charged = session.post(
        f"{base}/api/v1/donations/{body['id']}/charge/", json={"setup_intent_id": setup["id"]}, timeout=30
    )
    if charged.status_code != 200 or charged.json().get("state") != "succeeded":
        return f"charge {charged.status_code}: {charged.text[:200]}"
    return ""


def run(base: str, localstripe_url: str, slug: str, env: dict[str, str]) -> dict:
    """The burst on campaign `slug`; a result row like the page scenarios' plus its own figures."""
    before = _shell(SETUP % slug, env)
    headers = {"Authorization": f"Bearer {before['token']}"}
    amounts = [1000 + (i % 7) * 125 for i in range(BURST)]
    latencies: list[float] = []
    errors: list[str] = []
    next_index = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + TIME_LIMIT

    def worker():
        session = requests.Session()
        session.headers.update(headers)
        while time.perf_counter() < deadline:
            with lock:
                index = next_index[0]
                if index >= BURST:
                    return
                next_index[0] += 1
            started = time.perf_counter()
            try:
                problem = _donate(session, base, localstripe_url, slug, amounts[index])
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}"
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                if problem:
                    errors.append(problem)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    after = _shell(TOTALS % (before["campaign_id"], before["campaign_id"]), env)
    done = len(latencies)
    succeeded = done - len(errors)
    expected_raised = sum(amounts[:done]) if not errors else None
    raised_delta, donors_delta = after["raised"] - before["raised"], after["donors"] - before["donors"]
    exact = done == BURST and not errors and raised_delta == expected_raised and donors_delta == BURST
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else (latencies or [0.0]) * 99
    return {
        "rps": succeeded / elapsed if elapsed else 0.0,
        "p50": cuts[49],
        "p99": cuts[98],
        "requests": done,
        "errors": len(errors) + (BURST - done) + (0 if exact or errors else 1),
        "burst": {
            "donations": BURST,
            "completed": done,
            "succeeded": succeeded,
            "seconds": elapsed,
            "raised_delta": raised_delta,
            "expected_raised": sum(amounts),
            "donors_delta": donors_delta,
            "exact": exact,
            "first_errors": errors[:3],
        },
    }
