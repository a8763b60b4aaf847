"""A production-sized data set for performance work, on PostgreSQL only.

    manage.py seed_scale                 # full size: 50k people, 10k campaigns, 1M donations...
    manage.py seed_scale --factor 0.01   # the 1/100 set
    manage.py seed_scale --reset         # empty the seeded tables first

Each local app may provide `<app>/scale.py` with `MODELS` (the tables it fills), `SEED_ORDER`
and `seed(conn, factor, rng, ids, report)`; they run in SEED_ORDER (accounts, campaigns,
communities, fundraising, events), share the `ids` dict (what earlier apps created) and write
with COPY (causeweb.core.bulk). Every app gets its own random generator derived from `--seed`,
so the same seed gives the same rows, and changing one app's generator leaves the others' alone.
All of it runs in one transaction: a failure leaves the database as it was.
"""

import random
import time
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from causeweb.core import bulk


def scale_modules() -> list:
    modules = []
    for local_app in settings.LOCAL_APPS:
        name = f"{local_app}.scale"
        try:
            modules.append(import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return sorted(modules, key=lambda module: module.SEED_ORDER)


def seeded_models(modules) -> list:
    return [model for module in modules for model in module.MODELS]


def usable_indexes_everywhere(conn) -> int:
    """Indexes built after the seeder's UPDATEs (broken HOT chains) are marked `indcheckxmin`: a
    transaction may use them only once its snapshot's xmin is newer than the index, and that xmin
    is the oldest transaction running in the whole cluster, any database. On a busy server (other
    test runs, a long report) the planner then ignores `campaign_trending` and the others and
    sorts the table. VACUUM (pruning the chains) then REINDEX clears the mark; returns the number
    of tables treated."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.indcheckxmin AND n.nspname = current_schema()"
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'VACUUM "{table}"')
            cursor.execute(f'REINDEX TABLE "{table}"')
            cursor.execute(f'ANALYZE "{table}"')
    return len(tables)


def non_empty_tables(models) -> list[str]:
    with connection.cursor() as cursor:
        found = []
        for model in models:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {bulk.table_of(model)})")  # noqa: S608
            if cursor.fetchone()[0]:
                found.append(model._meta.db_table)
        return found


class Command(BaseCommand):
    help = "Fill an empty PostgreSQL database with a production-sized data set (COPY, consistent counters)."

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=float, default=1.0, help="Size relative to full scale (0.01 = 1/100).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same rows.")
        parser.add_argument("--reset", action="store_true", help="Truncate the seeded tables (CASCADE) first.")
        parser.add_argument("--quiet", action="store_true", help="No progress bars (timings are still printed).")

    def handle(self, *args, factor: float, seed: int, reset: bool, quiet: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                f"seed_scale needs PostgreSQL (it loads with COPY); this database is {connection.vendor}. "
                "Set DATABASE_URL=postgres://..."
            )
        if not 0 < factor <= 10:
            raise CommandError("--factor must be greater than 0 and at most 10.")
        modules = scale_modules()
        models = seeded_models(modules)
        occupied = non_empty_tables(models)
        if occupied and not reset:
            raise CommandError(
                f"The database is not empty ({', '.join(occupied)}). Use --reset to truncate the seeded tables "
                "(and, by CASCADE, everything that refers to them)."
            )
        report = bulk.Report(stream=self.stderr, quiet=quiet)
        started = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                if occupied:
                    tables = ", ".join(bulk.table_of(model) for model in models)
                    cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            ids = {"now": timezone.now().replace(minute=0, second=0, microsecond=0), "factor": factor}
            with bulk.indexes_and_foreign_keys_deferred(connection, models, report):
                for module in modules:
                    app = module.__name__.rsplit(".", 1)[0]
                    module.seed(connection, factor, random.Random(f"{seed}:{app}"), ids, report)  # noqa: S311
            # Figures computed from the loaded rows (the trending scores) run once the indexes are
            # back: before, each campaign's count was a scan of the whole signatures table.
            for module in modules:
                if hasattr(module, "after_indexes"):
                    module.after_indexes(connection, ids, report)
            bulk.reset_sequences(connection, models)
        analyzed = time.perf_counter()
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {bulk.table_of(model)}")
        report.timings["ANALYZE"] = time.perf_counter() - analyzed
        report.rows["ANALYZE"] = 0
        if not connection.in_atomic_block:
            reindexed = time.perf_counter()
            report.rows["VACUUM + REINDEX"] = usable_indexes_everywhere(connection)
            report.timings["VACUUM + REINDEX"] = time.perf_counter() - reindexed
        total = time.perf_counter() - started
        self.stdout.write(f"{'table':28} {'rows':>10} {'seconds':>8}")
        for label, seconds in report.timings.items():
            self.stdout.write(f"{label:28} {report.rows[label]:>10,} {seconds:8.1f}")
        self.stdout.write(self.style.SUCCESS(f"Seeded at factor {factor} in {total:.1f} s."))
