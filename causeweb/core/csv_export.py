"""CSV downloads for organizers: streamed row by row (an export of 100k signatures must not be
built in memory) and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

# Spreadsheet apps run a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell's text, with a leading quote where a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object that hands back what csv.writer writes, so rows can be yielded."""

    def write(self, value):
        return value


def csv_stream_response(*, filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A streaming `text/csv` attachment: the header, then each row, every cell made safe."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([csv_safe(cell) for cell in header])
        for row in rows:
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    safe_name = filename.replace('"', "").replace("\r", "").replace("\n", "")
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response
