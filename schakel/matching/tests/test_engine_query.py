"""Query validation: clear errors with stable codes and the offending field."""

import datetime as dt

import pytest

from schakel.matching.engine import MAX_QUERY_CHARS, QueryError, make_query

from .test_engine_support import lexical_engine


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text(text):
    with pytest.raises(QueryError) as err:
        make_query(text)
    assert err.value.code == "empty_text"
    assert err.value.field == "text"


def test_huge_text_is_a_clear_error_not_a_crash():
    engine = lexical_engine([])
    with pytest.raises(QueryError) as err:
        engine.search("robot " * 4000)  # 24,000 characters
    assert err.value.code == "text_too_long"
    assert str(MAX_QUERY_CHARS) in err.value.message


def test_text_must_be_a_string():
    with pytest.raises(QueryError) as err:
        make_query(None)
    assert err.value.code == "invalid_text"


@pytest.mark.parametrize(
    ("context", "code", "field"),
    [
        ({"size": "huge"}, "invalid_size", "context.size"),
        ({"stage": "mature"}, "invalid_stage", "context.stage"),
        ({"clusters": ["food", "space"]}, "invalid_clusters", "context.clusters"),
        ({"as_of": "27/11/2026"}, "invalid_as_of", "context.as_of"),
        ({"as_of": "2026-02-30"}, "invalid_as_of", "context.as_of"),
        ({"municipality_nis": "3402"}, "invalid_municipality_nis", "context.municipality_nis"),
        ({"municipality_nis": "abcde"}, "invalid_municipality_nis", "context.municipality_nis"),
        ("not an object", "invalid_context", "context"),
    ],
)
def test_unknown_context_values_name_the_field(context, code, field):
    with pytest.raises(QueryError) as err:
        make_query("robot", context)
    assert (err.value.code, err.value.field) == (code, field)
    assert err.value.to_dict()["field"] == field


def test_valid_context_is_normalised():
    query = make_query(
        "  robot  ",
        {
            "size": "small",
            "stage": "grower",
            "clusters": ["food", "food"],
            "as_of": "2026-11-27",
            "municipality_nis": "34022",
            "unknown_key": 1,
        },
    )
    assert query.text == "robot"
    assert query.context.clusters == ("food",)
    assert query.context.as_of == dt.date(2026, 11, 27)
