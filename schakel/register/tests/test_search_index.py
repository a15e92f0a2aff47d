"""The register search through its trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schakel.core.demo import insert_rows
from schakel.core.text import fold
from schakel.register import search_index
from schakel.register.apps import _ensure_search_index
from schakel.register.models import Organisation

SQLITE = connection.vendor == "sqlite"
POSTGRES = connection.vendor == "postgresql"


def found(text):
    return sorted(Organisation.objects.search(text).values_list("name", flat=True))


@pytest.fixture
def orgs(db):
    return {
        name: Organisation.objects.create(name=name, description=description)
        for name, description in [
            ("Alfa Metaalbouw", "Plaatbewerking en lassen"),
            ("Bèta Voeding", "Bakkerij en zuivel"),
            ("Gamma Textiel", "Vlas en linnen uit de Leiestreek"),
        ]
    }


@pytest.mark.skipif(not SQLITE, reason="the FTS5 table is SQLite's")
def test_sqlite_search_looks_long_words_up_in_the_fts_table(orgs):
    # given
    assert search_index.sqlite_search_index_ready(connection)
    # when
    with CaptureQueriesContext(connection) as captured:
        names = found("METAAL bouw")
    # then
    assert names == ["Alfa Metaalbouw"]
    sql = [q["sql"] for q in captured.captured_queries if "register_organisation" in q["sql"]]
    assert "register_org_fts MATCH" in sql[-1]
    assert "LIKE" not in sql[-1]


@pytest.mark.skipif(not POSTGRES, reason="pg_trgm is PostgreSQL's")
def test_postgres_search_can_use_the_trigram_index(orgs):
    # given: with so few rows the planner would scan the table, or walk the whole primary-key
    # index; forbid both (fresh statistics too), leaving bitmap scans, which a GIN index serves
    queryset = Organisation.objects.search("metaal").values("pk")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE register_organisation")
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        # when
        plan = queryset.explain()
    # then
    assert search_index.PG_TRGM_INDEX in plan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metaal", ["Alfa Metaalbouw"]),  # a part of a word
        ("BÈTA", ["Bèta Voeding"]),  # case and accents
        ("beta voeding", ["Bèta Voeding"]),  # every word
        ("beta textiel", []),  # every word must match
        ("leie", ["Gamma Textiel"]),  # the description
        ("en", ["Alfa Metaalbouw", "Bèta Voeding", "Gamma Textiel"]),  # short: LIKE
        ("en vlas", ["Gamma Textiel"]),  # short and long together
        ("ba", ["Bèta Voeding"]),  # "bakkerij"
        ("zz", []),
        ("a" * 3, []),
        ('"metaal" OR voeding', []),  # FTS5 syntax is plain text here: "or" must match too
        ("metaal AND", []),
        ("NEAR(metaal", []),
        ("bouw lassen", ["Alfa Metaalbouw"]),  # name and description
    ],
)
def test_search_semantics(orgs, text, expected):
    assert found(text) == expected


def test_search_finds_by_enterprise_number_in_any_notation(db):
    # given
    Organisation.objects.create(name="Delta", enterprise_number="0417497106")
    # then
    assert found("0417.497.106") == ["Delta"]
    assert found("BE 0417497106") == ["Delta"]
    assert found("497") == ["Delta"]


def test_created_changed_and_deleted_organisations_are_found_or_not(db):
    # given
    org = Organisation.objects.create(name="Epsilon Kunststoffen")
    assert found("kunststof") == ["Epsilon Kunststoffen"]
    # when: renamed
    org.name = "Epsilon Houtbewerking"
    org.save()
    # then
    assert found("kunststof") == []
    assert found("houtbew") == ["Epsilon Houtbewerking"]
    # when: a bulk UPDATE (as the importers write) of the search text
    Organisation.objects.filter(pk=org.pk).update(search_text=fold("Epsilon Scheepsbouw"))
    # then
    assert found("houtbew") == []
    assert found("scheeps") == ["Epsilon Houtbewerking"]
    # when: deleted
    org.delete()
    # then
    assert found("scheeps") == []
    assert found("epsilon") == []


def test_bulk_created_and_raw_inserted_organisations_are_found(db):
    # given: bulk_create does not call save(), so the caller fills search_text
    Organisation.objects.bulk_create(
        [Organisation(name=f"Zeta {n}", search_text=fold(f"Zeta {n} Vlasverwerking")) for n in "12"]
    )
    # and the demo loader's raw upsert, once as an insert and once as an update
    now = timezone.now()
    values = {
        "name": "Eta",
        "external_id": "eta",
        "type": "company",
        "status": "active",
        "manual_fields": [],
        "created_at": now,
        "updated_at": now,
    }
    for name in ("legal_form", "description", "website", "email", "phone", "street"):
        values[name] = ""
    for name in ("postal_code", "size_class", "stage", "source"):
        values[name] = ""
    for description in ("Brouwerij", "Mouterij"):
        values["search_text"] = fold(f"Eta {description}")
        insert_rows(
            Organisation,
            list(values),
            [list(values.values())],
            conflict_field="external_id",
            update_fields=["search_text"],
        )
    # then
    assert found("vlasverw") == ["Zeta 1", "Zeta 2"]
    assert found("brouw") == []
    assert found("mouterij") == ["Eta"]


@pytest.mark.skipif(not SQLITE, reason="the triggers are SQLite's")
def test_post_migrate_puts_back_what_a_table_rebuild_dropped(db):
    # given: a table rebuild (as Django does to alter a SQLite table) lost the triggers and
    # the indexes Django does not know of
    with connection.cursor() as cursor:
        for name in search_index._TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
        for name in (search_index.EMPLOYEES_DESC_INDEX, search_index.TYPE_SIZE_INDEX):
            cursor.execute(f"DROP INDEX {name}")
    Organisation.objects.create(name="Theta Zuivel")
    assert found("zuivel") == []
    # when
    _ensure_search_index(sender=None, using=connection.alias)
    # then: indexed again, and kept in step from now on
    assert found("zuivel") == ["Theta Zuivel"]
    Organisation.objects.create(name="Iota Zuivel")
    assert found("zuivel") == ["Iota Zuivel", "Theta Zuivel"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {search_index.EMPLOYEES_DESC_INDEX, search_index.TYPE_SIZE_INDEX} <= indexes


def test_fts_expression_quotes_every_word():
    assert search_index.fts_match_expression(['a"b', "near"]) == '"a""b" AND "near"'


def test_a_bulk_load_leaves_every_loaded_company_searchable(db, monkeypatch):
    # given a load big enough to lift the search index while it runs
    from schakel.register.demo import load_companies

    monkeypatch.setattr(search_index, "BULK_LOAD_MIN_ROWS", 1)
    # when the demo loads companies through it
    load_companies(30, seed=7)
    # then each of them is found by a word of its name, and the index is back in place
    company = Organisation.objects.filter(source="Fictional demo data").order_by("pk").last()
    word = max(company.name.split(), key=len)
    assert company in Organisation.objects.search(word[1:-1])
    if connection.vendor == "sqlite" and search_index.sqlite_supports_trigram():
        assert search_index.sqlite_search_index_ready(connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE indexname = %s", [search_index.PG_TRGM_INDEX]
            )
            assert cursor.fetchone() == (1,)
