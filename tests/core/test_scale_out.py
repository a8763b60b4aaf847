"""Scale-out: two gunicorn instances and two Celery workers on loopback against one Postgres
database and one Redis database. A donation-webhook storm (every event sent twice, shuffled, to
both instances) and an RSVP storm (more people than seats, through both) give exact results.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_ops REDIS_URL=redis://127.0.0.1:6379/8 \
    .venv/bin/python -m pytest tests/core/test_scale_out.py
"""

import json
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.conf import settings

from causeweb.accounts.services import api_token_create
from events.models import RSVP
from fundraising.models import Donation, StripeEvent
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.fundraising.conftest import intent_object, sign, stripe_event
from tests.fundraising.factories import DonationFactory, FundraisingCampaignFactory, funding_totals
from tests.workers import running_worker, worker_environment

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(420),
]

SECRET = "whsec_scale_out_test"
DONATIONS = 60
CAPACITY, PEOPLE = 15, 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment() -> dict[str, str]:
    return worker_environment(
        STRIPE_WEBHOOK_SECRET=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        API_THROTTLE_USER="100000/min",
        API_THROTTLE_ANON="100000/min",
        LOG_LEVEL="WARNING",
    )


def start_gunicorn(log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "causeweb.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--timeout", "60", "--log-level", "warning"],
        cwd=settings.BASE_DIR, env=server_environment(), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    process.log = log
    return process, f"http://127.0.0.1:{port}"


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} never answered")


def wait_for(predicate, timeout=60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def stack(artifacts_dir):
    """Two web instances, two workers (each on every queue)."""
    with ExitStack() as stack:
        servers = []
        for n in (1, 2):
            process, base = start_gunicorn(artifacts_dir / f"scale-web-{n}.log")
            stack.callback(lambda p=process: (p.terminate(), p.wait(timeout=30), p.log.close()))
            servers.append(base)
        for n in (1, 2):
            stack.enter_context(
                running_worker(
                    queues="default,notifications,payments",
                    log_path=artifacts_dir / f"scale-worker-{n}.log",
                    name=f"scale-{n}",
                    ALLOW_LOCALSTRIPE="true",
                    STRIPE_WEBHOOK_SECRET=SECRET,
                )
            )
        for base in servers:
            wait_until_up(base)
        yield servers


def test_webhook_and_rsvp_storms_through_two_instances_and_two_workers_are_exact(stack, settings, artifacts_dir):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 40 users, set up fast
    campaign = FundraisingCampaignFactory()
    donations = [
        DonationFactory(campaign=campaign, amount_minor=1000 + n, stripe_payment_intent_id=f"pi_storm{n}")
        for n in range(DONATIONS)
    ]
    deliveries = []
    for donation in donations:
        body = json.dumps(stripe_event("payment_intent.succeeded", intent_object(donation)))
        deliveries += [body, body]  # Stripe delivers some events twice
    random.Random(17).shuffle(deliveries)

    event = EventFactory(capacity=CAPACITY)
    tokens = [api_token_create(user=UserFactory(), name="storm", scope="write")[1] for _ in range(PEOPLE)]

    def deliver(numbered):
        n, body = numbered
        base = stack[n % 2]
        headers = {"Content-Type": "application/json", "Stripe-Signature": sign(body, secret=SECRET)}
        return post(f"{base}/stripe/webhook/", body.encode(), headers)

    def rsvp(numbered):
        n, token = numbered
        base = stack[n % 2]
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        return post(f"{base}/api/v1/events/{event.slug}/rsvp/", b"{}", headers)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        webhook_statuses = list(pool.map(deliver, enumerate(deliveries)))
        rsvp_statuses = list(pool.map(rsvp, enumerate(tokens)))
    posted = time.monotonic() - started
    assert webhook_statuses.count(200) == len(deliveries), sorted(set(webhook_statuses))
    assert rsvp_statuses.count(201) == PEOPLE, sorted(set(rsvp_statuses))

    assert wait_for(lambda: not StripeEvent.objects.filter(status=StripeEvent.Status.PENDING).exists(), timeout=60), (
        "workers did not apply every event"
    )
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"storms took {elapsed:.1f} s"

    assert StripeEvent.objects.count() == DONATIONS  # one row per event id, however often delivered
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {StripeEvent.Status.PROCESSED}
    assert Donation.objects.filter(state=Donation.State.SUCCEEDED).count() == DONATIONS
    funding = funding_totals(campaign)  # the row plus its shards (split counters)
    assert funding.raised_minor == sum(1000 + n for n in range(DONATIONS))
    assert funding.donor_count == DONATIONS

    going = RSVP.objects.filter(event=event, status=RSVP.Status.GOING).count()
    waitlisted = RSVP.objects.filter(event=event, status=RSVP.Status.WAITLISTED).count()
    assert (going, waitlisted) == (CAPACITY, PEOPLE - CAPACITY)
    for n in (1, 2):  # both workers took a share of the events
        log = (artifacts_dir / f"scale-worker-{n}.log").read_text()
        assert "fundraising.tasks.stripe_event_process[" in log, f"worker {n} applied no event"
    print(f"storms through 2 web instances + 2 workers: posted in {posted:.1f} s, applied in {elapsed:.1f} s")  # noqa: T201
