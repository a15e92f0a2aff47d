"""Indexes that let the register search (`Organisation.objects.search`) skip the full scan.

A search word matches anywhere in `Organisation.search_text` (an infix `LIKE '%word%'`), which
no B-tree index can serve. With 100,000 organisations each search then read the whole table
twice (the count and the page). Both databases get a trigram index instead:

* PostgreSQL: a `pg_trgm` GIN index on `search_text`; the planner uses it for the same
  `LIKE '%word%'` the ORM already writes, so nothing changes in the queries. Creating the
  extension needs a privileged role (or a database owner on PostgreSQL 13+, where pg_trgm is
  trusted); without it the migration leaves the index out and the search still works, slower.
* SQLite (3.34 or later): an FTS5 table with the `trigram` tokenizer over the same column,
  kept in step by triggers, so raw bulk writes (the demo loader, imports) are covered too.
  Words of at least three characters are looked up there; shorter ones stay a `LIKE`.

`ensure_sqlite_indexes` is idempotent: the migration calls it, and so does `post_migrate`
(a later migration that rebuilds `register_organisation` on SQLite drops its triggers and
the indexes Django does not know about).
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager

from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)

TABLE = "register_organisation"
FTS_TABLE = "register_org_fts"
PG_TRGM_INDEX = "register_org_search_trgm"
TRIGRAM_MIN_SQLITE = (3, 34, 0)
TRIGRAM_LENGTH = 3

# External content: the FTS table stores only the index, the text stays in the organisation row.
_CREATE_FTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"search_text, content='{TABLE}', content_rowid='id', tokenize='trigram')"
)
_TRIGGERS = {
    f"{FTS_TABLE}_ai": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    f"{FTS_TABLE}_ad": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
        f"VALUES ('delete', old.id, old.search_text); END"
    ),
    f"{FTS_TABLE}_au": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_text, id ON {TABLE} "
        f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
        f"VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}


# Indexes that only one database needs or can express; Django's model state does not know
# them, so on SQLite a later table rebuild drops them and `post_migrate` puts them back.
EMPLOYEES_DESC_INDEX = "register_org_employees_desc_idx"
TYPE_SIZE_INDEX = "register_org_type_size_idx"
_SQLITE_INDEXES = [
    # "-employees" sorts empty last, then by name; in SQLite NULL sorts first, so plain DESC
    # already puts empty values last (and SQLite cannot say NULLS LAST in an index).
    f"CREATE INDEX IF NOT EXISTS {EMPLOYEES_DESC_INDEX} ON {TABLE} (employees DESC, name, id)",
    # Without histograms SQLite takes `type = 'company'` (nearly every row) for selective and
    # reads 100,000 rows to check the size class; this index answers type and size together.
    f"CREATE INDEX IF NOT EXISTS {TYPE_SIZE_INDEX} ON {TABLE} (type, size_class)",
]
_POSTGRES_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS {EMPLOYEES_DESC_INDEX} ON {TABLE} "
    "(employees DESC NULLS LAST, name, id)",
]


# Below this many rows the triggers are cheaper than a rebuild of the whole index.
BULK_LOAD_MIN_ROWS = 5_000


def sqlite_supports_trigram() -> bool:
    return sqlite3.sqlite_version_info >= TRIGRAM_MIN_SQLITE


def _sqlite_names(cursor, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {row[0] for row in cursor.fetchall()}


def ensure_sqlite_indexes(connection) -> bool:
    """The SQLite-only indexes, the FTS5 table and its triggers, created where missing.

    If the FTS table or a trigger was missing, the text index is rebuilt. Returns whether
    the search index is in place. Does nothing on other databases or before the organisation
    table exists; the FTS part needs SQLite 3.34 or later.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        tables = _sqlite_names(cursor, "table")
        if TABLE not in tables:
            return False
        for sql in _SQLITE_INDEXES:
            cursor.execute(sql)
        if not sqlite_supports_trigram():
            return False
        missing = set(_TRIGGERS) - _sqlite_names(cursor, "trigger")
        if FTS_TABLE in tables and not missing:
            return True
        with transaction.atomic(using=connection.alias):
            cursor.execute(_CREATE_FTS)
            for name in sorted(missing):
                cursor.execute(_TRIGGERS[name])
            # Writes made while a trigger was missing are not indexed: index everything again.
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return True


@contextmanager
def bulk_load(connection, rows: int):
    """Around a large bulk write: index the search text once at the end, not row by row.

    Keeping the trigram index current costs about as much per row as building it for the
    whole table does, so for big loads it is lifted (SQLite: the FTS triggers; PostgreSQL:
    the GIN index) and put back afterwards, also when the load fails. Durable commits wait
    until the end as well: a demo load is one run that can simply be repeated.
    """
    if rows < BULK_LOAD_MIN_ROWS or connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Inside a transaction PostgreSQL cannot build the index while deferred foreign-key
        # checks are pending; such a caller is not a bulk load, so keep the index current.
        yield
        return
    # SQLite only takes a new safety level outside a transaction.
    relax_sync = connection.vendor == "postgresql" or not connection.in_atomic_block
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if relax_sync:
                cursor.execute("PRAGMA synchronous=OFF")
            for name in _TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            cursor.execute("SET synchronous_commit TO off")
            cursor.execute(f"DROP INDEX IF EXISTS {PG_TRGM_INDEX}")
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            ensure_sqlite_indexes(connection)
            if relax_sync:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA synchronous=NORMAL")
        else:
            create_postgres_indexes(connection)
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO DEFAULT")


def drop_sqlite_indexes(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        for name in (EMPLOYEES_DESC_INDEX, TYPE_SIZE_INDEX):
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def sqlite_search_index_ready(connection) -> bool:
    """Whether this SQLite database has the FTS table (one look-up in sqlite_master)."""
    if connection.vendor != "sqlite" or not sqlite_supports_trigram():
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
        )
        return cursor.fetchone() is not None


def fts_match_expression(words: list[str]) -> str:
    """An FTS5 query that needs every word, each as a quoted string (a substring for trigram).

    The result is passed as a query parameter, never spliced into SQL; quoting here only keeps
    FTS5 from reading a word as an operator (AND, NEAR, a column filter).
    """
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def fts_rowids_sql() -> str:
    return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"


def create_postgres_indexes(connection) -> bool:
    """The PostgreSQL-only indexes, and pg_trgm with its GIN index on search_text.

    Returns whether the trigram index exists; False (and a warning) when the role may not
    create the extension.
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        for sql in _POSTGRES_INDEXES:
            cursor.execute(sql)
        try:
            # A savepoint: a refused CREATE EXTENSION must not abort the migration's transaction.
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as exc:
            logger.warning(
                "pg_trgm is not available (%s): the register search works without its index.",
                exc,
            )
            return False
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_TRGM_INDEX} ON {TABLE} "
            "USING gin (search_text gin_trgm_ops)"
        )
    return True


def drop_postgres_indexes(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in (PG_TRGM_INDEX, EMPLOYEES_DESC_INDEX):
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
