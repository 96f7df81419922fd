"""Fast row writing for the bench data: explicit primary keys, COPY on PostgreSQL.

The generator builds plain tuples with every id chosen up front (so related rows point at each
other without reading anything back) and hands them here per table. PostgreSQL gets them through
COPY, which is what makes 100,000 applications fit in the time budget; other databases (the
SQLite test run) get an executemany INSERT, values converted by the model fields themselves, so
the test exercises the same rows. `auto_now_add` is bypassed on purpose: the bench needs dates
spread over two years, not the moment of generation.

On PostgreSQL a batch is written by a background thread on its own connection, one transaction
per batch, while the main thread builds the next one: the Python work and the server's work
(parsing, TOAST, indexes) then run on both cores. When the database user is a superuser, the
batch runs with `session_replication_role = replica`, which skips the foreign-key triggers: every
id is assigned here, and `bench_data` checks the references afterwards with a few SQL counts.
"""

import json
import queue
import threading

from django.core.management.color import no_style
from django.db import connection, models, transaction


class RowWriter:
    def __init__(self, background=None):
        self.vendor = connection.vendor
        if background is None:
            # Not when the caller holds a transaction (a test): the rows must stay inside it.
            background = self.vendor == "postgresql" and not connection.in_atomic_block
        self.background = background
        self._next_ids = {}
        self.counts = {}
        self._queue = None
        self._thread = None
        self._error = None
        self.skipped_fk_checks = False

    # --- ids ------------------------------------------------------------------------------

    def ids(self, model, n):
        """`n` fresh primary keys for `model`, above everything already in its table."""
        start = self._next_ids.get(model)
        if start is None:
            start = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self._next_ids[model] = start + n
        return range(start, start + n)

    def next_id(self, model):
        return self.ids(model, 1)[0]

    def reset_sequences(self):
        """Point the tables' id sequences past the ids given here (PostgreSQL; SQLite's
        AUTOINCREMENT follows explicit ids by itself)."""
        self.drain()
        statements = connection.ops.sequence_reset_sql(no_style(), list(self._next_ids))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    # --- rows -----------------------------------------------------------------------------

    def write(self, model, columns, rows):
        """Insert `rows` (tuples in the order of `columns`, model attnames) into model's table,
        now, on the caller's connection and in its transaction."""
        if not rows:
            return
        self.counts[model] = self.counts.get(model, 0) + len(rows)
        if self.vendor == "postgresql":
            _copy(model, columns, rows)
        else:
            _insert(model, columns, rows)

    def write_batch(self, tables):
        """Write {model: (columns, rows)} in one transaction; in the background on PostgreSQL
        (call drain() before reading the rows back)."""
        for model, (_columns, rows) in tables.items():
            self.counts[model] = self.counts.get(model, 0) + len(rows)
        if not self.background:
            with transaction.atomic():
                _write_tables(tables)
            return
        if self._thread is None:
            self._queue = queue.Queue(maxsize=1)  # one batch waiting at most: memory stays flat
            self._thread = threading.Thread(target=self._work, name="bench-writer", daemon=True)
            self._thread.start()
        self._raise_error()
        self._queue.put(tables)

    def drain(self):
        """Wait until every batch handed to write_batch is committed."""
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join()
        self._thread = None
        self._raise_error()

    def _raise_error(self):
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _work(self):
        try:
            superuser = _is_superuser()
            self.skipped_fk_checks = superuser
            while True:
                tables = self._queue.get()
                if tables is None:
                    return
                if self._error is not None:
                    continue  # keep taking batches so the producer never blocks; report later
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        # Bench data: a crash means generating again, not a lost commit.
                        cursor.execute("SET LOCAL synchronous_commit = off")
                        if superuser:
                            cursor.execute("SET LOCAL session_replication_role = replica")
                    _write_tables(tables)
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            self._error = error
            while self._queue.get() is not None:
                pass
        finally:
            connection.close()  # this thread's own connection


def _is_superuser():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _write_tables(tables):
    for model, (columns, rows) in tables.items():
        if rows:
            (_copy if connection.vendor == "postgresql" else _insert)(model, columns, rows)


def _copy(model, columns, rows):
    fields = [model._meta.get_field(name) for name in columns]
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            if json_columns:
                for row in rows:
                    row = list(row)
                    for i in json_columns:
                        row[i] = json.dumps(row[i], ensure_ascii=False)
                    copy.write_row(row)
            else:
                for row in rows:
                    copy.write_row(row)


def _insert(model, columns, rows):
    fields = [model._meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    prepared = [[f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)] for row in rows]
    with connection.cursor() as cursor:
        # S608: table and column names from the models, values as parameters.
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)  # noqa: S608
