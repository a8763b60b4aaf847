"""Database settings: the primary (`DATABASE_URL`, SQLite by default) and the optional read
replica (`DATABASE_REPLICA_URL`; the router: causeweb/core/replica.py).

`DATABASE_REPLICA_URL` names a streaming replica of the primary (Postgres hot standby, a managed
"read replica"). Set, the `replica` alias and `ReplicaRouter` are added and the public browse
selectors read from it; unset, there is one database and nothing changes. The test suite always
has the alias, as a TEST MIRROR of `default` (the same test database), with the routing off unless
a test turns it on (`DATABASE_REPLICA_ENABLED`)."""

import os
import tempfile

ROUTER = "causeweb.core.replica.ReplicaRouter"


def databases(*, env, base_dir, testing: bool) -> tuple[dict, list[str], bool]:
    """(DATABASES, DATABASE_ROUTERS, whether public reads use the replica)."""
    default = env.db("DATABASE_URL", default=f"sqlite:///{base_dir / 'db.sqlite3'}")
    default["ATOMIC_REQUESTS"] = False
    if default["ENGINE"] == "django.db.backends.postgresql":
        default["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        default["CONN_HEALTH_CHECKS"] = True
        default.setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=5)
    else:
        # Several writers (web threads, eager tasks) share the file: wait for the lock instead of
        # failing, and take the write lock when a transaction starts, so two transactions that read
        # and then write cannot deadlock (SQLite would fail one at once, without waiting).
        default.setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
        if testing:
            # A test database in a file, not in memory: Django shares one in-memory connection
            # between the live server's request threads, and two concurrent requests (a page and a
            # payment webhook) then fail with "table is locked". With a file each thread has its own
            # connection and waits for the lock. Named per process so parallel runs do not collide.
            test_db_file = os.path.join(tempfile.gettempdir(), f"causeweb-test-{os.getpid()}.sqlite3")
            default["TEST"] = {"NAME": test_db_file}
    replica, enabled = replica_settings(env=env, default=default, testing=testing)
    if replica is None:
        return {"default": default}, [], False
    return {"default": default, "replica": replica}, [ROUTER], enabled


def replica_settings(*, env, default: dict, testing: bool) -> tuple[dict | None, bool]:
    """(the `replica` DATABASES entry or None, whether public reads use it)."""
    url = env("DATABASE_REPLICA_URL", default="")
    if url:
        replica = env.db_url_config(url)
        # The same connection behaviour as the primary (persistent connections, health checks,
        # connect timeout), so a replica that is down is noticed in seconds.
        for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "ATOMIC_REQUESTS"):
            if key in default:
                replica[key] = default[key]
        replica.setdefault("OPTIONS", {}).update(
            {k: v for k, v in default.get("OPTIONS", {}).items() if k == "connect_timeout"}
        )
        replica["TEST"] = {"MIRROR": "default"}
        return replica, True
    if testing:
        return {**default, "TEST": {"MIRROR": "default"}}, False
    return None, False
