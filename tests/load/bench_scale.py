"""How the main pages hold up at production size: the same pages on the full data set
(`seed_scale`, factor 1) and on the 1/100 set, against gunicorn + PostgreSQL + Redis on loopback.

    make bench-scale
    BENCH_SEED=1 make bench-scale      # (re)seed both databases first (seed_scale --reset)

Databases: BENCH_FULL_DATABASE_URL and BENCH_SMALL_DATABASE_URL (default the local causeweb_scale
and causeweb_scale_small); an empty one is seeded, a seeded one is used as it is. Each page gets
BENCH_DURATION seconds (10) with BENCH_CONNECTIONS connections (16) from `wrk`, or from a bounded
Python load generator when wrk is missing; gunicorn runs BENCH_WORKERS (5) sync workers with DEBUG
off and the Redis cache (BENCH_REDIS_URL, db 1, flushed before each size so sizes do not share it).
The anonymous API throttle is raised for the run only. Prints a markdown table (req/s, p50/p99,
ratio to the /healthz ceiling, full-size vs 1/100 latency) and writes it to report-scale.md.
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
from bench import fetch, free_port  # noqa: E402 - the sibling harness, reused

ROOT = Path(__file__).resolve().parents[2]
REPORT = Path(__file__).resolve().parent / "report-scale.md"
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = os.environ.get("BENCH_WORKERS", "5")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
SIZES = [
    ("full", 1.0, os.environ.get("BENCH_FULL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/causeweb_scale")),
    ("1/100", 0.01, os.environ.get("BENCH_SMALL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/causeweb_scale_small")),
]  # fmt: skip
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


def server_env(database_url: str, tmp: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url, REDIS_URL=REDIS_URL, DEBUG="0", SECRET_KEY=env.get("SECRET_KEY", "bench-only-key"),
        ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="False", STATIC_ROOT=f"{tmp}/static", MEDIA_ROOT=f"{tmp}/media",
        API_THROTTLE_ANON="1000000/min", API_THROTTLE_USER="1000000/min", LOG_LEVEL="WARNING",
        CELERY_TASK_ALWAYS_EAGER="1", ALLOW_LOCALSTRIPE="true",
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
    pages = {
        "/healthz (ceiling)": "/healthz",
        "home": "/",
        "campaign list": "/campaigns/",
        "most popular campaign": f"/campaigns/{popular}/",
        "event list": "/events/",
        "busiest event page": f"/events/{event}/",
        "biggest group page": f"/groups/{group}/",
        "API campaign list": "/api/v1/campaigns/",
        "insights dashboard (organizer)": f"/insights/campaigns/{popular}/",
    }
    cookie = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", ORGANIZER_SESSION % popular],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    signed_in = {"insights dashboard (organizer)": {"Cookie": cookie}}
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
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    return results


WORKERS_WARMUP = int(WORKERS)  # one request per worker, so imports and connections are not measured


def table(results: dict[str, dict[str, dict]]) -> str:
    full, small = results["full"], results["1/100"]
    tool = "wrk" if shutil.which("wrk") else "Python"
    lines = [
        f"Loopback, gunicorn {WORKERS} sync workers, PostgreSQL + Redis cache, {tool} "
        f"{CONNECTIONS} connections x {DURATION} s per page.",
        "",
        "| page | full req/s | full p50 ms | full p99 ms | full vs ceiling | 1/100 req/s | 1/100 p50 ms | "
        "1/100 p99 ms | 1/100 vs ceiling | p50 full/small | p99 full/small | errors full / small |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ceiling_full, ceiling_small = full["/healthz (ceiling)"]["rps"], small["/healthz (ceiling)"]["rps"]
    for name in full:
        f, s = full[name], small[name]
        lines.append(
            f"| {name} | {f['rps']:.1f} | {f['p50']:.1f} | {f['p99']:.1f} | {f['rps'] / ceiling_full:.1%} | "
            f"{s['rps']:.1f} | {s['p50']:.1f} | {s['p99']:.1f} | {s['rps'] / ceiling_small:.1%} | "
            f"{f['p50'] / s['p50']:.1f}x | {f['p99'] / s['p99']:.1f}x | {f['errors']} / {s['errors']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    results = {label: measure(label, factor, url) for label, factor, url in SIZES}
    report = "# Causeweb at scale: full data set vs 1/100\n\n" + table(results)
    print()
    print(report)
    REPORT.write_text(report)
    print(f"written to {REPORT}")
    return 1 if any(r["errors"] for size in results.values() for r in size.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
