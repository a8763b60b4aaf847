"""The optional read replica's settings (the router: causeweb/core/replica.py).

`DATABASE_REPLICA_URL` names a streaming replica of the primary (Postgres hot standby, a managed
"read replica"). Set, the `replica` alias and `ReplicaRouter` are added and the public browse
selectors read from it; unset, there is one database and nothing changes. The test suite always
has the alias, as a TEST MIRROR of `default` (the same test database), with the routing off unless
a test turns it on (`DATABASE_REPLICA_ENABLED`)."""


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
