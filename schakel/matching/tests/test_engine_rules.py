"""Rules: open periods, audience demotion, cluster fit and proximity."""

import datetime as dt

from .test_engine_support import AS_OF, doc, ids, lexical_engine


def test_expired_offering_is_never_returned():
    engine = lexical_engine(
        [
            doc(
                "old-call",
                "Subsidie robotica",
                "Robotica robotica",
                open_until=dt.date(2026, 6, 30),
            ),
            doc("new-call", "Subsidie", "Oproep", open_until=dt.date(2027, 3, 31)),
        ]
    )
    result = engine.search("subsidie robotica", AS_OF)
    assert "old-call" not in ids(result)
    assert ids(result) == ["new-call"]
    assert {"code": "open_until", "date": "2027-03-31"} in result.results[0].reasons
    # the same question before the deadline does return it
    assert "old-call" in ids(engine.search("subsidie robotica", {"as_of": "2026-06-30"}))


def test_not_yet_open_is_returned_with_opening_date():
    engine = lexical_engine(
        [doc("later", "Cobotdag", "Demo", kind="event", open_from=dt.date(2027, 2, 11))]
    )
    result = engine.search("cobotdag", AS_OF)
    assert ids(result) == ["later"]
    assert {"code": "opens_on", "date": "2027-02-11"} in result.results[0].reasons


def test_audience_excluding_size_demotes_and_says_so():
    docs = [
        doc("sme-only", "Opleiding lassen", audience_sizes=["micro", "small", "medium"]),
        doc("all", "Opleiding lassen"),
    ]
    engine = lexical_engine(docs)
    large = engine.search("opleiding lassen", {**AS_OF, "size": "large"})
    assert ids(large) == ["all", "sme-only"]
    demoted = large.results[1]
    assert {"code": "audience_excludes_size", "size": "large"} in demoted.reasons
    assert demoted.score < large.results[0].score
    small = engine.search("opleiding lassen", {**AS_OF, "size": "small"})
    assert small.results[0].score == small.results[1].score


def test_audience_excluding_stage_demotes():
    engine = lexical_engine(
        [
            doc("starters", "Startlening", audience_stages=["idea", "starter"]),
            doc("open", "Startlening"),
        ]
    )
    result = engine.search("startlening", {**AS_OF, "stage": "established"})
    assert ids(result) == ["open", "starters"]
    assert {"code": "audience_excludes_stage", "stage": "established"} in result.results[1].reasons


def test_cluster_fit_boosts_with_reason():
    engine = lexical_engine(
        [
            doc("generic", "Labo voor analyses", clusters=["care_economy"]),
            doc("food", "Labo voor analyses", clusters=["food"]),
        ]
    )
    result = engine.search("labo analyses", {**AS_OF, "clusters": ["food"]})
    assert ids(result)[0] == "food"
    assert {"code": "cluster_fit", "clusters": ["food"]} in result.results[0].reasons


def test_near_facility_ranks_higher_all_else_equal():
    docs = [
        doc("brugge", "Werkplaats te huur", kind="workspace", municipality_nis="31005"),
        doc("ieper", "Werkplaats te huur", kind="workspace", municipality_nis="33011"),
        doc("kortrijk", "Werkplaats te huur", kind="workspace", municipality_nis="34022"),
    ]
    engine = lexical_engine(docs)
    from_ieper = engine.search("werkplaats", {**AS_OF, "municipality_nis": "33011"})
    assert ids(from_ieper) == ["ieper", "kortrijk", "brugge"]
    assert {"code": "near", "km": 0} in from_ieper.results[0].reasons
    from_brugge = engine.search("werkplaats", {**AS_OF, "municipality_nis": "31005"})
    assert ids(from_brugge)[0] == "brugge"


def test_distance_does_not_matter_for_non_place_kinds():
    docs = [
        doc("a", "Advies digitalisering", kind="expertise", municipality_nis="31005"),
        doc("b", "Advies digitalisering", kind="expertise", municipality_nis="33011"),
    ]
    engine = lexical_engine(docs)
    result = engine.search("digitalisering", {**AS_OF, "municipality_nis": "33011"})
    assert result.results[0].score == result.results[1].score
    assert all(r["code"] != "near" for x in result.results for r in x.reasons)
