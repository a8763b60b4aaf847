"""Pagination for /api/v1/ lists: page numbers by default (settings.REST_FRAMEWORK), cursors for
the lists that grow without bound (donations, signatures, comments, notifications, posts), where
an OFFSET would scan every row before the page and rows written meanwhile would shift pages."""

from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from causeweb.core.pagination import LIST_COUNT_CAP, CappedPaginator


class NewestFirstCursor(CursorPagination):
    """Newest first, by (`created_at`, `id`); `?cursor=` from `next` / `previous`, `?page_size=`
    up to 100. A cursor that was not made by us is a 404 (DRF's "Invalid cursor")."""

    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class OldestFirstCursor(NewestFirstCursor):
    ordering = ("created_at", "id")


class CappedPageNumberPagination(PageNumberPagination):
    """Page numbers over a bounded count (`causeweb.core.pagination.CappedPaginator`): `count`
    is at most `cap` (1,000) and `count_is_capped` says more rows match than the pages reach, so
    no request runs an exact `COUNT(*)` over a big filtered table; `?page=` past the cap is a 404.
    Narrow the filters (or search) to reach the rest."""

    cap = LIST_COUNT_CAP

    def django_paginator_class(self, object_list, per_page):
        return CappedPaginator(object_list, per_page, cap=self.cap)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_capped": self.page.paginator.is_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = f"Matching rows, at most {self.cap}."
        response["properties"]["count"]["maximum"] = self.cap
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_is_capped": {
                "type": "boolean",
                "description": f"More than {self.cap} rows match: `count` is the cap, and the pages stop there.",
                "example": False,
            },
            **{k: v for k, v in response["properties"].items() if k != "count"},
        }
        response["required"] = [*response.get("required", ["count", "results"]), "count_is_capped"]
        return response
