from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.formats import date_format
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from causeweb.accounts.models import TIMEZONE_CHOICES, ApiToken, User
from causeweb.core.validators import validate_no_bidi, validate_single_line
from causeweb.moderation.transparency import active_suspension_for


def language_choices() -> list[tuple[str, str]]:
    """Each language named in its own language ("Español", "العربية"), as in the header."""
    return [("", gettext("Use my browser's language"))] + [
        (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
    ]


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Timezone"), choices=[("", _("Use my browser's time zone")), *TIMEZONE_CHOICES], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=language_choices,
        required=False,
        help_text=_("The language of the site and of the emails we send you."),
    )

    class Meta:
        model = User
        fields = ["display_name", "bio", "location", "timezone", "language", "show_as_advocate", "show_profile"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "display_name": _("Display name"),
            "bio": _("Bio"),
            "location": _("Location"),
            "show_as_advocate": _("Show as advocate"),
            "show_profile": _("Let search engines list my profile"),
        }
        help_texts = {"display_name": _("Shown next to what you write, sign or give (unless you choose otherwise).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A name appears in email subjects ("X replied to you") and other people's pages.
        self.fields["display_name"].validators.append(validate_single_line)
        self.fields["location"].validators.append(validate_single_line)
        self.fields["bio"].validators.append(validate_no_bidi)


class SignupExtraForm(forms.Form):
    """allauth's sign-up form gets these fields (ACCOUNT_SIGNUP_FORM_CLASS). Without a name, what
    others see would be the start of the email address ("Started by nora.new")."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        validators=[validate_single_line],
        help_text=_("Shown next to what you start, write, sign or give, unless you choose to stay anonymous."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self):
        return " ".join(self.cleaned_data["display_name"].split())

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_('What will use it, so you can tell your tokens apart ("My phone", "Partner site").'),
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ, widget=forms.RadioSelect
    )


class ApiTokenRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in, which tells a suspended person (right password only) why and until
    when, instead of Django's "enter a correct email and password"."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            user = User.objects.filter(email__iexact=self.cleaned_data.get("username") or "").first()
            password = self.cleaned_data.get("password") or ""
            suspension = active_suspension_for(user) if user is not None and user.check_password(password) else None
            if suspension is None:
                raise
            rule = suspension.get_rule_display()
            if suspension.ends_at:
                message = gettext(
                    "This account is suspended until %(until)s (UTC) for breaking the rule “%(rule)s”. "
                    "The email we sent you explains how to appeal."
                ) % {"until": date_format(suspension.ends_at, "j F Y, H:i"), "rule": rule}
            else:
                message = gettext(
                    "This account is suspended permanently for breaking the rule “%(rule)s”. "
                    "The email we sent you explains how to appeal."
                ) % {"rule": rule}
            raise forms.ValidationError(message, code="suspended") from None
