"""docker-compose.yml and deploy/Caddyfile for a real host: `docker-compose config` parses them
where the binary exists; otherwise (and always) their structure is checked here."""

import re
import shutil
import subprocess

import pytest
import yaml
from django.conf import settings

COMPOSE = settings.BASE_DIR / "docker-compose.yml"
CADDYFILE = settings.BASE_DIR / "deploy" / "Caddyfile"
REQUIRED_ENV = {
    "POSTGRES_PASSWORD": "pw-from-env",
    "SITE_DOMAIN": "causeweb.example.org",
    "ACME_EMAIL": "ops@example.org",
}


def compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


@pytest.fixture
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def test_docker_compose_config_parses(tmp_path):
    command = compose_command()
    if command is None:
        pytest.skip("no docker-compose binary; the structure tests below still run")
    project = tmp_path / "causeweb"
    (project / "deploy").mkdir(parents=True)
    shutil.copy(COMPOSE, project / "docker-compose.yml")
    shutil.copy(CADDYFILE, project / "deploy" / "Caddyfile")
    (project / ".env").write_text("".join(f"{k}={v}\n" for k, v in REQUIRED_ENV.items()))
    result = subprocess.run([*command, "config"], cwd=project, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    web = resolved["services"]["web"]
    assert web["environment"]["DATABASE_URL"] == "postgres://causeweb:pw-from-env@postgres:5432/causeweb"
    assert web["environment"]["SITE_URL"] == "https://causeweb.example.org"
    # Without the passwords set, compose refuses rather than starting with an empty one.
    (project / ".env").write_text("".join(f"{k}={v}\n" for k, v in REQUIRED_ENV.items() if k != "POSTGRES_PASSWORD"))
    refused = subprocess.run([*command, "config"], cwd=project, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "POSTGRES_PASSWORD" in refused.stderr + refused.stdout


def test_the_services_and_their_order(compose):
    services = compose["services"]
    assert set(services) == {"caddy", "migrate", "web", "worker", "beat", "postgres", "redis"}
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in str(services[name]["command"])  # migrations run once, not on every start
    assert services["caddy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert "8000:8000" not in str(services["web"].get("ports", []))  # only Caddy is published


def test_healthchecks_are_real(compose):
    services = compose["services"]
    assert "/readyz" in str(services["web"]["healthcheck"]["test"])
    beat = str(services["beat"]["healthcheck"]["test"])
    assert "-mmin" in beat and "test -f" not in beat  # the schedule file must be fresh, not merely exist
    assert "inspect ping" in str(services["worker"]["healthcheck"]["test"])


def test_no_secret_is_written_in_the_compose_file():
    text = COMPOSE.read_text()
    for line in text.splitlines():
        match = re.match(r"\s*(\w*(PASSWORD|SECRET|KEY|TOKEN|DSN)\w*):\s*(\S+)", line)
        if match:
            assert match.group(3).startswith("${") and ":?" in match.group(3), line
    assert "postgres://causeweb:${POSTGRES_PASSWORD:?" in text
    assert ".env" in str(yaml.safe_load(text)["x-app"]["env_file"])


def test_the_caddyfile_terminates_tls_limits_bodies_and_caches():
    caddy = CADDYFILE.read_text()
    assert "{$SITE_DOMAIN} {" in caddy  # a domain site address: Caddy obtains and renews its certificate
    assert re.search(r"request_body \{\s*max_size 12MB\s*\}", caddy)
    assert "reverse_proxy web:8000" in caddy
    assert 'Cache-Control "public, max-age=31536000, immutable"' in caddy
    assert "handle_path /media/*" in caddy and "file_server" in caddy
    assert "X-Request-ID" in caddy
