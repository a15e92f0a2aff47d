"""De minimis (single undertaking, rolling window, ceiling as data) and the dashboard."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from schakel.funding import deminimis, figures, ledger, services
from schakel.funding.models import DeMinimisAid, DeMinimisCeiling
from schakel.register.models import Organisation, Relation

D = Decimal


def test_single_undertaking_follows_links_both_ways_and_transitively(company_a, company_b):
    third = Organisation.objects.create(name="Gamma", type="company")
    unrelated = Organisation.objects.create(name="Delta", type="company")
    Relation.objects.create(source=company_b, target=company_a, kind="subsidiary_of")
    Relation.objects.create(source=third, target=company_b, kind="linked_to")
    Relation.objects.create(source=unrelated, target=company_a, kind="member_of")
    assert sorted(deminimis.single_undertaking(company_a)) == sorted(
        [company_a.pk, company_b.pk, third.pk]
    )


def test_window_is_three_rolling_years(company_a):
    day = dt.date(2025, 6, 30)
    DeMinimisAid.objects.create(
        organisation=company_a,
        granted_on=dt.date(2022, 6, 30),
        amount_eur=D("100000"),
        granting_body="A",
    )
    DeMinimisAid.objects.create(
        organisation=company_a,
        granted_on=dt.date(2022, 7, 1),
        amount_eur=D("150000"),
        granting_body="B",
    )
    where = deminimis.position(company_a, day)
    assert where.window_from == dt.date(2022, 7, 1)
    assert where.granted == D("150000.00")
    assert where.ceiling.amount_eur == D("300000.00")
    assert where.room == D("150000.00")


def test_the_ceiling_in_force_is_data(company_a):
    assert DeMinimisCeiling.in_force_on(dt.date(2023, 12, 31)).amount_eur == D("200000.00")
    assert DeMinimisCeiling.in_force_on(dt.date(2024, 1, 1)).amount_eur == D("300000.00")
    DeMinimisAid.objects.create(
        organisation=company_a,
        granted_on=dt.date(2023, 1, 1),
        amount_eur=D("150000"),
        granting_body="A",
    )
    with pytest.raises(deminimis.DeMinimisExceeded) as refused:
        deminimis.check(company_a, D("50000.01"), dt.date(2023, 6, 1))
    assert refused.value.params["ceiling"] == D("200000.00")
    assert refused.value.params["room"] == D("50000.00")
    assert deminimis.check(company_a, D("150000.00"), dt.date(2024, 6, 1)).room == D("150000.00")


def test_staff_record_aid_from_other_bodies(client, staff_user, company_a):
    client.force_login(staff_user)
    response = client.post(
        "/funding/de-minimis/",
        {
            "organisation": "0417.497.106",
            "granted_on": "2025-02-01",
            "amount_eur": "12500.00",
            "granting_body": "VLAIO",
            "description": "KMO-portefeuille",
        },
    )
    assert response.status_code == 302
    aid = DeMinimisAid.objects.get()
    assert (aid.organisation, aid.amount_eur, aid.created_by) == (
        company_a,
        D("12500.00"),
        staff_user,
    )
    bad = client.post(
        "/funding/de-minimis/",
        {
            "organisation": "0999.999.999",
            "granted_on": "2025-02-01",
            "amount_eur": "1",
            "granting_body": "X",
        },
    )
    assert bad.status_code == 200
    assert DeMinimisAid.objects.count() == 1


@pytest.fixture
def busy_programme(make_call, submitted, manager, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    first = make_call(code="first", budget="300000.00")
    second = make_call(code="second", budget="200000.00")
    a = services.decide(submitted(first), "approved", manager, amount=D("50000.00"))
    b = services.decide(submitted(second, title="B"), "approved", manager, amount=D("40000.00"))
    services.decide(submitted(second, title="C"), "rejected", manager, motivation="Out of scope")
    ledger.pay(a, D("20000.00"), manager)
    ledger.claim(b, D("10000.00"), manager, proof=SimpleUploadedFile("c.pdf", b"x"))
    ledger.pay(b, D("10000.00"), manager)
    payment = ledger.pay(b, D("1234.56"), manager)
    ledger.reverse(payment, manager)
    pi = a.indicators.get(indicator__code="jobs_created")
    services.report_indicator(pi, D("2"), manager)
    return first.programme


def test_dashboard_figures_are_exact(busy_programme):
    data = figures.compute(busy_programme)
    assert (data.envelope, data.allocated, data.committed, data.paid, data.remaining) == (
        D("1000000.00"),
        D("500000.00"),
        D("90000.00"),
        D("30000.00"),
        D("910000.00"),
    )
    assert data.absorption_pct == D("3.0")
    assert [
        (
            r["call"].code,
            r["committed"],
            r["paid"],
            r["remaining"],
            r["applications"],
            r["approved"],
        )
        for r in data.by_call
    ] == [
        ("first", D("50000.00"), D("20000.00"), D("250000.00"), 1, 1),
        ("second", D("40000.00"), D("10000.00"), D("160000.00"), 2, 1),
    ]
    jobs = next(r for r in data.indicators if r["unit"] == "FTE")
    assert (jobs["target"], jobs["realised"]) == (D("6.00"), D("2.00"))
    assert data.months[-1][1:] == (D("90000.00"), D("30000.00"))


def test_dashboard_export_and_report(client, busy_programme, manager):
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/funding/programmes/{busy_programme.pk}/")
    assert page.status_code == 200
    xlsx = client.get(f"/funding/programmes/{busy_programme.pk}/figures.xlsx")
    import io

    book = load_workbook(io.BytesIO(xlsx.content))
    summary = book.worksheets[0]
    # rows: envelope, allocated, committed, paid, remaining (after the header)
    assert [D(str(summary.cell(row=r, column=2).value)) for r in range(2, 7)] == [
        D("1000000"),
        D("500000"),
        D("90000"),
        D("30000"),
        D("910000"),
    ]
    report = client.get(f"/funding/programmes/{busy_programme.pk}/report.pdf")
    assert report.status_code == 200
    assert report.content.startswith(b"%PDF-")
    assert b"/Title (Programme report: GTI West-Vlaanderen 2021-2027)" in report.content


def test_company_users_do_not_reach_the_dashboard(client, busy_programme, company_user):
    client.force_login(company_user)
    assert client.get(f"/funding/programmes/{busy_programme.pk}/").status_code == 404
