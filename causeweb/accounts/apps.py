from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "causeweb.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib import admin

        from causeweb.accounts import sites
        from causeweb.accounts.forms import AdminLoginForm

        # The admin's sign-in tells a suspended person why and until when (allauth's does too,
        # through AccountAdapter.respond_user_inactive).
        admin.site.login_form = AdminLoginForm

        # After `migrate`, the Site row says SITE_URL and SITE_NAME (account emails use it).
        post_migrate.connect(sites.sync_site_after_migrate, dispatch_uid="accounts-site-sync")
