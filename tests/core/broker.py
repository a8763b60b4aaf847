"""Point this process's Celery publisher at another broker URL (a closed port = Redis down)."""

from contextlib import contextmanager

from causeweb.celery import app

CLOSED_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def point_broker_at(url: str) -> None:
    app.conf.broker_url = url
    # Not closed: kombu keeps one producer pool per broker URL process-wide and hands the same
    # one back when the URL is used again, so a closed pool would break the next publish.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    previous = app.conf.broker_url
    point_broker_at(url)
    try:
        yield
    finally:
        point_broker_at(previous)
