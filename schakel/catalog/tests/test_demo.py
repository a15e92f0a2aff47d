"""The demo catalogue from the West-Flanders reference document."""

import io

import pytest

from schakel.catalog import demo
from schakel.catalog.format import export_catalog, parse_catalog
from schakel.catalog.models import Offering
from schakel.core.demo import reference_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    try:
        reference_file()
    except FileNotFoundError:
        pytest.skip("west-flanders.yaml is not available")


def test_demo_catalogue_is_realistic_cited_and_idempotent(reference):
    # when
    demo.load({}, io.StringIO())
    count = Offering.objects.count()
    out = io.StringIO()
    demo.load({}, out)
    # then
    assert 80 <= count <= 150
    assert Offering.objects.count() == count
    assert f"0 offerings created, 0 updated, {count} unchanged" in out.getvalue()
    assert not Offering.objects.filter(source="").exists()
    kinds = set(Offering.objects.values_list("kind", flat=True))
    assert {"test_facility", "equipment", "workspace", "terminal", "expertise"} <= kinds
    assert Offering.objects.filter(description_en__gt="").count() == count
    # and the catalogue it makes follows the open format
    _orgs, _offerings, errors = parse_catalog(export_catalog())
    assert errors == []
