from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return True

    def populate_username(self, request, user):
        """Users have no username: email is the login."""


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
