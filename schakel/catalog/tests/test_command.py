"""`schakel catalog validate|import|export`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from schakel.catalog.models import Offering
from schakel.register.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_file(tmp_path, small_catalog):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(small_catalog), encoding="utf-8")
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("catalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_then_import_again_reports_no_changes(municipalities, catalog_file):
    # when
    first, _ = run("import", str(catalog_file))
    second, _ = run("import", str(catalog_file))
    # then
    assert "Offerings: 2 created, 0 updated, 0 unchanged." in first
    assert "Offerings: 0 created, 0 updated, 2 unchanged." in second
    assert Offering.objects.count() == 2


def test_broken_file_lists_every_error_on_stderr_and_writes_nothing(
    municipalities, tmp_path, small_catalog
):
    # given
    small_catalog["organisations"][0]["website"] = "not a url"
    small_catalog["offerings"][1]["budget_eur"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(small_catalog), encoding="utf-8")
    err = StringIO()
    # when
    with pytest.raises(CommandError) as info:
        call_command("catalog", "import", str(path), stdout=StringIO(), stderr=err)
    # then
    assert info.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("sirris: website: ")
    assert lines[1].startswith("vlaio-ecologiepremie-2027: budget_eur: ")
    assert len(lines) == 2
    assert Organisation.objects.count() == 0


def test_malformed_json_names_line_and_column(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "schakel.catalog/v1",\n "offerings": [}', encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("catalog", "validate", str(path), stdout=StringIO(), stderr=err)
    assert "line 2, column 16" in err.getvalue()


def test_validate_writes_nothing(municipalities, catalog_file):
    out, _ = run("validate", str(catalog_file))
    assert "2 organisations, 2 offerings" in out
    assert Offering.objects.count() == 0


def test_export_to_a_file_and_to_stdout(municipalities, catalog_file, tmp_path):
    # given
    run("import", str(catalog_file))
    target = tmp_path / "out.json"
    # when
    run("export", str(target))
    printed, _ = run("export", "-")
    # then
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document == json.loads(printed)
    assert [o["id"] for o in document["offerings"]] == [
        "sirris-cobot-lab",
        "vlaio-ecologiepremie-2027",
    ]
