"""causeweb.core.images: Pillow decides what an upload is; sizes and dimensions are bounded."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from causeweb.core.images import ImageRules, validate_image, web_version


def _image_file(size=(400, 300), image_format="PNG", mode="RGB", name=None):
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None).save(buffer, format=image_format)
    return SimpleUploadedFile(name or f"x.{image_format.lower()}", buffer.getvalue())


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_accepts_the_allowed_formats_and_returns_dimensions(image_format):
    upload = _image_file(image_format=image_format)
    assert validate_image(upload) == (400, 300)
    assert upload.tell() == 0  # left ready to be saved


def test_rejects_a_file_that_is_not_an_image_whatever_its_name():
    upload = SimpleUploadedFile("cover.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        validate_image(upload)
    assert caught.value.code == "invalid"


def test_rejects_a_truncated_image():
    data = _image_file(image_format="PNG").read()
    with pytest.raises(ValidationError) as caught:
        validate_image(SimpleUploadedFile("x.png", data[: len(data) // 2]))
    assert caught.value.code == "invalid"


@pytest.mark.parametrize("image_format", ["BMP", "TIFF"])
def test_rejects_readable_images_of_other_types(image_format):
    with pytest.raises(ValidationError) as caught:
        validate_image(_image_file(image_format=image_format, name="x.png"))
    assert caught.value.code == "format"


def test_rejects_files_over_the_byte_limit():
    with pytest.raises(ValidationError) as caught:
        validate_image(_image_file(), ImageRules(max_bytes=100))
    assert caught.value.code == "too_large"


def test_rejects_too_small_and_too_big_dimensions():
    with pytest.raises(ValidationError) as caught:
        validate_image(_image_file(size=(199, 300)))
    assert caught.value.code == "too_small"
    with pytest.raises(ValidationError) as caught:
        validate_image(_image_file(size=(900, 300)), ImageRules(max_width=800))
    assert caught.value.code == "too_big"


def test_rejects_more_pixels_than_the_decoder_limit_even_within_the_side_bounds():
    # 7000 x 6000 = 42M pixels: each side is within 8000, but decoding it would take over 120 MB.
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that, so the check is ours.
    upload = _image_file(size=(7000, 6000), image_format="PNG", mode="1")
    assert upload.size < 5 * 1024 * 1024  # a small file: the danger is in the decoded size
    with pytest.raises(ValidationError) as caught:
        validate_image(upload)
    assert caught.value.code == "too_big"
    assert "pixels" in caught.value.messages[0]


def test_web_version_shrinks_to_fit_and_keeps_the_aspect_ratio():
    resized = web_version(_image_file(size=(2400, 1200)), max_width=1200, max_height=1200)
    with Image.open(io.BytesIO(resized.read())) as image:
        assert image.format == "JPEG"
        assert image.size == (1200, 600)


def test_web_version_does_not_enlarge_small_images():
    resized = web_version(_image_file(size=(400, 300)))
    with Image.open(io.BytesIO(resized.read())) as image:
        assert image.size == (400, 300)


def test_web_version_crops_square_and_flattens_transparency():
    upload = _image_file(size=(800, 400), image_format="PNG", mode="RGBA")
    resized = web_version(upload, max_width=300, crop_square=True)
    with Image.open(io.BytesIO(resized.read())) as image:
        assert image.size == (300, 300)
        assert image.mode == "RGB"
