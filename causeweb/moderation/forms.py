from django import forms

from causeweb.moderation.models import Flag

DURATION_CHOICES = [("7", "7 days"), ("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "Permanently")]


class AppealForm(forms.Form):
    statement = forms.CharField(
        label="Why should the decision change?",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
        max_length=4000,
        help_text="A moderator who did not take the decision reads it. You can appeal each decision once.",
    )


class SuspendForm(forms.Form):
    """The admin's suspension form: the rule, the period, a note for the person, and whether to
    hide what they published."""

    rule = forms.ChoiceField(choices=Flag.Reason.choices, help_text="The rule they broke (told to them).")
    duration_days = forms.ChoiceField(choices=DURATION_CHOICES, required=False, initial="30", label="For")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000,
                           help_text="Shown to the person with the rule, and kept in the audit log.")  # fmt: skip
    hide_content = forms.BooleanField(required=False, label="Also hide everything they published")
