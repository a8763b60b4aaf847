"""Demo data for the embedded mode. Idempotent: running it twice leaves one copy of everything.
Each local app may provide `<app>/demo.py` with `seed(stdout)`; they run in INSTALLED_APPS order."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_ADMIN_EMAIL = "admin@causeweb.local"
DEMO_ADMIN_PASSWORD = "causeweb-demo"  # only ever created by this demo command


class Command(BaseCommand):
    help = "Create demo users, campaigns, events and groups (safe to run repeatedly)."

    def handle(self, *args, **options):
        from causeweb.accounts.services import user_get_or_create_demo_admin

        with transaction.atomic():
            user_get_or_create_demo_admin(email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD)
        for local_app in settings.LOCAL_APPS:
            try:
                module = import_module(f"{local_app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{local_app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
