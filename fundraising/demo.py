"""Demo wiring. Donations are not seeded: money in the demo only ever moves through the real
card path against localstripe, so every total on screen came from a payment."""

import requests
from django.conf import settings

from causeweb.core import ratelimits

DEMO_WEBHOOK_ID = "causeweb-demo"


@ratelimits.exempt
def seed(stdout) -> None:
    stdout.write("Fundraising: give on any campaign with a goal (test card 4242 4242 4242 4242).")


def on_payment_server_ready(stdout) -> None:
    """Register /stripe/webhook/ with localstripe, signed with our webhook secret (run_demo calls
    this once localstripe listens). Only ever a loopback address."""
    base = settings.STRIPE_API_BASE.rstrip("/")
    if not base.startswith("http://127.0.0.1"):
        return
    target = f"{settings.SITE_URL}/stripe/webhook/"
    if not target.startswith(("http://127.0.0.1", "http://localhost")):
        target = "http://127.0.0.1:8000/stripe/webhook/"
    try:
        response = requests.post(
            f"{base}/_config/webhooks/{DEMO_WEBHOOK_ID}",
            data={"url": target, "secret": settings.STRIPE_WEBHOOK_SECRET},
            timeout=5,
        )
        response.raise_for_status()
    except requests.RequestException as exc:
        stdout.write(f"Could not register the Stripe webhook with localstripe: {exc}")
        return
    stdout.write(f"localstripe sends signed webhooks to {target}.")
