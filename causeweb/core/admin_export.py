"""CSV export of an admin change list: an action that writes the selected rows (with "select all",
every row the current search and filters match) with the list's own columns, streamed through
causeweb/core/csv_export.py (formula-safe). Allowed to whoever may view the model in admin, so a
Finance-only list exports for Finance only."""

from django.contrib import admin
from django.contrib.admin.utils import label_for_field, lookup_field
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from causeweb.core.csv_export import csv_stream_response

BATCH = 2000


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return strip_tags(str(value))


@admin.action(description=_("Export the selected rows as CSV"))
def export_as_csv(modeladmin, request, queryset):
    if not modeladmin.has_view_permission(request):
        raise PermissionDenied
    columns = [name for name in modeladmin.get_list_display(request) if name != "action_checkbox"]
    header = [capfirst(strip_tags(str(label_for_field(name, modeladmin.model, modeladmin)))) for name in columns]
    related = modeladmin.get_list_select_related(request)
    if related is True:
        queryset = queryset.select_related()
    elif related:
        queryset = queryset.select_related(*related)

    def rows():
        for obj in queryset.iterator(chunk_size=BATCH):
            yield [_cell(lookup_field(name, obj, modeladmin)[2]) for name in columns]

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return csv_stream_response(filename=f"{modeladmin.model._meta.model_name}-{stamp}.csv", header=header, rows=rows())
