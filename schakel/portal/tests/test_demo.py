"""`schakel demo`: discovery of the apps' demo modules, loading once, and the printed logins."""

from io import StringIO

import pytest
from django.core.management import call_command

from schakel.accounts.models import Mandate, User
from schakel.core.demo import DEMO_PASSWORD, FICTIONAL_SOURCE, demo_modules
from schakel.core.models import AuditEvent
from schakel.core.validators import enterprise_number_is_valid
from schakel.register.models import Activity, Contact, Organisation, Relation

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        "organisations": Organisation.objects.count(),
        "companies": Organisation.objects.filter(source=FICTIONAL_SOURCE).count(),
        "contacts": Contact.objects.count(),
        "activities": Activity.objects.count(),
        "relations": Relation.objects.count(),
        "users": User.objects.count(),
        "mandates": Mandate.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_demo_modules_are_discovered_in_dependency_order():
    # when
    names = [module.__name__ for module in demo_modules()]

    # then: the register demo runs before the accounts demo, which needs its organisations
    assert "schakel.register.demo" in names
    assert "schakel.accounts.demo" in names
    assert names.index("schakel.register.demo") < names.index("schakel.accounts.demo")


def test_demo_loads_partners_companies_and_one_login_per_role():
    # when
    output = run_demo("--companies", "50")

    # then: real partners, with their source
    sirris = Organisation.objects.get(external_id="sirris")
    assert sirris.type == "knowledge_centre"
    assert sirris.municipality.name_nl == "Kortrijk"
    assert "Sirris opent de deuren in Kortrijk" in sirris.source
    cmc = Organisation.objects.get(external_id="circular-materials-center-cmc")
    assert cmc.type == "facility_operator"
    assert cmc.source.startswith("Opening Circular Materials Center in Kortrijk")
    assert "http://pomwvl.be/news/opening_Circular_Materials_Center" in cmc.source
    assert list(cmc.clusters.values_list("code", flat=True)) == ["new_materials"]
    # and 50 fictional companies with valid, distinct enterprise numbers
    companies = Organisation.objects.filter(source=FICTIONAL_SOURCE)
    numbers = list(companies.values_list("enterprise_number", flat=True))
    assert len(numbers) == 50
    assert len(set(numbers)) == 50
    assert all(enterprise_number_is_valid(n) and n.startswith("09") for n in numbers)
    assert not companies.filter(municipality=None).exists()
    # and the four logins
    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "admin": "admin",
        "staff": "staff",
        "partner": "partner",
        "company": "company",
        "facility": "staff",  # the facility manager (facilities demo)
        "evaluator": "staff",  # the evaluator (funding demo)
    }
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="partner").partner_organisation == sirris
    company_user = User.objects.get(username="company")
    assert company_user.check_password(DEMO_PASSWORD)
    assert sorted(company_user.represented_company_ids()) == sorted(
        companies.order_by("external_id").values_list("pk", flat=True)[:2]
    )
    assert "http://127.0.0.1:8000/" in output
    assert DEMO_PASSWORD in output


def test_second_run_adds_nothing():
    # given
    run_demo("--companies", "50")
    before = counts()

    # when
    run_demo("--companies", "50")

    # then
    assert counts() == before
    assert before["companies"] == 50
    assert before["users"] == 6  # one login per role, the facility manager, the evaluator
    assert before["mandates"] == 2


def test_if_empty_skips_a_database_with_data(monkeypatch):
    # given
    monkeypatch.setenv("PORT", "8123")
    run_demo("--companies", "5")
    before = counts()

    # when: a bigger load is asked, but --if-empty sees the data
    output = run_demo("--companies", "20", "--if-empty")

    # then
    assert counts() == before
    assert "http://127.0.0.1:8123/" in output


def test_same_seed_gives_the_same_companies_and_another_seed_other_ones():
    # given
    run_demo("--companies", "10", "--seed", "7")
    first = list(
        Organisation.objects.filter(source=FICTIONAL_SOURCE)
        .order_by("external_id")
        .values_list("external_id", "name", "municipality__nis_code", "employees")
    )

    # when: the same seed again, then another seed (an upsert on the same external ids)
    run_demo("--companies", "10", "--seed", "7")
    again = list(
        Organisation.objects.filter(source=FICTIONAL_SOURCE)
        .order_by("external_id")
        .values_list("external_id", "name", "municipality__nis_code", "employees")
    )
    run_demo("--companies", "10", "--seed", "8")
    other = list(
        Organisation.objects.filter(source=FICTIONAL_SOURCE)
        .order_by("external_id")
        .values_list("external_id", "name", "municipality__nis_code", "employees")
    )

    # then
    assert again == first
    assert [row[0] for row in other] == [row[0] for row in first]
    assert other != first
    assert Organisation.objects.filter(source=FICTIONAL_SOURCE).count() == 10


def test_negative_company_count_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run_demo("--companies", "-1")
    assert Organisation.objects.count() == 0
