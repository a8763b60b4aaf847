from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "causeweb.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib import admin

        from causeweb.accounts import sites
        from causeweb.accounts.forms import AdminLoginForm

        # The admin's sign-in tells a suspended person why and until when (allauth's does too,
        # through AccountAdapter.respond_user_inactive).
        admin.site.login_form = AdminLoginForm

        # After `migrate`, the Site row says SITE_URL and SITE_NAME (account emails use it).
        post_migrate.connect(sites.sync_site_after_migrate, dispatch_uid="accounts-site-sync")

        # A visitor who chose a language before signing in keeps it on the account (docs/i18n.md).
        user_logged_in.connect(adopt_language_on_sign_in, dispatch_uid="accounts-adopt-language")


def adopt_language_on_sign_in(sender, request, user, **kwargs):
    from django.conf import settings

    from causeweb.accounts.services import user_adopt_language_on_sign_in

    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request is not None else None
    user_adopt_language_on_sign_in(user=user, chosen=chosen)
