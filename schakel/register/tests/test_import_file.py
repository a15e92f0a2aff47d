"""File import: reading CSV/XLSX as Belgians save them, row checks, all-or-nothing writes."""

# ruff: noqa: F811  (fixtures imported from test_import_support)

import csv
import io

import pytest
from openpyxl import Workbook

from schakel.core.models import AuditEvent
from schakel.register.importing.service import run_file_import
from schakel.register.importing.values import looks_like_formula, parse_number
from schakel.register.models import Contact, Organisation
from schakel.register.tests.test_import_support import english, places  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")

HEADER = ["Ondernemingsnummer", "Naam", "Straat", "Postcode", "Gemeente", "NACE", "Werknemers"]
ALFA = ["0417.497.106", "Alfa Metaal", "Kortrijksestraat 1", "8500", "Kortrijk", "25.620", "12"]
BETA = ["0403.170.701", "Bèta Voeding", "Markt 2", "8900", "Ieper", "10711, 25620", "1.234,5"]


def write_csv(tmp_path, rows, delimiter=";", encoding="utf-8", name="orgs.csv", bom=False):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path = tmp_path / name
    path.write_bytes(data)
    return path


def write_xlsx(tmp_path, rows, name="orgs.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def errors_of(report):
    return [
        (entry["row"], issue["field"], issue["message"])
        for entry in report.entries
        for issue in entry["issues"]
        if issue["level"] == "error"
    ]


@pytest.mark.parametrize(("delimiter", "bom"), [(";", False), (",", False), (";", True)])
def test_csv_creates_organisations_with_any_separator_and_bom(
    tmp_path, places, staff_user, delimiter, bom
):
    # given
    path = write_csv(tmp_path, [HEADER, ALFA, BETA], delimiter=delimiter, bom=bom)
    # when
    report = run_file_import(path, actor=staff_user, apply=True)
    # then
    assert (report.file_error, report.created, report.errors, report.applied) == ("", 2, 0, True)
    alfa = Organisation.objects.get(enterprise_number="0417497106")
    assert (alfa.name, alfa.municipality, alfa.main_nace.code) == (
        "Alfa Metaal",
        places["Kortrijk"],
        "25620",
    )
    beta = Organisation.objects.get(enterprise_number="0403170701")
    assert beta.name == "Bèta Voeding"
    assert beta.employees == 1235  # "1.234,5" read Belgian style, rounded
    assert [n.code for n in beta.secondary_naces.all()] == ["25620"]
    assert AuditEvent.objects.filter(action="create", actor=staff_user).count() == 2


def test_windows_1252_csv_keeps_accents(tmp_path, places, staff_user):
    # given: Excel's "CSV (separated by semicolons)" on a Belgian Windows
    rows = [HEADER, ["", "Brasserie Élise", "Rue 1", "7730", "Estaimpuis", "", ""]]
    path = write_csv(tmp_path, rows, encoding="cp1252")
    # when
    report = run_file_import(path, actor=staff_user, apply=True)
    # then
    assert report.errors == 0, errors_of(report)
    organisation = Organisation.objects.get(name="Brasserie Élise")
    assert organisation.municipality.name_nl == "Estaimpuis"


def test_windows_1252_municipality_name_with_accent(tmp_path, places, staff_user):
    # given: "Iéper" is how some users type it; accents are folded when matching
    rows = [HEADER, ["", "Café Iéper", "Grote Markt 1", "", "Iéper", "", ""]]
    path = write_csv(tmp_path, rows, encoding="cp1252")
    # when
    report = run_file_import(path, actor=staff_user, apply=True)
    # then
    assert report.errors == 0, errors_of(report)
    assert Organisation.objects.get(name="Café Iéper").municipality == places["Ieper"]


def test_file_in_neither_utf8_nor_windows_1252_is_refused(tmp_path, places):
    # given: byte 0x81 is undefined in Windows-1252 and invalid as UTF-8
    path = tmp_path / "orgs.csv"
    path.write_bytes(b"Naam;Gemeente\r\nA\x81B;Ieper\r\n")
    # when
    report = run_file_import(path, apply=True)
    # then
    assert "encoding" in report.file_error
    assert not Organisation.objects.exists()


def test_xlsx_import_with_numbers_as_cells(tmp_path, places, staff_user):
    # given: Excel turned the postal code and the number into numbers, and lost the leading 0
    rows = [HEADER, [417497106, "Alfa Metaal", "Kortrijksestraat 1", 8500, "Kortrijk", 25620, 12.0]]
    path = write_xlsx(tmp_path, rows)
    # when
    report = run_file_import(path, actor=staff_user, apply=True)
    # then
    assert report.errors == 0, errors_of(report)
    alfa = Organisation.objects.get(enterprise_number="0417497106")
    assert (alfa.postal_code, alfa.employees, alfa.main_nace.code) == ("8500", 12, "25620")


def test_known_enterprise_number_updates_instead_of_duplicating(
    tmp_path, places, staff_user, company_a
):
    # given: company_a has enterprise number 0417497106
    path = write_csv(tmp_path, [HEADER, ALFA])
    # when
    report = run_file_import(path, actor=staff_user, apply=True)
    # then
    assert (report.created, report.updated) == (0, 1)
    assert Organisation.objects.filter(enterprise_number="0417497106").count() == 1
    company_a.refresh_from_db()
    assert (company_a.name, company_a.postal_code) == ("Alfa Metaal", "8500")
    assert "municipality" in company_a.manual_fields  # staff's own input: KBO leaves it alone
    event = AuditEvent.objects.get(object_id=str(company_a.pk), action="update")
    assert event.changes["postal_code"] == ["", "8500"]


def test_second_run_reports_unchanged(tmp_path, places, staff_user):
    # given
    path = write_csv(tmp_path, [HEADER, ALFA])
    run_file_import(path, actor=staff_user, apply=True)
    # when
    report = run_file_import(path, actor=staff_user, apply=True)
    # then
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert AuditEvent.objects.count() == 1


def test_one_bad_row_names_row_and_field_and_writes_nothing(tmp_path, places, staff_user):
    # given: row 3 has an enterprise number with a wrong digit
    bad = ["0403.170.702", *BETA[1:]]
    path = write_csv(tmp_path, [HEADER, ALFA, bad])
    # when
    report = run_file_import(path, actor=staff_user, apply=True)
    # then
    assert report.applied is False
    assert errors_of(report) == [
        (3, "enterprise number", "This enterprise number fails the mod-97 check: a digit is wrong.")
    ]
    assert report.error_lines() == [
        "Row 3, enterprise number: This enterprise number fails the mod-97 check: a digit is wrong."
    ]
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_bad_row_in_a_later_batch_undoes_earlier_batches(tmp_path, places, staff_user):
    # given: batches of one row, the bad row last
    rows = [HEADER, ALFA, BETA, ["", "Gamma", "", "", "Atlantis", "", ""]]
    path = write_csv(tmp_path, rows)
    # when
    report = run_file_import(path, actor=staff_user, apply=True, batch_size=1)
    # then
    assert errors_of(report) == [(4, "municipality", "“Atlantis” is not a known municipality.")]
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("cells", "field", "message"),
    [
        ({"Gemeente": "Atlantis"}, "municipality", "“Atlantis” is not a known municipality."),
        ({"Postcode": "9999", "Gemeente": ""}, "postal code", "postal code 9999 does not exist."),
        ({"Gemeente": "99999"}, "municipality", "NIS code 99999 does not exist."),
        ({"NACE": "99.999"}, "NACE-BEL codes", "NACE-BEL code 99.999 does not exist."),
        ({"Werknemers": "veel"}, "employees (FTE)", "“veel” is not a number."),
        ({"Type": "ruimteschip"}, "type", "“ruimteschip” is not a known organisation type."),
        ({"E-mail": "info@@alfa"}, "general e-mail", "Enter a valid email address."),
        ({"Naam": ""}, "name", "is required for a new organisation."),
    ],
)
def test_invalid_cells_are_errors_naming_the_field(tmp_path, places, cells, field, message):
    # given
    header = [*HEADER, "Type", "E-mail"]
    row = dict(zip(header, [*ALFA, "", ""], strict=True))
    row.update(cells)
    path = write_csv(tmp_path, [header, [row[h] for h in header]])
    # when
    report = run_file_import(path, apply=True)
    # then
    assert errors_of(report) == [(2, field, message)]
    assert not Organisation.objects.exists()


def test_duplicate_enterprise_number_in_file_names_both_rows(tmp_path, places):
    # given
    path = write_csv(tmp_path, [HEADER, ALFA, BETA, ALFA])
    # when
    report = run_file_import(path, apply=True)
    # then
    assert errors_of(report) == [
        (4, "enterprise number", "the enterprise number 0417497106 is also on row 2.")
    ]
    assert not Organisation.objects.exists()


def test_type_accepts_dutch_english_and_french_labels(tmp_path, places):
    # given
    header = ["Naam", "Type", "Postcode"]
    rows = [header, ["A", "knowledge centre", "8500"], ["B", "Kenniscentrum", "8500"]]
    rows.append(["C", "entreprise", "8500"])
    # when
    report = run_file_import(write_csv(tmp_path, rows), apply=True)
    # then
    assert report.errors == 0, errors_of(report)
    types = dict(Organisation.objects.values_list("name", "type"))
    assert types == {"A": "knowledge_centre", "B": "knowledge_centre", "C": "company"}


def test_merged_municipality_resolves_to_the_current_one(tmp_path, places):
    # given: Meulebeke merged into Tielt on 1 January 2025
    path = write_csv(tmp_path, [["Naam", "Gemeente"], ["Oude Firma", "Meulebeke"]])
    # when
    report = run_file_import(path, apply=True)
    # then
    assert report.errors == 0, errors_of(report)
    assert Organisation.objects.get().municipality == places["Tielt"]


def test_contact_columns_create_then_update_the_contact(tmp_path, places, staff_user):
    # given
    header = [*HEADER, "Contact voornaam", "Contact naam", "Contact e-mail", "Contact taal"]
    first = [*ALFA, "Jan", "Peeters", "jan@alfa.be", "Nederlands"]
    run_file_import(write_csv(tmp_path, [header, first]), actor=staff_user, apply=True)
    second = [*ALFA, "Jan", "Peeters", "JAN@alfa.be", "français"]
    # when
    report = run_file_import(
        write_csv(tmp_path, [header, second], name="b.csv"), actor=staff_user, apply=True
    )
    # then
    assert (report.updated, report.contacts_created, report.contacts_updated) == (1, 0, 1)
    contact = Contact.objects.get()
    assert (contact.email, contact.language) == ("JAN@alfa.be", "fr")
    assert AuditEvent.objects.filter(object_repr="Jan Peeters").count() == 2


def test_contact_without_name_is_an_error(tmp_path, places):
    # given
    header = [*HEADER, "Contact e-mail"]
    path = write_csv(tmp_path, [header, [*ALFA, "jan@alfa.be"]])
    # when
    report = run_file_import(path, apply=True)
    # then
    assert [(row, field) for row, field, _m in errors_of(report)] == [
        (2, "contact first name"),
        (2, "contact last name"),
    ]


def test_formula_cells_are_stored_as_text_with_a_warning(tmp_path, places, staff_user):
    # given
    evil = "=cmd|' /C calc'!A0"
    path = write_csv(tmp_path, [["Naam", "Postcode", "Telefoon"], [evil, "8500", "+32 56 00"]])
    # when
    report = run_file_import(path, actor=staff_user, apply=True)
    # then
    assert report.applied is True
    assert Organisation.objects.get().name == evil
    warnings = [i for e in report.entries for i in e["issues"] if i["level"] == "warning"]
    assert [w["field"] for w in warnings] == ["name"]  # the phone number is not a formula


def test_formula_cells_in_xlsx_are_read_as_text_not_computed(tmp_path, places):
    # given
    path = write_xlsx(tmp_path, [["Naam", "Postcode"], ["=1+1", 8500]])
    # when
    report = run_file_import(path, apply=True)
    # then
    assert Organisation.objects.get().name == "=1+1"
    assert report.warnings == 1


def test_html_in_names_is_kept_as_text(tmp_path, places):
    # given
    path = write_csv(tmp_path, [["Naam", "Postcode"], ["<b>Acme</b><script>x()</script>", "8500"]])
    # when
    run_file_import(path, apply=True)
    # then
    assert Organisation.objects.get().name == "<b>Acme</b><script>x()</script>"


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "orgs.csv", "The file is empty."),
        (b"\xef\xbb\xbf", "orgs.csv", "The file is empty."),
        (b"Naam;Postcode\r\n", "orgs.csv", "The file has a header but no data rows."),
        (b'Naam;Postcode\r\nA;8500\r\n"B;8500\r\n', "orgs.csv", "quote mark"),
        (b"PK\x03\x04garbage that is no zip", "orgs.xlsx", "not a valid Excel"),
        (b"Naam;Postcode\r\nA;8500\r\n", "orgs.xlsx", "not a valid Excel"),
        (b"%PDF-1.4", "orgs.pdf", "Only .csv and .xlsx files"),
        (b"\xd0\xcf\x11\xe0", "orgs.xls", "Old Excel files"),
        (b"Straat;Postcode\r\nA;8500\r\n", "orgs.csv", "no column for the name"),
    ],
)
def test_bad_files_get_a_clear_message_and_write_nothing(tmp_path, places, content, name, expected):
    # given
    path = tmp_path / name
    path.write_bytes(content)
    # when
    report = run_file_import(path, apply=True)
    # then
    assert expected in report.file_error
    assert not Organisation.objects.exists()


def test_ragged_and_truncated_rows_are_errors(tmp_path, places):
    # given: row 3 has a cell too many, row 4 is cut off
    content = b"Naam;Postcode;Gemeente\r\nA;8500;Kortrijk\r\nB;8500;Kortrijk;extra\r\nC;8500"
    path = tmp_path / "orgs.csv"
    path.write_bytes(content)
    # when
    report = run_file_import(path, apply=True)
    # then
    assert [row for row, _f, _m in errors_of(report)] == [3, 4]
    assert not Organisation.objects.exists()


def test_oversize_file_is_refused_before_reading(tmp_path, places):
    # given: a sparse 50 MB file (nothing to read: it must be refused by its size)
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    # when
    report = run_file_import(path, apply=True, max_bytes=20 * 1024 * 1024)
    # then
    assert "The file is 50" in report.file_error
    assert "files up to 20" in report.file_error
    assert not Organisation.objects.exists()


def test_dry_run_writes_nothing(tmp_path, places):
    # given
    path = write_csv(tmp_path, [HEADER, ALFA])
    # when
    report = run_file_import(path, apply=False)
    # then
    assert (report.created, report.applied) == (1, False)
    assert not Organisation.objects.exists()


def test_unknown_columns_are_reported_and_ignored(tmp_path, places):
    # given
    path = write_csv(tmp_path, [["Naam", "Postcode", "Favoriete kleur"], ["A", "8500", "blauw"]])
    # when
    report = run_file_import(path, apply=True)
    # then
    assert report.notices == ["The column “Favoriete kleur” is not recognised and is ignored."]
    assert report.created == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,5", "1234.5"),
        ("1234,5", "1234.5"),
        ("1.234", "1234"),
        ("1 234", "1234"),
        ("12.5", "12.5"),
        ("1,234.5", "1234.5"),
        ("€ 1.000.000,00", "1000000.00"),
        (12, "12"),
    ],
)
def test_parse_number_belgian_style(text, expected):
    assert str(parse_number(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=SUM(A1)", True), ("@x", True), ("+cmd", True), ("-x", True), ("+32 56", False)],
)
def test_looks_like_formula(text, expected):
    assert looks_like_formula(text) is expected


def test_example_files_import_cleanly(places, staff_user):
    # given
    from schakel.register.importing.service import EXAMPLES_DIR

    for name in ("organisations.csv", "organisations.xlsx"):
        # when
        report = run_file_import(EXAMPLES_DIR / name, actor=staff_user)
        # then
        assert (report.file_error, report.errors, report.created) == ("", 0, 3), errors_of(report)


def test_report_is_stream_friendly_for_many_rows(tmp_path, places):
    # given: more rows than one batch
    lines = ["Naam;Postcode"] + [f"Firma {i};8500" for i in range(5000)]
    path = tmp_path / "many.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    seen = []
    # when
    report = run_file_import(path, apply=True, progress=lambda d, t: seen.append((d, t)))
    # then
    assert report.created == 5000
    assert Organisation.objects.count() == 5000
    assert len(seen) == 3
    assert seen[-1][0] == seen[-1][1] == path.stat().st_size
    assert report.entries_truncated is True
    assert len(report.entries) == 2000
