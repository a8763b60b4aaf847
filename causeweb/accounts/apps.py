from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "causeweb.accounts"
    label = "accounts"
    verbose_name = "Accounts"
