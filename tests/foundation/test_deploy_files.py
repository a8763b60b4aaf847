"""docker-compose.yml cannot be run here (no Docker engine); check what can be checked."""

import yaml
from django.conf import settings


def test_compose_defines_the_stack_with_healthchecks():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert "gunicorn" in services["web"]["command"]
    worker_queues = services["worker"]["command"].split("-Q", 1)[1].split()[0].split(",")
    assert set(worker_queues) == {"payments", "notifications", "default"}
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_dockerfile_serves_with_gunicorn_as_an_unprivileged_user():
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "USER causeweb" in dockerfile
    assert "collectstatic" in dockerfile
    assert "gunicorn" in dockerfile
