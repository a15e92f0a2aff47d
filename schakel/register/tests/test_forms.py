"""Organisation form rules: enterprise number, postal code and municipality, NACE, size class."""

# The shared fixtures are imported by name, which pyflakes reads as redefinitions.
# ruff: noqa: F811

import pytest

from schakel.places.models import Municipality, PostalCode
from schakel.register.forms import OrganisationForm, OrganisationProfileForm, RelationForm
from schakel.register.models import Organisation, SizeClass
from schakel.register.tests.test_views_organisations import (  # noqa: F401
    english,
    places,
    valid_form,
)


@pytest.mark.parametrize(
    ("employees", "turnover", "balance", "expected"),
    [
        ("5", "1000000", "", SizeClass.MICRO),
        ("49", "10000000", "", SizeClass.SMALL),
        ("49", "20000000", "9000000", SizeClass.SMALL),
        ("49", "20000000", "20000000", SizeClass.MEDIUM),
        ("250", "1000", "", SizeClass.LARGE),
        ("", "", "", ""),
    ],
)
def test_size_class_follows_the_eu_sme_definition(places, employees, turnover, balance, expected):
    # given
    data = valid_form(
        places,
        enterprise_number="",
        employees=employees,
        turnover_eur=turnover,
        balance_total_eur=balance,
    )
    form = OrganisationForm(data)
    # when
    assert form.is_valid(), form.errors
    # then
    assert form.instance.size_class == expected


@pytest.mark.parametrize(
    "written", ["0123.456.749", "BE0123456749", "be 0123 456 749", "123456749"]
)
def test_enterprise_number_is_stored_as_ten_digits(places, written):
    # given
    form = OrganisationForm(valid_form(places, enterprise_number=written))
    # when
    assert form.is_valid(), form.errors
    # then
    assert form.cleaned_data["enterprise_number"] == "0123456749"


def test_own_enterprise_number_is_not_a_duplicate(places, company_a):
    # given
    data = valid_form(places, name=company_a.name, enterprise_number="0417.497.106")
    # when
    form = OrganisationForm(data, instance=company_a)
    # then
    assert form.is_valid(), form.errors


def test_postal_code_of_a_merged_municipality_belongs_to_the_new_one(places):
    # given: an old municipality merged into Kortrijk keeps its postal code
    old, _ = Municipality.objects.get_or_create(
        nis_code="99999", defaults={"name_nl": "Oudgem", "merged_into": places["kortrijk"]}
    )
    PostalCode.objects.get_or_create(code="8599", name="Oudgem", municipality=old)
    # when
    form = OrganisationForm(valid_form(places, enterprise_number="", postal_code="8599"))
    # then
    assert form.is_valid(), form.errors


def test_merged_municipality_cannot_be_chosen(places):
    # given
    old, _ = Municipality.objects.get_or_create(
        nis_code="99999", defaults={"name_nl": "Oudgem", "merged_into": places["kortrijk"]}
    )
    # when
    form = OrganisationForm(valid_form(places, enterprise_number="", municipality=old.pk))
    # then
    assert not form.is_valid()
    assert list(form.errors) == ["municipality"]


def test_self_service_form_has_no_identity_fields():
    # when
    fields = set(OrganisationProfileForm().fields)
    # then
    assert not fields & {"name", "type", "status", "enterprise_number", "account_manager"}
    assert {"description", "employees", "themes", "postal_code"} <= fields


def test_relation_form_refuses_an_existing_relation(db, company_a, company_b):
    # given
    company_a.relations_out.create(target=company_b, kind="partner_of")
    # when
    form = RelationForm(
        {"direction": "out", "kind": "partner_of", "other": company_b.pk}, organisation=company_a
    )
    # then
    assert not form.is_valid()
    assert form.non_field_errors() == ["This relation already exists."]
    assert Organisation.objects.count() == 2
