from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from insights.selectors import DateRange

MAX_DAYS = 366
DEFAULT_DAYS = 30


class DateRangeForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(gettext("The start date must be on or before the end date."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                ngettext("Choose at most %(count)d days.", "Choose at most %(count)d days.", MAX_DAYS)
                % {"count": MAX_DAYS}
            )
        data["period"] = DateRange(start, end)
        return data


def period_from(params) -> tuple[DateRangeForm, DateRange]:
    """The bound form and the period it names; the default (last 30 days) when it is invalid, so
    a bad date shows a message above the default figures instead of an error page."""
    form = DateRangeForm(params)
    if form.is_valid():
        return form, form.cleaned_data["period"]
    end = timezone.localdate()
    return form, DateRange(end - timedelta(days=DEFAULT_DAYS - 1), end)
