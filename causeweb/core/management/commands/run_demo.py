"""The one command behind `make run`: migrate, seed demo data, start localstripe on loopback,
then serve the site. Safe to run again and again."""

import atexit
import signal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from causeweb.core import demo_scheduler, localstripe

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def exit_on_signals() -> dict:
    """Make SIGTERM and SIGINT end the command through SystemExit, so the atexit handlers stop its
    children (localstripe, the scheduler): Python's default for SIGTERM is to die without running
    them, which left localstripe listening. Returns the previous handlers."""
    previous = {signum: signal.getsignal(signum) for signum in EXIT_SIGNALS}
    for signum in EXIT_SIGNALS:
        signal.signal(signum, _exit_on_signal)
    return previous


def _exit_on_signal(signum, frame):
    for other in EXIT_SIGNALS:  # a second signal while the children stop ends it at once
        signal.signal(other, signal.SIG_DFL)
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = "Run Causeweb locally with demo data and the offline payment server."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up and seed, then exit.")
        parser.add_argument("--no-scheduler", action="store_true", help="Do not run the scheduled jobs (celery beat).")

    def handle(self, *args, **options):
        previous = exit_on_signals()
        try:
            self._run(**options)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self, *, addrport, no_serve, no_scheduler, **options):
        call_command("migrate", interactive=False, verbosity=0)
        # The Spanish and Arabic catalogues are committed as .po; the site reads compiled .mo.
        call_command("compilemessages", ignore_patterns=[".venv", "node_modules"], verbosity=0)
        self.stdout.write("Database migrated.")
        call_command("seed_demo")
        if settings.STRIPE_API_BASE.startswith("http://127.0.0.1") and not no_serve:
            port = settings.LOCALSTRIPE_PORT
            if localstripe.port_open(port):
                self.stdout.write(f"localstripe already listening on 127.0.0.1:{port}.")
            else:
                process = localstripe.start(port)
                atexit.register(localstripe.stop, process)
                self.stdout.write(f"localstripe (offline Stripe) started on 127.0.0.1:{port}.")
            self._after_payment_server_up()
        from causeweb.core.management.commands.seed_demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD

        url = f"http://{addrport}/"
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Causeweb is running at {url}\n"
                f"  Admin: {url}admin/  login {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}\n"
                "  Emails are printed in this terminal. Stop with Ctrl+C.\n"
            )
        )
        if no_serve:
            return
        if not no_scheduler:
            scheduler = demo_scheduler.start_scheduler(Path(settings.BASE_DIR) / "tmp")
            atexit.register(demo_scheduler.stop_scheduler, scheduler)
            self.stdout.write(
                "Scheduled jobs (reminders, turnout, waitlist expiry, digests, settling) run in the background."
            )
        call_command("runserver", addrport, use_reloader=False)

    def _after_payment_server_up(self):
        """Let apps wire themselves to the payment server (e.g. register the webhook endpoint), then
        seed what needs it (`seed_with_payment_server`)."""
        from importlib import import_module

        for local_app in settings.LOCAL_APPS:
            try:
                module = import_module(f"{local_app}.demo")
            except ModuleNotFoundError:
                continue
            hook = getattr(module, "on_payment_server_ready", None)
            if hook:
                hook(stdout=self.stdout)
        # Then the demo data that needs the payment server (real donations through localstripe).
        for local_app in settings.LOCAL_APPS:
            try:
                module = import_module(f"{local_app}.demo")
            except ModuleNotFoundError:
                continue
            seed = getattr(module, "seed_with_payment_server", None)
            if seed:
                seed(stdout=self.stdout)
