from django import forms

from causeweb.accounts.models import TIMEZONE_CHOICES, ApiToken, User
from causeweb.core.validators import validate_no_bidi, validate_single_line


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=[("", "Use my browser's time zone"), *TIMEZONE_CHOICES], required=False)

    class Meta:
        model = User
        fields = ["display_name", "bio", "location", "timezone"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"display_name": "Shown next to what you write, sign or give (unless you choose otherwise)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A name appears in email subjects ("X replied to you") and other people's pages.
        self.fields["display_name"].validators.append(validate_single_line)
        self.fields["location"].validators.append(validate_single_line)
        self.fields["bio"].validators.append(validate_no_bidi)


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text='What will use it, so you can tell your tokens apart ("My phone", "Partner site").'
    )
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ, widget=forms.RadioSelect)


class ApiTokenRenameForm(forms.Form):
    name = forms.CharField(max_length=80)
