"""File import at scale: a few thousand rows over several batches, counted exactly.

Updates, new organisations, unchanged rows, new and changed contacts and secondary NACE codes
in one file: every record and every audit event is accounted for, and one bad row at the
end still writes nothing.
"""

# ruff: noqa: F811  (fixtures imported from test_import_support)

import csv

import pytest
from django.contrib.contenttypes.models import ContentType

from schakel.core.models import AuditEvent
from schakel.register.importing.service import BATCH_SIZE, run_file_import
from schakel.register.models import Contact, Organisation
from schakel.register.tests.test_import_support import english, places  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")

HEADER = [
    "Ondernemingsnummer",
    "Naam",
    "Straat",
    "Postcode",
    "Gemeente",
    "NACE",
    "Werknemers",
    "E-mail",
    "Contact voornaam",
    "Contact naam",
    "Contact e-mail",
    "Contact functie",
]
EXISTING = 1200  # organisations already in the register
UPDATED = 1000  # of those, the file changes the first 1000 ...
KNOWN_CONTACTS = 300  # ... and the first 300 have a contact the file updates
NEW = 1800  # organisations the file adds


def number(index: int) -> str:
    """A valid (mod-97) enterprise number, different for every index."""
    base = 3_000_000 + index
    return f"{base:08d}{97 - base % 97:02d}"


@pytest.fixture
def register(places):
    kortrijk = places["Kortrijk"]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Oud {i}",
            enterprise_number=number(i),
            postal_code="8500",
            municipality=kortrijk,
            search_text=f"oud {i}",
        )
        for i in range(EXISTING)
    )
    Contact.objects.bulk_create(
        Contact(organisation=org, first_name="An", last_name=f"Maes{i}", email=f"an{i}@oud.be")
        for i, org in enumerate(organisations[:KNOWN_CONTACTS])
    )
    return organisations


def rows() -> list[list[str]]:
    lines = [HEADER]
    for i in range(UPDATED):
        contact = ["An", f"Maes{i}", f"an{i}@oud.be", "Zaakvoerder"]
        if i >= KNOWN_CONTACTS:
            contact = ["Els", f"Desmet{i}", f"els{i}@nieuw.be", ""]
        lines.append(
            [number(i), f"Nieuw {i}", f"Markt {i}", "8500", "Kortrijk", "", "12", "", *contact]
        )
    for i in range(UPDATED, EXISTING):  # the same as in the register: unchanged
        lines.append([number(i), f"Oud {i}", "", "8500", "Kortrijk", *[""] * 7])
    for i in range(EXISTING, EXISTING + NEW):
        nace = "25.620, 10.711" if i % 2 else "62.010"
        lines.append(
            [
                number(i),
                f"Firma {i} BV",
                f"Industrielaan {i}",
                "8900",
                "Ieper",
                nace,
                "1.234,5",
                f"info@firma{i}.be",
                "Koen",
                f"Vermeulen{i}",
                f"koen@firma{i}.be",
                "Aankoper",
            ]
        )
    return lines


def write(tmp_path, lines, name="groot.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(lines)
    return path


def events(model, action) -> int:
    content_type = ContentType.objects.get_for_model(model)
    return AuditEvent.objects.filter(content_type=content_type, action=action).count()


def event_for(instance, action) -> AuditEvent:
    content_type = ContentType.objects.get_for_model(type(instance))
    return AuditEvent.objects.get(
        content_type=content_type, object_id=str(instance.pk), action=action
    )


def test_three_thousand_rows_are_counted_written_and_audited_exactly(
    tmp_path, places, register, staff_user
):
    # given: 3000 rows, more than one batch
    lines = rows()
    assert len(lines) - 1 == 3000 > BATCH_SIZE
    # when
    report = run_file_import(write(tmp_path, lines), actor=staff_user, apply=True)
    # then: the report
    assert (report.file_error, report.errors, report.applied) == ("", 0, True)
    assert (report.rows, report.created, report.updated, report.unchanged) == (
        3000,
        1800,
        1000,
        200,
    )
    assert (report.contacts_created, report.contacts_updated) == (700 + NEW, KNOWN_CONTACTS)
    # the register
    assert Organisation.objects.count() == EXISTING + NEW
    assert Contact.objects.count() == KNOWN_CONTACTS + 700 + NEW
    changed = Organisation.objects.get(enterprise_number=number(7))
    assert (changed.name, changed.street, changed.employees, changed.size_class) == (
        "Nieuw 7",
        "Markt 7",
        12,
        "small",
    )
    assert changed.search_text.startswith("nieuw 7 ")
    assert changed.manual_fields == ["name", "street"]
    assert Organisation.objects.filter(name__startswith="Nieuw ").count() == UPDATED
    assert Organisation.objects.filter(name__startswith="Oud ").count() == EXISTING - UPDATED
    new = Organisation.objects.get(enterprise_number=number(EXISTING + 1))
    assert (new.name, new.municipality, new.main_nace.code, new.employees) == (
        f"Firma {EXISTING + 1} BV",
        places["Ieper"],
        "25620",
        1235,
    )
    assert [n.code for n in new.secondary_naces.all()] == ["10711"]
    assert Organisation.secondary_naces.through.objects.count() == NEW // 2
    updated_contact = Contact.objects.get(last_name="Maes5")
    assert (updated_contact.job_title, updated_contact.organisation.name) == (
        "Zaakvoerder",
        "Nieuw 5",
    )
    assert Contact.objects.get(last_name="Desmet500").organisation.enterprise_number == number(500)
    assert Contact.objects.filter(last_name__startswith="Vermeulen").count() == NEW
    for i in (EXISTING, EXISTING + 1, EXISTING + NEW - 1):  # new contacts of new organisations
        contact = Contact.objects.get(last_name=f"Vermeulen{i}")
        assert contact.organisation.enterprise_number == number(i)
        assert event_for(contact, "create").changes["organisation"] == [None, f"Firma {i} BV"]
    # one audit event per created or changed record, with the changes, by the importer
    assert events(Organisation, "create") == NEW
    assert events(Organisation, "update") == UPDATED
    assert events(Contact, "create") == 700 + NEW
    assert events(Contact, "update") == KNOWN_CONTACTS
    assert AuditEvent.objects.count() == NEW + UPDATED + 700 + NEW + KNOWN_CONTACTS
    assert AuditEvent.objects.exclude(actor=staff_user).count() == 0
    update = event_for(changed, "update")
    assert update.changes == {
        "name": ["Oud 7", "Nieuw 7"],
        "street": ["", "Markt 7"],
        "employees": [None, 12],
    }
    assert update.message == "File import: groot.csv"
    create = event_for(new, "create")
    assert create.changes["name"] == [None, f"Firma {EXISTING + 1} BV"]
    assert create.changes["municipality"] == [None, str(places["Ieper"])]
    assert create.changes["employees"] == [None, 1235]
    assert create.changes["size_class"] == [None, "large"]
    assert create.changes["secondary_naces"] == [None, [new.secondary_naces.get().pk]]
    contact_update = event_for(updated_contact, "update")
    assert contact_update.changes == {"job_title": ["", "Zaakvoerder"]}


def test_a_bad_last_row_leaves_three_thousand_rows_unwritten(
    tmp_path, places, register, staff_user
):
    # given: the same file with a wrong enterprise number on the very last row
    lines = rows()
    lines[-1][0] = lines[-1][0][:-1] + ("0" if lines[-1][0][-1] != "0" else "1")
    # when
    report = run_file_import(write(tmp_path, lines), actor=staff_user, apply=True)
    # then
    assert (report.applied, report.errors, report.rows) == (False, 1, 3000)
    assert report.error_lines() == [
        "Row 3001, enterprise number: "
        "This enterprise number fails the mod-97 check: a digit is wrong."
    ]
    assert Organisation.objects.count() == EXISTING
    assert Organisation.objects.filter(name__startswith="Nieuw ").count() == 0
    assert Contact.objects.count() == KNOWN_CONTACTS
    assert not AuditEvent.objects.exists()
