from django import forms

from causeweb.accounts.models import TIMEZONE_CHOICES, User


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=[("", "Use my browser's time zone"), *TIMEZONE_CHOICES], required=False)

    class Meta:
        model = User
        fields = ["display_name", "bio", "location", "timezone"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"display_name": "Shown next to what you write, sign or give (unless you choose otherwise)."}
