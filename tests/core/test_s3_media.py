"""Media on S3-compatible storage through django-storages, against moto's S3 server on loopback:
a campaign cover uploaded through the service is stored in the bucket and read back by its URL."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from PIL import Image

from campaigns.services.authoring import campaign_create
from tests.campaigns.conftest import make_image_upload
from tests.factories import CauseFactory, UserFactory
from tests.foundation.test_settings import PRODUCTION, clean_environment

BUCKET = "causeweb-media"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    moto = Path(sys.executable).parent / "moto_server"
    if not moto.exists():
        pytest.fail("moto_server is missing: pip install 'moto[server]' (a dev dependency)")
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(endpoint + "/", timeout=1)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def s3_media(s3_endpoint, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    # What docs/operations.md asks of the operator: anonymous read of objects (not of the listing).
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
        ],
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "querystring_auth": False,
                "file_overwrite": False,
                "addressing_style": "path",
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
    }
    return s3_endpoint


@pytest.mark.django_db
def test_a_campaign_cover_is_stored_in_the_bucket_and_served_by_its_url(s3_media, tmp_path):
    campaign = campaign_create(
        organizer=UserFactory(),
        title="Trees for Rua Augusta",
        summary="Shade for the street.",
        story="Plant forty trees.",
        cause=CauseFactory(),
        cover=make_image_upload(size=(2400, 1200)),
    )
    url = campaign.cover.url
    assert url.startswith(f"{s3_media}/{BUCKET}/") and "Signature" not in url  # public URL, no query auth
    assert not (Path(settings.MEDIA_ROOT) / campaign.cover.name).exists()  # not on the local disk
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        body = response.read()
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    (tmp_path / "cover.jpg").write_bytes(body)
    with Image.open(tmp_path / "cover.jpg") as image:
        assert image.size == (1600, 800)  # the resized web version the service stored


def test_settings_use_object_storage_when_a_bucket_is_named():
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.STORAGES['default']['BACKEND'], s.MEDIA_URL, s.SERVE_MEDIA,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], s.CSRF_TRUSTED_ORIGINS]))"
    )
    env = clean_environment(
        **PRODUCTION, AWS_STORAGE_BUCKET_NAME="cw-media", AWS_S3_ENDPOINT_URL="https://s3.fr-par.scw.cloud"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    backend, media_url, serve_media, img_src, csrf = json.loads(result.stdout.strip().splitlines()[-1])
    assert backend == "storages.backends.s3.S3Storage" and serve_media is False
    assert media_url == "https://s3.fr-par.scw.cloud/cw-media/"
    assert "https://s3.fr-par.scw.cloud" in img_src  # covers load under the CSP
    assert csrf == ["https://causeweb.example.org"]  # from SITE_URL
