"""Filter fields for the API's FilterSets that every database can store.

A datetime typed with any offset ISO 8601 allows (`-22:07`) is valid to the parser, but PostgreSQL
refuses offsets past ±15:59 with a DataError (a 500, and the request's transaction aborted). The
value is compared in UTC instead, and one that cannot be expressed in UTC is a 400."""

from datetime import UTC

from django import forms
from django_filters import rest_framework as django_filters
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Enter a date and time between the years 1 and 9999.", code="invalid")


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
