"""RegisterPaginator and the API's id-first pages give exactly the pages a plain OFFSET gives."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from schakel.places.models import Municipality
from schakel.register.filters import SORT_FIELDS, order_by_for
from schakel.register.models import Organisation
from schakel.register.pagination import RegisterPaginator

API_URL = "/api/v1/organisations/"


@pytest.fixture
def crowd(db):
    """Organisations with equal names, empty headcounts and places, and two places one name."""
    places = [
        Municipality.objects.create(nis_code=code, name_nl=name, name_fr=name, province_nis="30000")
        for code, name in [
            ("99001", "Zandvoorde"),
            ("99002", "Zandvoorde"),  # same name, another municipality
            ("99003", "Aartrijke"),
            ("99004", "Merkem"),
        ]
    ]
    names = ["Bakkerij", "Aannemer", "Bakkerij", "Chocolatier", "Drukkerij"]
    organisations = []
    for number in range(23):
        organisations.append(
            Organisation.objects.create(
                name=names[number % len(names)],
                municipality=None if number % 6 == 5 else places[number % len(places)],
                employees=None if number % 4 == 3 else (number * 7) % 5,
            )
        )
    return organisations


@pytest.mark.parametrize("sort", list(SORT_FIELDS))
@pytest.mark.parametrize("per_page", [4, 5, 50])
def test_every_page_matches_plain_offset_pagination(crowd, sort, per_page):
    # given
    ids = Organisation.objects.order_by(*order_by_for(sort)).values_list("pk", flat=True)
    expected = Paginator(ids, per_page)
    # when
    paginator = RegisterPaginator(ids, per_page)
    # then
    assert paginator.count == expected.count == 23
    assert paginator.num_pages == expected.num_pages
    for number in expected.page_range:
        assert list(paginator.page(number).object_list) == list(expected.page(number))


@pytest.mark.parametrize("sort", ["name", "-employees", "municipality", "-municipality"])
def test_pages_match_with_a_filter(crowd, sort):
    # given: only some organisations, so some municipalities have none
    ids = (
        Organisation.objects.filter(name__in=["Bakkerij", "Drukkerij"])
        .order_by(*order_by_for(sort))
        .values_list("pk", flat=True)
    )
    expected = Paginator(ids, 3)
    # when
    paginator = RegisterPaginator(ids, 3)
    # then
    assert paginator.count == expected.count
    for number in expected.page_range:
        assert list(paginator.page(number).object_list) == list(expected.page(number))


def test_a_late_page_is_read_from_the_end(crowd):
    # given
    ids = Organisation.objects.order_by(*order_by_for("-name")).values_list("pk", flat=True)
    paginator = RegisterPaginator(ids, 5)
    paginator.count  # noqa: B018 (counted before, as the list page does)
    # when
    with CaptureQueriesContext(connection) as captured:
        rows = list(paginator.page(5).object_list)
    # then: the last three rows, with no OFFSET past the first rows
    assert rows == list(Paginator(ids, 5).page(5))
    sql = captured.captured_queries[-1]["sql"]
    assert "OFFSET" not in sql or "OFFSET 0" in sql
    assert '"name" ASC' in sql  # "-name" walked the other way


def test_an_order_without_the_primary_key_pages_plainly(crowd):
    # given: not a total order, so reading from the end could show other rows
    ids = Organisation.objects.order_by("name").values_list("pk", flat=True)
    # when
    paginator = RegisterPaginator(ids, 5)
    # then
    with CaptureQueriesContext(connection) as captured:
        list(paginator.page(5).object_list)
    assert '"name" ASC' in captured.captured_queries[-1]["sql"]


def test_descending_name_sorts_without_nulls_clause():
    # NULLS LAST on a NOT NULL column would keep the (name, id) index from serving "-name"
    sql = str(Organisation.objects.order_by(*order_by_for("-name")).values("pk").query)
    assert "NULLS" not in sql
    sql = str(Organisation.objects.order_by(*order_by_for("-employees")).values("pk").query)
    assert "NULLS LAST" in sql or connection.vendor not in ("sqlite", "postgresql")


@pytest.mark.parametrize("sort", ["", "-employees", "municipality", "-created"])
def test_api_pages_hold_the_rows_of_the_list_order(crowd, staff_user, sort):
    # given
    client = APIClient()
    client.force_authenticate(staff_user)
    params = {"page_size": 4, **({"sort": sort} if sort else {})}
    expected = list(
        Organisation.objects.order_by(*order_by_for(sort or "name")).values_list("pk", flat=True)
    )
    # when
    seen = []
    for page in range(1, 7):
        body = client.get(API_URL, {**params, "page": page}).json()
        seen.extend(row["id"] for row in body["results"])
    # then: every organisation once, in the list's order, with its relations loaded
    assert seen == expected[: len(seen)]
    assert len(seen) == body["count"] == 23
    assert client.get(API_URL, {**params, "page": 7}).status_code == 404
