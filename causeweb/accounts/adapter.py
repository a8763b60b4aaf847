from allauth.account.adapter import DefaultAccountAdapter
from django.template.response import TemplateResponse

from causeweb.moderation.transparency import active_suspension_for, suspension_appeal_path


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return True

    def populate_username(self, request, user):
        """Users have no username: email is the login."""

    def respond_user_inactive(self, request, user):
        """A suspended person who typed the right password is told why, until when, and how to
        appeal (allauth reaches this only after the password check, so nothing leaks to others)."""
        suspension = active_suspension_for(user)
        if suspension is None:
            return super().respond_user_inactive(request, user)
        context = {"suspension": suspension, "appeal_url": suspension_appeal_path(suspension)}
        return TemplateResponse(request, "account/suspended.html", context, status=403)


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the account being tried, whichever form asked. The admin passes
    `username`, allauth `email` (its form field is `login`); lower-cased, as addresses are."""
    credentials = credentials or {}
    data = getattr(request, "POST", {}) if request is not None else {}
    for source, field in ((credentials, "username"), (credentials, "email"), (data, "username"), (data, "login")):
        value = source.get(field)
        if value:
            return str(value).strip().lower()
    return ""
