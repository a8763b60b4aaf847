"""Validation and resizing of uploaded images (campaign covers, group avatars). Pillow decides
what a file is, never its name or the browser's content type."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Decompression bombs: refuse anything that decodes to more pixels than this.
Image.MAX_IMAGE_PIXELS = 40_000_000


@dataclass(frozen=True)
class ImageRules:
    max_bytes: int = 5 * 1024 * 1024
    min_width: int = 200
    min_height: int = 100
    max_width: int = 8000
    max_height: int = 8000


def validate_image(upload, rules: ImageRules = ImageRules()) -> tuple[int, int]:
    """Check type, size and dimensions; return (width, height). Raises ValidationError."""
    if upload.size > rules.max_bytes:
        raise ValidationError(
            "The image is %(size)s MB; the limit is %(limit)s MB.",
            params={"size": round(upload.size / 1_048_576, 1), "limit": rules.max_bytes // 1_048_576},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(_("This file is not an image we can read (use JPEG, PNG, WebP or GIF)."), code="invalid")
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Use a JPEG, PNG, WebP or GIF image."), code="format")
    if width < rules.min_width or height < rules.min_height:
        raise ValidationError(
            _("The image is %(w)sx%(h)s pixels; it must be at least %(mw)sx%(mh)s."),
            params={"w": width, "h": height, "mw": rules.min_width, "mh": rules.min_height},
            code="too_small",
        )
    if width > rules.max_width or height > rules.max_height:
        raise ValidationError(
            _("The image is %(w)sx%(h)s pixels; it must be at most %(mw)sx%(mh)s."),
            params={"w": width, "h": height, "mw": rules.max_width, "mh": rules.max_height},
            code="too_big",
        )
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; 8000 x 8000 sides allow 64M pixels.
    if width * height > Image.MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("The image is %(w)sx%(h)s pixels; it must have at most %(max)s million pixels."),
            params={"w": width, "h": height, "max": Image.MAX_IMAGE_PIXELS // 1_000_000},
            code="too_big",
        )
    return width, height


def web_version(upload, *, max_width: int = 1200, max_height: int = 1200, crop_square: bool = False) -> ContentFile:
    """A resized JPEG for the web (EXIF rotation applied, metadata dropped)."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, (255, 255, 255))
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.split()[-1])
            image = background
        if crop_square:
            image = ImageOps.fit(image, (max_width, max_width))
        else:
            image.thumbnail((max_width, max_height))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    upload.seek(0)
    return ContentFile(buffer.getvalue())
