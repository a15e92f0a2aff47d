"""`schakel register import FILE`: summary, errors with row and field, non-zero exit, dry run."""

# ruff: noqa: F811  (fixtures imported from test_import_support)

import io

import pytest
from django.core.management import CommandError, call_command

from schakel.register.models import Organisation
from schakel.register.tests.test_import_support import english, places  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")

GOOD = "Ondernemingsnummer;Naam;Postcode\r\n0417.497.106;Alfa;8500\r\n;Beta;8900\r\n"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("register", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_summary_and_writes(tmp_path, places):
    # given
    path = tmp_path / "orgs.csv"
    path.write_text(GOOD, encoding="utf-8")
    # when
    out, _err = run("import", str(path))
    # then
    assert "2 rows: 2 created, 0 updated, 0 unchanged, 0 with errors" in out
    assert Organisation.objects.count() == 2


def test_dry_run_writes_nothing(tmp_path, places):
    # given
    path = tmp_path / "orgs.csv"
    path.write_text(GOOD, encoding="utf-8")
    # when
    out, _err = run("import", str(path), "--dry-run")
    # then
    assert "2 created" in out
    assert "Dry run" in out
    assert not Organisation.objects.exists()


def test_errors_exit_non_zero_and_write_nothing(tmp_path, places):
    # given
    path = tmp_path / "orgs.csv"
    path.write_text(GOOD + "0403.170.702;Gamma;8500\r\n;Delta;Atlantis\r\n", encoding="utf-8")
    err = io.StringIO()
    # when
    with pytest.raises(CommandError) as raised:
        call_command(
            "register",
            "import",
            str(path),
            "--no-progress",
            "--show-errors",
            "1",
            stdout=io.StringIO(),
            stderr=err,
        )
    # then
    assert raised.value.returncode == 1
    assert (
        "Row 4, enterprise number: This enterprise number fails the mod-97 check" in err.getvalue()
    )
    assert "… and 1 more." in err.getvalue()
    assert not Organisation.objects.exists()


def test_type_option_sets_the_type(tmp_path, places):
    # given
    path = tmp_path / "orgs.csv"
    path.write_text("Naam;Postcode\r\nSirris;8500\r\n", encoding="utf-8")
    # when
    run("import", str(path), "--type", "knowledge_centre")
    # then
    assert Organisation.objects.get().type == "knowledge_centre"
