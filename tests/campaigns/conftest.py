import io

import pytest
from PIL import Image

from tests.campaigns.factories import CampaignFactory, CauseFactory


@pytest.fixture
def cause(db):
    return CauseFactory(name="Climate", slug="climate")


@pytest.fixture
def campaign(db, user, cause):
    """A published campaign organized by `user`."""
    return CampaignFactory(organizer=user, cause=cause, petition_target=100)


@pytest.fixture
def moderator(staff_user):
    return staff_user


def make_image_upload(name="cover.png", size=(800, 450), image_format="PNG", color=(20, 120, 90)):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.fixture
def image_upload():
    return make_image_upload


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user; the default hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
