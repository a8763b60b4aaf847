"""collectstatic as the Docker image runs it (production storage: hashed, compressed, every
reference checked). A vendored file pointing at a file we did not ship fails the image build, so it
must fail here first."""

import os
import subprocess
import sys

from django.conf import settings


def test_collectstatic_with_the_production_storage_succeeds(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "REDIS_URL", "CI", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        SECRET_KEY="collectstatic",
        ALLOW_LOCALSTRIPE="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'build.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest
    assert (tmp_path / "static" / "vendor" / "leaflet" / "leaflet.js.gz").exists()
