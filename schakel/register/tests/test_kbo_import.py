"""The KBO Open Data import, on a small extract written in the official format."""

# ruff: noqa: F811  (fixtures imported from test_import_support)

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from schakel.core.models import AuditEvent
from schakel.register.importing.kbo import KboError, import_kbo
from schakel.register.models import Organisation
from schakel.register.tests.test_import_support import english, places  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")

NEW = "0200.065.765"  # new, seated in Kortrijk
KNOWN = "0417.497.106"  # entered by staff, never synced, seated in Meulebeke (now Tielt)
SYNCED = "0123.456.749"  # synced before; staff fixed its legal form by hand
BRUSSELS = "0403.170.701"  # outside West Flanders
BAD = "0403.170.702"  # fails mod-97

FILES = {
    "meta.csv": [["Variable", "Value"], ["SnapshotDate", "01-06-2025"], ["ExtractNumber", "140"]],
    "code.csv": [
        ["Category", "Code", "Language", "Description"],
        ["JuridicalForm", "014", "NL", "Naamloze vennootschap"],
        ["JuridicalForm", "014", "FR", "Société anonyme"],
        ["JuridicalForm", "610", "NL", "Besloten vennootschap"],
    ],
    "enterprise.csv": [
        [
            "EnterpriseNumber",
            "Status",
            "JuridicalSituation",
            "TypeOfEnterprise",
            "JuridicalForm",
            "JuridicalFormCAC",
            "StartDate",
        ],
        [SYNCED, "AC", "000", "2", "014", "", "15-03-2001"],
        [NEW, "AC", "000", "2", "014", "", "01-01-1990"],
        [BRUSSELS, "AC", "000", "2", "610", "", "01-01-2010"],
        [BAD, "AC", "000", "2", "610", "", "01-01-2010"],
        [KNOWN, "AC", "000", "2", "610", "", "31-12-1999"],
    ],
    "denomination.csv": [
        ["EntityNumber", "Language", "TypeOfDenomination", "Denomination"],
        [SYNCED, "2", "001", "Nieuwe Naam"],
        [NEW, "1", "001", "Fonderie Nouvelle"],
        [NEW, "2", "001", "Nieuwe Gieterij"],
        [NEW, "2", "003", "NG Metal"],
        [BRUSSELS, "2", "001", "Brusselse Firma"],
        [KNOWN, "2", "001", "ALFA METAAL NV"],
        [KNOWN, "2", "002", "broken row with a column too many", "x"],
    ],
    "address.csv": [
        [
            "EntityNumber",
            "TypeOfAddress",
            "CountryNL",
            "CountryFR",
            "Zipcode",
            "MunicipalityNL",
            "MunicipalityFR",
            "StreetNL",
            "StreetFR",
            "HouseNumber",
            "Box",
            "ExtraAddressInfo",
            "DateStrikingOff",
        ],
        [SYNCED, "REGO", "", "", "8900", "Ieper", "Ypres", "Markt", "Markt", "1", "", "", ""],
        [
            NEW,
            "REGO",
            "",
            "",
            "8500",
            "Kortrijk",
            "Courtrai",
            "Gieterijstraat",
            "",
            "5",
            "B2",
            "",
            "",
        ],
        [
            BRUSSELS,
            "REGO",
            "",
            "",
            "1000",
            "Brussel",
            "Bruxelles",
            "Wetstraat",
            "",
            "1",
            "",
            "",
            "",
        ],
        [BAD, "REGO", "", "", "8500", "Kortrijk", "", "Straat", "", "1", "", "", ""],
        [
            KNOWN,
            "REGO",
            "",
            "",
            "8760",
            "Meulebeke",
            "Meulebeke",
            "Stationsstraat",
            "",
            "10",
            "",
            "",
            "",
        ],
        ["2.000.000.339", "BAET", "", "", "8500", "Kortrijk", "", "Vestiging", "", "1", "", "", ""],
    ],
    "activity.csv": [
        ["EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"],
        [SYNCED, "001", "2008", "25625", "MAIN"],
        [NEW, "001", "2003", "28520", "MAIN"],
        [NEW, "001", "2008", "25620", "MAIN"],
        [NEW, "001", "2008", "10711", "SECO"],
        [NEW, "001", "2008", "62010", "ANCI"],
        [KNOWN, "001", "2008", "25620", "MAIN"],
        ["2.000.000.339", "001", "2008", "62010", "MAIN"],
    ],
    "contact.csv": [
        ["EntityNumber", "EntityContact", "ContactType", "Value"],
        [NEW, "ENT", "EMAIL", "info@gieterij.be"],
        [NEW, "ENT", "TEL", "056 11 22 33"],
        [NEW, "ENT", "WEB", "www.gieterij.be"],
        [KNOWN, "ENT", "EMAIL", "not an address"],
    ],
}


def write_extract(folder, files=FILES):
    folder.mkdir(exist_ok=True)
    for name, rows in files.items():
        with open(folder / name, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)
    return folder


@pytest.fixture
def register(places):
    synced_at = timezone.now() - dt.timedelta(days=30)
    Organisation.objects.create(
        name="Alfa Metaal",
        enterprise_number="0417497106",
        street="Hoofdstraat 1",
        manual_fields=["street"],
    )
    Organisation.objects.create(
        name="Oude Naam",
        enterprise_number="0123456749",
        legal_form="BV (by hand)",
        manual_fields=["legal_form"],
        kbo_synced_at=synced_at,
        source="KBO Open Data 01-05-2025",
    )


def test_import_creates_updates_and_protects(tmp_path, register, places):
    # given
    folder = write_extract(tmp_path / "kbo")
    # when
    result = import_kbo(folder)
    # then: counts
    assert (result.created, result.updated, result.unchanged) == (1, 2, 0)
    assert (result.outside, result.invalid) == (1, 2)
    assert result.snapshot == "01-06-2025"
    # the new enterprise, with the Dutch legal name and everything KBO knows
    new = Organisation.objects.get(enterprise_number="0200065765")
    assert (new.name, new.legal_form, new.type) == (
        "Nieuwe Gieterij",
        "Naamloze vennootschap",
        "company",
    )
    assert (new.street, new.postal_code, new.municipality) == (
        "Gieterijstraat 5 bus B2",
        "8500",
        places["Kortrijk"],
    )
    assert (new.main_nace.code, [n.code for n in new.secondary_naces.all()]) == ("25620", ["10711"])
    assert new.start_date == dt.date(1990, 1, 1)
    assert (new.email, new.phone, new.website) == (
        "info@gieterij.be",
        "056 11 22 33",
        "https://www.gieterij.be",
    )
    assert new.source == "KBO Open Data 01-06-2025"
    assert new.kbo_synced_at is not None
    # staff's record: empty fields filled (merged municipality -> Tielt), their own kept
    known = Organisation.objects.get(enterprise_number="0417497106")
    assert known.name == "Alfa Metaal"
    assert known.street == "Hoofdstraat 1"
    assert known.municipality == places["Tielt"]
    assert (known.postal_code, known.main_nace.code) == ("8760", "25620")
    assert known.email == ""  # the invalid KBO e-mail is skipped
    assert "name" in known.manual_fields  # theirs from now on
    # a record KBO owns: updated, except the field staff changed by hand
    synced = Organisation.objects.get(enterprise_number="0123456749")
    assert synced.name == "Nieuwe Naam"
    assert synced.legal_form == "BV (by hand)"
    assert synced.main_nace.code == "2562"  # 25625 is no NACE-BEL code: its class is used
    assert synced.municipality == places["Ieper"]
    # nothing outside West Flanders, nothing invalid
    assert not Organisation.objects.filter(
        enterprise_number__in=["0403170701", "0403170702"]
    ).exists()
    # per-field counts and the audit trail
    assert result.field_changes["name"] == 2  # created + updated
    assert result.field_changes["municipality"] == 3
    assert AuditEvent.objects.filter(action="create").count() == 1
    assert AuditEvent.objects.filter(action="update").count() == 2


def test_second_run_is_unchanged(tmp_path, register):
    # given
    folder = write_extract(tmp_path / "kbo")
    import_kbo(folder)
    # when
    result = import_kbo(folder)
    # then
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_dry_run_and_report(tmp_path, register):
    # given
    folder = write_extract(tmp_path / "kbo")
    report = tmp_path / "changes.csv"
    # when
    result = import_kbo(folder, dry_run=True, report_path=report)
    # then
    assert (result.created, result.updated) == (1, 2)
    assert not Organisation.objects.filter(enterprise_number="0200065765").exists()
    assert Organisation.objects.get(enterprise_number="0123456749").name == "Oude Naam"
    rows = list(csv.reader(report.open(encoding="utf-8")))
    assert rows[0] == ["enterprise_number", "action", "field", "old", "new"]
    assert ["0123.456.749", "update", "name", "Oude Naam", "Nieuwe Naam"] in rows
    assert ["0200.065.765", "create", "name", "", "Nieuwe Gieterij"] in rows


def test_unsorted_file_fails_and_changes_nothing(tmp_path, register):
    # given: denomination.csv out of order
    files = dict(FILES)
    files["denomination.csv"] = [
        FILES["denomination.csv"][0],
        *reversed(FILES["denomination.csv"][1:]),
    ]
    folder = write_extract(tmp_path / "kbo", files)
    # when
    with pytest.raises(KboError, match="not sorted"):
        import_kbo(folder)
    # then
    assert Organisation.objects.count() == 2
    assert Organisation.objects.get(enterprise_number="0123456749").name == "Oude Naam"


def test_missing_file_or_column_is_reported(tmp_path, db):
    folder = write_extract(tmp_path / "kbo", {"enterprise.csv": [["EnterpriseNumber"]]})
    with pytest.raises(KboError, match="address.csv is missing"):
        import_kbo(folder)
    files = dict(FILES, **{"address.csv": [["EntityNumber", "Zipcode"]]})
    folder = write_extract(tmp_path / "kbo2", files)
    with pytest.raises(KboError, match="lacks the column"):
        import_kbo(folder)


def test_command(tmp_path, register):
    # given
    folder = write_extract(tmp_path / "kbo")
    out = io.StringIO()
    # when
    call_command(
        "register", "import-kbo", str(folder), "--no-progress", stdout=out, stderr=io.StringIO()
    )
    # then
    assert (
        "KBO 01-06-2025: 1 created, 2 updated, 0 unchanged, 1 outside West Flanders"
        in out.getvalue()
    )
    with pytest.raises(CommandError):
        call_command("register", "import-kbo", str(tmp_path / "nowhere"), "--no-progress")
