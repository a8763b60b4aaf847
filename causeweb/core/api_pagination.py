"""Pagination for /api/v1/ lists: page numbers by default (settings.REST_FRAMEWORK), cursors for
the lists that grow without bound (donations, signatures, comments, notifications, posts), where
an OFFSET would scan every row before the page and rows written meanwhile would shift pages."""

from rest_framework.pagination import CursorPagination


class NewestFirstCursor(CursorPagination):
    """Newest first, by (`created_at`, `id`); `?cursor=` from `next` / `previous`, `?page_size=`
    up to 100. A cursor that was not made by us is a 404 (DRF's "Invalid cursor")."""

    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class OldestFirstCursor(NewestFirstCursor):
    ordering = ("created_at", "id")
