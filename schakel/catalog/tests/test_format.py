"""The open catalogue format: validation, import, export and the round trip."""

import copy
from decimal import Decimal

import pytest

from schakel.catalog.format import (
    CatalogInvalid,
    export_catalog,
    import_catalog,
    load_json,
    parse_catalog,
)
from schakel.catalog.models import Offering, ProviderProfile
from schakel.core.models import AuditEvent
from schakel.register.models import Organisation

pytestmark = pytest.mark.django_db


def errors_of(document):
    _orgs, _offerings, errors = parse_catalog(document)
    return {(e.id, e.field) for e in errors}


def test_small_catalogue_is_valid(municipalities, small_catalog):
    # when
    organisations, offerings, errors = parse_catalog(small_catalog)
    # then
    assert errors == []
    assert [o["id"] for o in organisations] == ["sirris", "vlaio"]
    assert organisations[0]["description"] == {
        "nl": "Collectief centrum van de technologische industrie."
    }
    funding = offerings[1]
    assert funding["title"] == {"nl": "Ecologiepremie+ 2027"}
    assert funding["budget_eur"] == Decimal("25000000")
    assert "unknown_field" not in funding


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["offerings"][0].pop("kind"), ("sirris-cobot-lab", "kind")),
        (lambda d: d["offerings"][0].update(kind="lecture"), ("sirris-cobot-lab", "kind")),
        (lambda d: d["offerings"][0].pop("title"), ("sirris-cobot-lab", "title")),
        (lambda d: d["offerings"][0].update(title={}), ("sirris-cobot-lab", "title")),
        (lambda d: d["offerings"][0].update(title={"nl": ""}), ("sirris-cobot-lab", "title")),
        (lambda d: d["offerings"][0].update(title=["x"]), ("sirris-cobot-lab", "title")),
        (lambda d: d["offerings"][0].update(title={"de": "X"}), ("sirris-cobot-lab", "title.de")),
        (lambda d: d["offerings"][0].pop("description"), ("sirris-cobot-lab", "description")),
        (lambda d: d["offerings"][0].pop("provider"), ("sirris-cobot-lab", "provider")),
        (lambda d: d["offerings"][0].update(provider="nobody"), ("sirris-cobot-lab", "provider")),
        (lambda d: d["offerings"][0].update(id="Sirris Lab"), ("Sirris Lab", "id")),
        (lambda d: d["offerings"][0].update(id="-lab"), ("-lab", "id")),
        (lambda d: d["offerings"][0].update(id="a" * 81), ("a" * 81, "id")),
        (lambda d: d["offerings"][0].pop("id"), ("offerings[0]", "id")),
        (lambda d: d["offerings"][0].update(id=12), ("offerings[0]", "id")),
        (
            lambda d: d["offerings"][1].update(id="sirris-cobot-lab"),
            ("sirris-cobot-lab", "id"),
        ),
        (lambda d: d["offerings"][0].update(domains=["food"]), ("sirris-cobot-lab", "domains")),
        (lambda d: d["offerings"][0].update(domains="food"), ("sirris-cobot-lab", "domains")),
        (
            lambda d: d["offerings"][0].update(clusters=["blue"]),
            ("sirris-cobot-lab", "clusters"),
        ),
        (lambda d: d["offerings"][0].update(themes=["Cobot"]), ("sirris-cobot-lab", "themes")),
        (lambda d: d["offerings"][0].update(themes=[3]), ("sirris-cobot-lab", "themes")),
        (
            lambda d: d["offerings"][0].update(municipality_nis="99999"),
            ("sirris-cobot-lab", "municipality_nis"),
        ),
        (
            lambda d: d["offerings"][0].update(municipality_nis=34022),
            ("sirris-cobot-lab", "municipality_nis"),
        ),
        (
            lambda d: d["offerings"][0].update(audience={"stages": ["teen"]}),
            ("sirris-cobot-lab", "audience.stages"),
        ),
        (
            lambda d: d["offerings"][0].update(audience={"sizes": ["huge"]}),
            ("sirris-cobot-lab", "audience.sizes"),
        ),
        (
            lambda d: d["offerings"][0].update(audience=["small"]),
            ("sirris-cobot-lab", "audience"),
        ),
        (
            lambda d: d["offerings"][1].update(open={"until": "30/04/2027"}),
            ("vlaio-ecologiepremie-2027", "open.until"),
        ),
        (
            lambda d: d["offerings"][1].update(open={"from": "2027-02-30"}),
            ("vlaio-ecologiepremie-2027", "open.from"),
        ),
        (
            lambda d: d["offerings"][1].update(open={"from": "2027-05-01", "until": "2027-04-30"}),
            ("vlaio-ecologiepremie-2027", "open"),
        ),
        (
            lambda d: d["offerings"][1].update(budget_eur=-1),
            ("vlaio-ecologiepremie-2027", "budget_eur"),
        ),
        (
            lambda d: d["offerings"][1].update(budget_eur="1000"),
            ("vlaio-ecologiepremie-2027", "budget_eur"),
        ),
        (
            lambda d: d["offerings"][1].update(budget_eur=True),
            ("vlaio-ecologiepremie-2027", "budget_eur"),
        ),
        (lambda d: d["offerings"][0].update(url="www.sirris.be"), ("sirris-cobot-lab", "url")),
        (
            lambda d: d["offerings"][0].update(contact={"email": "an@"}),
            ("sirris-cobot-lab", "contact.email"),
        ),
        (lambda d: d["offerings"][0].update(contact="An"), ("sirris-cobot-lab", "contact")),
        (lambda d: d["organisations"][0].pop("name"), ("sirris", "name")),
        (lambda d: d["organisations"][0].update(type="bank"), ("sirris", "type")),
        (lambda d: d["organisations"][0].pop("type"), ("sirris", "type")),
        (lambda d: d["organisations"][0].update(website="ftp://x.be"), ("sirris", "website")),
        (lambda d: d["organisations"][1].update(id="sirris"), ("sirris", "id")),
        (
            lambda d: d["organisations"][0].update(municipality_nis="3402"),
            ("sirris", "municipality_nis"),
        ),
        (lambda d: d["organisations"][0].update(description={}), ("sirris", "description")),
        (lambda d: d.update(offerings={}), ("", "offerings")),
    ],
)
def test_each_rule_is_reported_with_id_and_field(municipalities, small_catalog, mutate, expected):
    # given
    mutate(small_catalog)
    # when
    errors = errors_of(small_catalog)
    # then
    assert expected in errors


def test_unknown_format_is_refused(small_catalog):
    small_catalog["format"] = "schakel.catalog/v2"
    assert errors_of(small_catalog) == {("", "format")}
    small_catalog.pop("format")
    assert errors_of(small_catalog) == {("", "format")}


def test_every_error_is_listed_and_nothing_is_written(municipalities, small_catalog):
    # given: three broken records of both sections
    small_catalog["organisations"][1]["type"] = "bank"
    small_catalog["offerings"][0]["kind"] = "lecture"
    small_catalog["offerings"][0]["themes"] = ["Cobot"]
    small_catalog["offerings"][1]["open"] = {"until": "tomorrow"}
    # when
    with pytest.raises(CatalogInvalid) as info:
        import_catalog(small_catalog)
    # then
    assert {(e.id, e.field) for e in info.value.errors} == {
        ("vlaio", "type"),
        ("sirris-cobot-lab", "kind"),
        ("sirris-cobot-lab", "themes"),
        ("vlaio-ecologiepremie-2027", "open.until"),
    }
    assert Organisation.objects.count() == 0
    assert Offering.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_import_writes_records_and_a_second_import_changes_nothing(
    municipalities, small_catalog, staff_user
):
    # when
    first = import_catalog(small_catalog, staff_user)
    events = AuditEvent.objects.count()
    second = import_catalog(copy.deepcopy(small_catalog), staff_user)
    # then
    assert first.as_dict() == {
        "organisations": {"created": 2, "updated": 0, "unchanged": 0},
        "offerings": {"created": 2, "updated": 0, "unchanged": 0},
    }
    assert second.as_dict() == {
        "organisations": {"created": 0, "updated": 0, "unchanged": 2},
        "offerings": {"created": 0, "updated": 0, "unchanged": 2},
    }
    assert second.changes == 0
    assert AuditEvent.objects.count() == events
    lab = Offering.objects.get(external_id="sirris-cobot-lab")
    assert lab.provider.external_id == "sirris"
    assert lab.title_en == "Cobot lab"
    assert lab.contact_email == "an@sirris.be"
    assert lab.audience_sizes == ["small", "medium"]
    assert lab.municipality.nis_code == "34022"
    assert sorted(lab.domains.values_list("code", flat=True)) == ["factories_of_the_future"]
    premium = Offering.objects.get(external_id="vlaio-ecologiepremie-2027")
    assert premium.budget_eur == Decimal("25000000.00")
    assert str(premium.open_until) == "2027-04-30"


def test_changed_record_is_updated_and_audited(municipalities, small_catalog, staff_user):
    # given
    import_catalog(small_catalog, staff_user)
    small_catalog["offerings"][1]["budget_eur"] = 30000000
    small_catalog["offerings"][1]["open"] = {"until": "2027-05-31"}
    # when
    result = import_catalog(small_catalog, staff_user)
    # then
    assert result.offerings.as_dict() == {"created": 0, "updated": 1, "unchanged": 1}
    premium = Offering.objects.get(external_id="vlaio-ecologiepremie-2027")
    assert premium.budget_eur == Decimal("30000000")
    assert premium.open_from is None
    event = AuditEvent.objects.filter(object_id=str(premium.pk), action="update").get()
    assert event.changes["budget_eur"] == ["25000000.00", "30000000"]
    assert event.actor == staff_user


def test_import_matches_existing_register_organisation_on_external_id(
    municipalities, small_catalog, partner_org
):
    # given: the register already knows Sirris
    partner_org.external_id = "sirris"
    partner_org.save()
    # when
    import_catalog(small_catalog)
    # then
    sirris = Organisation.objects.get(external_id="sirris")
    assert sirris.pk == partner_org.pk
    assert sirris.website == "https://www.sirris.be"
    assert sirris.catalog_profile.themes == ["industrie 4.0"]


def normalise(record):
    """Plain strings become {"nl": ...}; every list keeps its order."""
    result = {}
    for key, value in record.items():
        if key in ("title", "description") and isinstance(value, str):
            value = {"nl": value}
        if value in ([], {}, None):
            continue
        result[key] = value
    return result


def test_dev_catalogue_round_trips_without_loss(municipalities, dev_catalog):
    # given
    result = import_catalog(copy.deepcopy(dev_catalog))
    assert result.offerings.created == len(dev_catalog["offerings"])
    # when
    exported = export_catalog()
    # then
    assert exported["format"] == "schakel.catalog/v1"
    for section in ("organisations", "offerings"):
        given = {r["id"]: normalise(r) for r in dev_catalog[section]}
        written = {r["id"]: normalise(r) for r in exported[section]}
        assert set(written) == set(given)
        for record_id, record in given.items():
            for field_name in set(record) | set(written[record_id]):
                assert written[record_id].get(field_name) == record.get(field_name), (
                    record_id,
                    field_name,
                )


def test_export_then_import_changes_nothing(municipalities, dev_catalog):
    # given
    import_catalog(dev_catalog)
    # when
    result = import_catalog(export_catalog())
    # then
    assert result.changes == 0
    assert ProviderProfile.objects.count() == len(dev_catalog["organisations"])


def test_archived_offerings_are_not_exported_and_come_back_on_import(municipalities, small_catalog):
    # given
    import_catalog(small_catalog)
    Offering.objects.filter(external_id="sirris-cobot-lab").update(is_archived=True)
    # when
    exported = export_catalog()
    result = import_catalog(small_catalog)
    # then
    assert [o["id"] for o in exported["offerings"]] == ["vlaio-ecologiepremie-2027"]
    assert result.offerings.updated == 1
    assert Offering.objects.get(external_id="sirris-cobot-lab").is_archived is False


def test_malformed_json_names_line_and_column():
    with pytest.raises(CatalogInvalid) as info:
        load_json(b'{\n  "format": "schakel.catalog/v1",\n  "offerings": [,]\n}')
    assert "line 3, column 17" in info.value.errors[0].message
