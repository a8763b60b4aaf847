"""Bulk loading for the scale seeder (`manage.py seed_scale`): PostgreSQL COPY from an in-memory
buffer, sequence repair, and the progress/timing report. Each app's `<app>/scale.py` uses these
to write its own tables; nothing here knows about any app.

Rows go through COPY's text format (tab separated, `\\N` for NULL) rather than the ORM: a million
donations through `bulk_create` take minutes, through COPY seconds. Fields a seeder does not list
get the model field's constant default (`""`, `0`, `False`, NULL), so a new column with a default
does not break the seeder; a field whose default is callable (a UUID, a random code, `now`) must
be given explicitly, because a per-row random value would make the data non-deterministic.
"""

import io
import sys
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import date, datetime

from django.db import models

try:  # optional: a nicer bar when tqdm happens to be installed
    from tqdm import tqdm
except ImportError:  # pragma: no cover - depends on the environment
    tqdm = None

CHUNK_ROWS = 50_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value) -> str:
    """One value in COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class SimpleBar:
    """A one-line progress bar for terminals without tqdm."""

    def __init__(self, total: int, desc: str, stream):
        self.total, self.desc, self.stream, self.count = max(total, 1), desc, stream, 0
        self._last = -1

    def update(self, n: int) -> None:
        self.count += n
        percent = min(100, self.count * 100 // self.total)
        if percent != self._last:
            self._last = percent
            filled = percent * 30 // 100
            self.stream.write(f"\r{self.desc:<24} [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% {self.count:,}")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class Report:
    """Per-table progress bars and timings. `quiet` keeps the timings but draws nothing (tests)."""

    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.timings: dict[str, float] = {}
        self.rows: dict[str, int] = {}
        self._bar = None

    @contextmanager
    def table(self, label: str, total: int):
        """Time one table (its COPY and the SQL that fills its counters) under `label`."""
        started = time.perf_counter()
        if self.quiet:
            self._bar = None
        elif tqdm is not None:
            self._bar = tqdm(total=total, desc=label, unit="row", unit_scale=True, file=self.stream, leave=True)
        else:
            self._bar = SimpleBar(total, label, self.stream)
        try:
            yield self
        finally:
            if self._bar is not None:
                self._bar.close()
            self._bar = None
            self.timings[label] = self.timings.get(label, 0.0) + time.perf_counter() - started
            self.rows[label] = self.rows.get(label, 0) + total

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in names]


def _default_suffix(model: type[models.Model], given: Sequence[models.Field]) -> tuple[list[str], str]:
    """Columns the seeder did not give, and their constant defaults already in COPY format."""
    given_columns = {field.column for field in given}
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in given_columns:
            continue
        if field.has_default() and callable(field.default):
            raise ValueError(f"{model._meta.label}.{field.name} has a per-row default: give it explicitly")
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise ValueError(f"{model._meta.label}.{field.name} is a timestamp: give it explicitly")
        columns.append(field.column)
        values.append(copy_value(field.get_default()))
    return columns, "".join("\t" + value for value in values)


def copy_rows(conn, model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence], report: Report) -> int:
    """COPY `rows` (tuples in the order of the field `names`) into the model's table; returns the count."""
    given = _fields(model, names)
    rest, suffix = _default_suffix(model, given)
    columns = ", ".join(f'"{column}"' for column in [field.column for field in given] + rest)
    statement = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
    count = 0
    buffer = io.StringIO()
    pending = 0
    with conn.cursor() as cursor:
        for row in rows:
            buffer.write("\t".join(map(copy_value, row)))
            buffer.write(suffix)
            buffer.write("\n")
            pending += 1
            if pending == CHUNK_ROWS:
                count += _flush(cursor, statement, buffer, pending, report)
                buffer, pending = io.StringIO(), 0
        if pending:
            count += _flush(cursor, statement, buffer, pending, report)
    return count


def _flush(cursor, statement: str, buffer: io.StringIO, pending: int, report: Report) -> int:
    buffer.seek(0)
    cursor.cursor.copy_expert(statement, buffer)  # the psycopg2 cursor under Django's wrapper
    report.advance(pending)
    return pending


def execute(conn, sql: str, params: Sequence | None = None) -> int:
    """Run one statement (the counter recomputations); returns the affected row count."""
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def table_of(model: type[models.Model]) -> str:
    return f'"{model._meta.db_table}"'


def reset_sequences(conn, model_list: Iterable[type[models.Model]]) -> None:
    """After COPY with explicit ids, move each identity/serial sequence past the highest id so
    the application's next INSERT does not collide."""
    with conn.cursor() as cursor:
        for model in model_list:
            pk = model._meta.pk
            if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
                continue
            table = model._meta.db_table
            cursor.execute(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{pk.column}"), 1), '  # noqa: S608
                f'MAX("{pk.column}") IS NOT NULL) FROM "{table}"',
                [f'"{table}"', pk.column],
            )


def skewed_counts(rng, buckets: int, total: int, exponent: float = 1.2) -> list[int]:
    """Split `total` over `buckets` with a long tail (a few big, most small), exactly summing to total."""
    if buckets <= 0 or total <= 0:
        return [0] * max(buckets, 0)
    weights = [rng.paretovariate(exponent) for _ in range(buckets)]
    scale = total / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    shortfall = total - sum(counts)
    for index in rng.sample(range(buckets), min(buckets, shortfall)) if shortfall > 0 else []:
        counts[index] += 1
    index = 0
    while sum(counts) < total:  # more shortfall than buckets (tiny bucket counts)
        counts[index % buckets] += 1
        index += 1
    return counts


def scaled(count: int, factor: float, minimum: int = 1) -> int:
    return max(minimum, round(count * factor))


@contextmanager
def indexes_and_foreign_keys_deferred(conn, model_list: Iterable[type[models.Model]], report: Report):
    """Load first, index and check after, as pg_restore does: drop the tables' secondary indexes
    and their own foreign keys, yield, then rebuild both. A rebuilt index is one sort instead of a
    million inserts, and re-adding a foreign key validates every row with one join, so nothing
    goes unchecked: a duplicate under a unique index or a dangling reference fails the load.
    Indexes that back a primary key or unique constraint stay (other tables' keys refer to them).
    Meant to run inside the seeding transaction, so a failure restores everything."""
    tables = [model._meta.db_table for model in model_list]
    with conn.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
               WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
               FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
               WHERE c.contype = 'f' AND t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace""",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with report.table("indexes + foreign keys", len(indexes) + len(foreign_keys)), conn.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
            report.advance(1)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            report.advance(1)
