"""How the main pages hold up at production size: the same pages on the full data set
(`seed_scale`, factor 1) and on the 1/100 set, against gunicorn + PostgreSQL + Redis on loopback.

    make bench-scale
    BENCH_SEED=1 make bench-scale      # (re)seed both databases first (seed_scale --reset)
    BENCH_SIZES=small BENCH_ONLY="campaign search + filter,donation burst" make bench-scale

BENCH_SIZES: `full`, `small` (the 1/100 set) or `both` (the default; the report then gives the
full/small latency ratio). BENCH_ONLY: a comma list of scenario names (the ceiling is always
measured). BENCH_BURST: the donation burst's size (tests/load/bench_burst.py; 0 skips it).
The report (tests/load/bench_report.py) goes to bench/results/<date>-scale.md with an SVG chart.

Databases: BENCH_FULL_DATABASE_URL and BENCH_SMALL_DATABASE_URL (default the local causeweb_scale
and causeweb_scale_small); an empty one is seeded, a seeded one is used as it is. Each page gets
BENCH_DURATION seconds (10) with BENCH_CONNECTIONS connections (16) from `wrk`, or from a bounded
Python load generator when wrk is missing; gunicorn runs BENCH_WORKERS (5) sync workers with DEBUG
off and the Redis cache (BENCH_REDIS_URL, db 1, flushed before each size so sizes do not share it).
The API throttles (anon, user and per address) are raised for the run only. Prints a markdown
table (req/s, p50/p99, ratio to the /healthz ceiling, full-size vs 1/100 latency) and writes the report (above).
Only 127.0.0.1 is ever contacted, and every run is bounded in time.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_burst  # noqa: E402
import bench_report  # noqa: E402

from bench import fetch, free_port  # noqa: E402 - the sibling harness, reused

ROOT = Path(__file__).resolve().parents[2]
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = os.environ.get("BENCH_WORKERS", "5")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
ALL_SIZES = [
    ("full", 1.0, os.environ.get("BENCH_FULL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/causeweb_scale")),
    ("1/100", 0.01, os.environ.get("BENCH_SMALL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/causeweb_scale_small")),
]  # fmt: skip
_WANTED_SIZES = {"full": {"full"}, "small": {"1/100"}, "both": {"full", "1/100"}}
SIZES = [size for size in ALL_SIZES if size[0] in _WANTED_SIZES[os.environ.get("BENCH_SIZES", "both")]]
ONLY = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
CEILING = "/healthz (ceiling)"
BURST_SCENARIO = "donation burst"
# A signed-in session for the organizer of a campaign (the insights dashboard is theirs only),
# made by the app's own session engine so the cookie is one the server accepts.
ORGANIZER_SESSION = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from campaigns.models import Campaign
user = Campaign.objects.get(slug=%r).organizer
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY], session[HASH_SESSION_KEY] = str(user.pk), user.get_session_auth_hash()
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session.create()
print(settings.SESSION_COOKIE_NAME + "=" + session.session_key)
"""
MOST_POPULAR = """SELECT c.slug FROM campaigns_campaign c JOIN fundraising_campaignfunding f ON f.campaign_id = c.id
                  WHERE c.status = 'published' ORDER BY f.donor_count DESC, c.id LIMIT 1"""
BUSIEST_EVENT = """SELECT slug FROM events_event WHERE hidden_at IS NULL AND status = 'scheduled'
                   AND starts_at > now() ORDER BY going_seats DESC, id LIMIT 1"""
BIGGEST_GROUP = """SELECT slug FROM communities_group WHERE hidden_at IS NULL AND visibility = 'public'
                   ORDER BY member_count DESC, id LIMIT 1"""
BIGGEST_THREAD = """SELECT g.slug, t.id, t.reply_count + 1 FROM communities_thread t
                    JOIN communities_group g ON g.id = t.group_id
                    WHERE g.hidden_at IS NULL AND g.visibility = 'public' AND NOT t.is_hidden
                    ORDER BY t.reply_count DESC, t.id LIMIT 1"""
COMMON_CAUSE = """SELECT cause.slug FROM campaigns_campaign c JOIN campaigns_cause cause ON cause.id = c.cause_id
                  WHERE c.status = 'published' GROUP BY cause.slug ORDER BY COUNT(*) DESC, cause.slug LIMIT 1"""
# Events near Berlin, one of the seeder's places (causeweb/core/scale_vocabulary.py).
NEAR = "lat=52.52&lng=13.405&radius_km=50"


def server_env(database_url: str, tmp: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url, REDIS_URL=REDIS_URL, DEBUG="0", SECRET_KEY=env.get("SECRET_KEY", "bench-only-key"),
        ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="False", STATIC_ROOT=f"{tmp}/static", MEDIA_ROOT=f"{tmp}/media",
        API_THROTTLE_ANON="1000000/min", API_THROTTLE_USER="1000000/min", API_THROTTLE_IP="1000000/min",
        LOG_LEVEL="WARNING", CELERY_TASK_ALWAYS_EAGER="1", ALLOW_LOCALSTRIPE="true",
    )  # fmt: skip
    return env


def prepare(database_url: str, factor: float, env: dict[str, str]) -> None:
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM fundraising_donation)")
        seeded = cursor.fetchone()[0]
    if os.environ.get("BENCH_SEED") == "1" or not seeded:
        subprocess.run(
            [python, "manage.py", "seed_scale", "--factor", str(factor), "--reset", "--quiet"], cwd=ROOT, env=env,
            check=True,
        )  # fmt: skip
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def run_wrk(url: str, headers: dict[str, str] | None = None) -> dict:
    header_args = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--timeout", "30s", "--latency", *header_args, url],
        capture_output=True, text=True, check=True, timeout=DURATION + 60,
    ).stdout  # fmt: skip

    def millis(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": millis("50"),
        "p99": millis("99"),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def _fetch_with(url: str, headers: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return time.perf_counter() - started, status


def run_python(url: str, headers: dict[str, str] | None = None) -> dict:
    """Fallback load generator: CONNECTIONS threads, each looping until the deadline."""
    deadline = time.perf_counter() + DURATION
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def loop():
        while time.perf_counter() < deadline:
            try:
                seconds, status = _fetch_with(url, headers) if headers else fetch(url)
            except OSError:
                seconds, status = 0.0, 599
            with lock:
                latencies.append(seconds * 1000)
                errors[0] += status >= 400

    started = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "rps": len(latencies) / elapsed,
        "p50": cuts[49],
        "p99": cuts[98],
        "requests": len(latencies),
        "errors": errors[0],
    }


def measure(label: str, factor: float, database_url: str) -> dict[str, dict]:
    tmp = tempfile.mkdtemp(prefix="causeweb-bench-scale-")
    env = server_env(database_url, tmp)
    prepare(database_url, factor, env)
    redis.Redis.from_url(REDIS_URL).flushdb()  # only the bench's own cache database
    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(MOST_POPULAR)
        popular = cursor.fetchone()[0]
        cursor.execute(BUSIEST_EVENT)
        event = cursor.fetchone()[0]
        cursor.execute(BIGGEST_GROUP)
        group = cursor.fetchone()[0]
        cursor.execute(BIGGEST_THREAD)
        thread_group, thread_id, thread_posts = cursor.fetchone()
        cursor.execute(COMMON_CAUSE)
        cause = cursor.fetchone()[0]
    pages = {
        CEILING: "/healthz",
        "home": "/",
        "campaign list": "/campaigns/",
        "campaign search + filter": f"/campaigns/?q=Berlin&cause={cause}&status=open",
        "most popular campaign": f"/campaigns/{popular}/",
        "event list": "/events/",
        "events near a place": f"/events/?{NEAR}",
        "busiest event page": f"/events/{event}/",
        "biggest group page": f"/groups/{group}/",
        f"biggest thread page ({thread_posts} posts)": f"/groups/{thread_group}/threads/{thread_id}/",
        "API campaign list": "/api/v1/campaigns/",
        "API campaign search + filter": f"/api/v1/campaigns/?q=Berlin&cause={cause}&status=open",
        "insights dashboard (organizer)": f"/insights/campaigns/{popular}/",
        # The floor for a signed-in page: the same session on a short list (the base page and little more).
        "signed-in page (floor, /notifications/)": "/notifications/",
    }
    if ONLY:
        pages = {name: path for name, path in pages.items() if name == CEILING or name.split(" (")[0] in ONLY}
    burst = bench_burst.BURST > 0 and (not ONLY or BURST_SCENARIO in ONLY)
    localstripe = None
    if burst:
        stripe_module, localstripe, stripe_url = bench_burst.start_localstripe()
        env.update(bench_burst.server_settings(stripe_url))
    cookie = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", ORGANIZER_SESSION % popular],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    signed_in = {name: {"Cookie": cookie} for name in pages if name.startswith(("insights", "signed-in"))}
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "causeweb.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", WORKERS, "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    load = run_wrk if shutil.which("wrk") else run_python
    results = {}
    try:
        for _ in range(200):
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        for name, path in pages.items():
            headers = signed_in.get(name)
            for _ in range(WORKERS_WARMUP):
                _fetch_with(base + path, headers) if headers else fetch(base + path)
            results[name] = load(base + path, headers)
            r = results[name]
            print(f"[{label}] {name:24} {r['rps']:8.1f} req/s  p50 {r['p50']:8.1f} ms  p99 {r['p99']:8.1f} ms  "
                  f"errors {r['errors']}", flush=True)  # fmt: skip
        if burst:
            results[BURST_SCENARIO] = r = bench_burst.run(base, stripe_url, popular, env)
            b = r["burst"]
            print(f"[{label}] {BURST_SCENARIO:24} {r['rps']:8.1f} donations/s  {b['succeeded']}/{b['donations']} "
                  f"in {b['seconds']:.1f} s  totals exact: {b['exact']}  errors {r['errors']} {b['first_errors']}",
                  flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        if localstripe is not None:
            stripe_module.stop(localstripe)
        shutil.rmtree(tmp, ignore_errors=True)
    return results


WORKERS_WARMUP = int(WORKERS)  # one request per worker, so imports and connections are not measured


def main() -> int:
    results = {label: measure(label, factor, url) for label, factor, url in SIZES}
    tool = "wrk" if shutil.which("wrk") else "Python"
    setup = (
        f"Loopback, gunicorn {WORKERS} sync workers, DEBUG off, PostgreSQL + Redis cache, {tool} "
        f"{CONNECTIONS} connections x {DURATION} s per page; donation burst: {bench_burst.BURST} donations "
        f"from {bench_burst.CONCURRENCY} threads through the API against localstripe."
    )
    markdown, path = bench_report.write(results, setup=setup)
    print()
    print(markdown)
    print(f"written to {path}")
    return 1 if any(r["errors"] for size in results.values() for r in size.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
