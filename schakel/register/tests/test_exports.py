"""Export of the filtered register to CSV (Belgian Excel) and XLSX."""

# The shared fixtures are imported by name, which pyflakes reads as redefinitions.
# ruff: noqa: F811

import csv
import io

import openpyxl
import pytest

from schakel.register.models import Organisation
from schakel.register.tests.test_views_organisations import (  # noqa: F401
    english,
    places,
    register,
)

URL = "/register/export/"


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_csv_has_bom_semicolons_and_the_filtered_sorted_rows(client, staff_user, register):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(URL, {"type": "company", "sort": "-name", "format": "csv"})
    # then
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["Enterprise number", "Name", "Type", "Status"]
    assert len(rows[0]) == 17
    assert [row[1] for row in rows[1:]] == ["Gamma Robotics", "Bèta Voeding", "Alfa Metaal"]
    alfa = rows[3]
    assert alfa[0] == "0417.497.106"
    assert alfa[5:8] == ["8500", "Kortrijk", register["a"].municipality.region.label]
    assert alfa[8].startswith("25.620 ")
    assert alfa[9] == "small"
    assert alfa[11] == "40"
    assert alfa[13] == register["a"].clusters.get().label


def test_csv_neutralises_formulas(client, staff_user, db):
    # given
    Organisation.objects.create(
        name='=HYPERLINK("http://evil")', phone="+32 56 00", email="@x", website=""
    )
    client.force_login(staff_user)
    # when
    rows = csv_rows(client.get(URL, {"format": "csv"}))
    # then
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][16] == "'+32 56 00"
    assert rows[1][15] == "'@x"


def test_xlsx_has_the_same_rows_and_neutralised_cells(client, staff_user, register):
    # given
    register["gamma"].name = "-1+1 Robotics"
    register["gamma"].save()
    client.force_login(staff_user)
    # when
    response = client.get(URL, {"cluster": "blue_energy", "format": "xlsx"})
    # then
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][1] == "Name"
    assert [row[1] for row in rows[1:]] == ["'-1+1 Robotics", "Alfa Metaal"]
    assert rows[2][11] == 40


@pytest.mark.parametrize("role", ["company", "partner"])
def test_export_is_for_staff_only(client, users, role):
    # given
    client.force_login(users[role])
    # when
    response = client.get(URL, {"format": "csv"})
    # then
    assert response.status_code == 404


def test_export_query_count_does_not_grow_with_rows(
    client, staff_user, places, django_assert_max_num_queries
):
    # given
    for number in range(30):
        organisation = Organisation.objects.create(
            name=f"Firma {number}", municipality=places["kortrijk"]
        )
        organisation.clusters.add(places["cluster"])
        organisation.domains.add(places["domain"])
    client.force_login(staff_user)
    # when
    # session, user, domain and cluster labels, rows, and the two link tables per batch
    with django_assert_max_num_queries(7):
        rows = csv_rows(client.get(URL, {"format": "csv"}))
    # then
    assert len(rows) == 31
