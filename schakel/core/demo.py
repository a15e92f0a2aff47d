"""The demo-data framework behind `schakel demo`.

Each installed Schakel app may ship a `demo.py` module with

- `load(options: dict, stdout) -> None`: create or update its demo records. It must be
  idempotent: records are keyed by stable ids (an `external_id`, a username), so a second
  run updates what is there and never duplicates;
- optionally `DEMO_AFTER = ("schakel.other_app", ...)`: apps whose demo data it needs,
  when that app comes later in INSTALLED_APPS;
- optionally `logins() -> list[tuple[str, str]]`: (role, username) pairs printed at the end.

`schakel demo` discovers these modules in INSTALLED_APPS order, so a new app (catalog,
support, facilities, funding) adds its own `demo.py` without touching the command.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import random
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.db import connections

#: The one password of every demo login (documented in the README and printed by `schakel demo`).
DEMO_PASSWORD = "schakel-demo-2026"

#: What fictional records carry in their `source` field.
FICTIONAL_SOURCE = "Fictional demo data"


def demo_modules() -> list[ModuleType]:
    """The `<app>.demo` modules of the installed Schakel apps, dependencies first.

    The order is INSTALLED_APPS order, except that a module listing apps in `DEMO_AFTER`
    runs after those apps' modules.
    """
    found: dict[str, ModuleType] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("schakel."):
            continue
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if callable(getattr(module, "load", None)):
            found[config.name] = module

    ordered: list[ModuleType] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(app_name: str) -> None:
        if app_name in placed:
            return
        if app_name in visiting:
            raise RuntimeError(f"demo modules depend on each other in a circle: {app_name}")
        visiting.add(app_name)
        for dependency in getattr(found[app_name], "DEMO_AFTER", ()):
            if dependency in found:
                place(dependency)
        visiting.discard(app_name)
        placed.add(app_name)
        ordered.append(found[app_name])

    for app_name in found:
        place(app_name)
    return ordered


def reference_file() -> Path:
    """The West-Flanders reference document (partners, facilities, terminals, funds, regions).

    `SCHAKEL_REFERENCE_FILE` overrides; otherwise the copy shipped with the places app, then
    the shared reference folder next to the project.
    """
    candidates = []
    if os.environ.get("SCHAKEL_REFERENCE_FILE"):
        candidates.append(Path(os.environ["SCHAKEL_REFERENCE_FILE"]))
    candidates += [
        Path(settings.BASE_DIR) / "schakel" / "places" / "data" / "west-flanders.yaml",
        Path(settings.BASE_DIR) / "schakel" / "register" / "data" / "west-flanders.yaml",
        Path(settings.BASE_DIR).parent / "shared" / "reference" / "west-flanders.yaml",
    ]
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        "west-flanders.yaml not found; set SCHAKEL_REFERENCE_FILE to its path "
        f"(looked in: {', '.join(str(p) for p in candidates)})"
    )


_reference_cache: dict[Path, dict] = {}


def reference_data() -> dict:
    """The parsed reference document (read once per process)."""
    import yaml

    path = reference_file()
    if path not in _reference_cache:
        with path.open(encoding="utf-8") as handle:
            _reference_cache[path] = yaml.safe_load(handle)
    return _reference_cache[path]


def source_text(source_ids: Sequence[str], uncertain: bool = False, limit: int = 500) -> str:
    """The `source` field for records from the reference document: title and URL per source.

    Records marked `uncertain` say so first, as the document does.
    """
    titles = {s["id"]: s for s in reference_data().get("sources", [])}
    entries = [titles[i] for i in dict.fromkeys(source_ids) if i in titles]
    prefix = "Uncertain (not fully verified): " if uncertain else ""
    # Whole sources only (a cut URL is no citation); say how many did not fit.
    for shown in range(len(entries), 0, -1):
        text = prefix + "; ".join(f"{e['title']} <{e['url']}>" for e in entries[:shown])
        if shown < len(entries):
            text += " (+{more} more sources)".format(more=len(entries) - shown)
        if len(text) <= limit:
            return text
    return (prefix + "; ".join(e["url"] for e in entries))[:limit]


class WeightedChoice:
    """Pick from `items` with the given weights, fast enough for 100,000 draws."""

    def __init__(self, items: Sequence, weights: Sequence[float]):
        if not items:
            raise ValueError("nothing to choose from")
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random):
        index = bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


_ADAPTED_TYPES = {"DateTimeField", "DateField", "DecimalField", "JSONField", "TimeField"}


def insert_rows(
    model,
    field_names: Sequence[str],
    rows: Sequence[Sequence],
    *,
    conflict_field: str | None = None,
    update_fields: Sequence[str] = (),
    using: str = "default",
) -> None:
    """INSERT many rows fast: one prepared statement run with executemany.

    `bulk_create` prepares every value of every model instance; for 100,000 demo companies
    that is most of the time. Rows here are plain tuples in `field_names` order, foreign keys
    as ids. Dates, decimals and JSON are adapted for the database. With `conflict_field` an
    existing row (same value in that unique column) is updated instead: an upsert, written
    as `ON CONFLICT ... DO UPDATE`, which SQLite and PostgreSQL both understand.
    """
    if not rows:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    adapters = [
        (index, field)
        for index, field in enumerate(fields)
        if field.get_internal_type() in _ADAPTED_TYPES
    ]
    sql = "INSERT INTO {table} ({columns}) VALUES ({values})".format(
        table=quote(model._meta.db_table),
        columns=", ".join(quote(f.column) for f in fields),
        values=", ".join(["%s"] * len(fields)),
    )
    if conflict_field:
        sql += " ON CONFLICT ({target}) DO UPDATE SET {updates}".format(
            target=quote(model._meta.get_field(conflict_field).column),
            updates=", ".join(
                "{column} = EXCLUDED.{column}".format(
                    column=quote(model._meta.get_field(name).column)
                )
                for name in update_fields
            ),
        )
    if adapters:
        # Batches repeat values (the same `now` on every row): adapt each distinct one once.
        memo: dict = {}
        prepared = []
        for row in rows:
            row = list(row)
            for index, field in adapters:
                value = row[index]
                if value is None:
                    continue
                try:
                    key = (index, value)
                    row[index] = memo[key]
                except KeyError:
                    row[index] = memo[key] = field.get_db_prep_save(value, connection)
                except TypeError:  # unhashable (a dict or list for a JSON field)
                    row[index] = field.get_db_prep_save(value, connection)
            prepared.append(row)
        rows = prepared
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def site_url() -> str:
    """Where `make run` serves the site (PORT, default 8000)."""
    return "http://127.0.0.1:{port}/".format(port=os.environ.get("PORT") or "8000")
