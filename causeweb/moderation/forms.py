from django import forms
from django.utils.translation import gettext_lazy as _

from causeweb.moderation.models import Flag

DURATION_CHOICES = [
    ("7", _("7 days")),
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
    ("", _("Permanently")),
]


class AppealForm(forms.Form):
    statement = forms.CharField(
        label=_("Why should the decision change?"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
        max_length=4000,
        help_text=_("A moderator who did not take the decision reads it. You can appeal each decision once."),
    )


class SuspendForm(forms.Form):
    """The admin's suspension form: the rule, the period, a note for the person, and whether to
    hide what they published."""

    rule = forms.ChoiceField(choices=Flag.Reason.choices, help_text=_("The rule they broke (told to them)."))
    duration_days = forms.ChoiceField(choices=DURATION_CHOICES, required=False, initial="30", label=_("For"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000,
                           help_text=_("Shown to the person with the rule, and kept in the audit log."))  # fmt: skip
    hide_content = forms.BooleanField(required=False, label=_("Also hide everything they published"))
