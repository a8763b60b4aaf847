from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from causeweb.notifications import kinds


class PreferencesForm(forms.Form):
    """Two checkboxes per optional kind: `email_<kind>` and `digest_<kind>`. Mandatory kinds
    have no fields: they are always emailed (the page says so)."""

    def __init__(self, *args, current: dict[str, dict[str, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds.optional_kinds():
            choice = current.get(kind, {"email": True, "digest": False})
            self.fields[f"email_{kind.value}"] = forms.BooleanField(
                required=False, initial=choice["email"], label=format_lazy(_("Email me: {kind}"), kind=kind.label)
            )
            self.fields[f"digest_{kind.value}"] = forms.BooleanField(
                required=False,
                initial=choice["digest"],
                label=format_lazy(_("Daily digest instead: {kind}"), kind=kind.label),
            )

    def rows(self):
        """(label, email field, digest field) per optional kind, for the table."""
        return [
            (kind.label, self[f"email_{kind.value}"], self[f"digest_{kind.value}"]) for kind in kinds.optional_kinds()
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        return {
            kind.value: {
                "email": self.cleaned_data[f"email_{kind.value}"],
                "digest": self.cleaned_data[f"digest_{kind.value}"],
            }
            for kind in kinds.optional_kinds()
        }
