"""QR codes for posters and tickets: one SVG response, the same everywhere."""

import io

import segno
from django.http import HttpResponse


def qr_svg_response(url: str, *, title: str, download_name: str | None = None, scale: int = 8) -> HttpResponse:
    """An SVG QR code for `url` (error correction M, survives a smudged poster); with
    `download_name` it is sent as an attachment of that name."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, title=title)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    if download_name:
        safe_name = download_name.replace('"', "").replace("\r", "").replace("\n", "")
        response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response
