"""Throughput and latency of the main pages, measured against gunicorn on loopback.

    make bench                      # seeds a throwaway SQLite database with the demo data
    DATABASE_URL=postgres://... make bench

Requests are bounded (REQUESTS per page, CONCURRENCY threads) and only ever go to 127.0.0.1.
Prints requests/second and p50/p95/p99 latency per page; exits non-zero if any request failed.
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
WORKERS = os.environ.get("BENCH_WORKERS", "2")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return time.perf_counter() - started, status


def first_link(base: str, page: str, pattern: str) -> str | None:
    html = urllib.request.urlopen(base + page, timeout=30).read().decode()  # noqa: S310 - loopback only
    match = re.search(pattern, html)
    return match.group(0) if match else None


def main() -> int:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-only-key")
    env.setdefault("DEBUG", "0")
    env.setdefault("ALLOW_LOCALSTRIPE", "true")  # a benchmark on loopback, not a real host
    tmp = tempfile.mkdtemp(prefix="causeweb-bench-")
    if "DATABASE_URL" not in env:
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    env["MEDIA_ROOT"] = f"{tmp}/media"
    env["STATIC_ROOT"] = f"{tmp}/static"
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    env["SECURE_SSL_REDIRECT"] = "False"
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "causeweb.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", WORKERS, "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        pages = ["/", "/campaigns/", "/events/", "/groups/"]
        for listing, pattern in (
            ("/campaigns/", r"/campaigns/(?!new/)[a-z0-9-]+/"),
            ("/events/", r"/events/\d+[a-z0-9/-]*"),
            ("/groups/", r"/groups/(?!new/)[a-z0-9-]+/"),
        ):
            link = first_link(base, listing, pattern)
            if link:
                pages.append(link)
        failures = 0
        print(f"{'page':45} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  errors")
        for page in pages:
            fetch(base + page)  # warm up
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
                results = list(pool.map(lambda _: fetch(base + page), range(REQUESTS)))
            elapsed = time.perf_counter() - started
            latencies = sorted(r[0] * 1000 for r in results)
            errors = sum(1 for r in results if r[1] >= 400)
            failures += errors
            quantiles = statistics.quantiles(latencies, n=100)
            print(
                f"{page:45} {REQUESTS / elapsed:8.1f} {quantiles[49]:8.1f} {quantiles[94]:8.1f} "
                f"{quantiles[98]:8.1f}  {errors}"
            )
        return 1 if failures else 0
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
