"""The lookups other apps use: postal code, name or NIS code, NACE code, coordinates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from schakel.core.models import AuditEvent
from schakel.places import services
from schakel.places.models import Theme

pytestmark = pytest.mark.django_db


def nis_codes(municipalities):
    return [m.nis_code for m in municipalities]


def test_postal_code_gives_its_municipality():
    assert nis_codes(services.municipality_for_postal_code("8500")) == ["34022"]
    assert nis_codes(services.municipality_for_postal_code(8000)) == ["31005"]
    assert nis_codes(services.municipality_for_postal_code(" 8760 ")) == ["37022"]  # Meulebeke


def test_shared_postal_code_gives_both_municipalities():
    assert nis_codes(services.municipality_for_postal_code("1040")) == ["21004", "21005"]


def test_unknown_postal_code_gives_nothing():
    assert services.municipality_for_postal_code("0000") == []
    assert services.municipality_for_postal_code("abc") == []


@pytest.mark.parametrize(
    ("text", "nis"),
    [
        ("34022", "34022"),
        ("Kortrijk", "34022"),
        ("KORTRIJK", "34022"),
        ("Courtrai", "34022"),
        ("liege", "62063"),
        ("Liège", "62063"),
        ("Luik", "62063"),
        ("Bruges", "31005"),
        ("sint martens latem", "44064"),
        ("Mont-de-l'Enclus", "57095"),
        ("Meulebeke", "37022"),
        ("37007", "37022"),
        ("Ruiselede", "37021"),
        ("Borsbeek", "11002"),
        ("Gammerages", "23106"),
    ],
)
def test_resolve_municipality(text, nis):
    assert services.resolve_municipality(text).nis_code == nis


@pytest.mark.parametrize("text", ["", "   ", None, "99999", "Atlantis", "3400"])
def test_resolve_municipality_gives_none_for_unknown_input(text):
    assert services.resolve_municipality(text) is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("25.62", "2562"),
        ("2562", "2562"),
        ("25620", "25620"),
        ("25.620", "25620"),
        ("2562001", "25620"),
        ("25", "25"),
        ("c", "C"),
        (" C ", "C"),
        ("2569", "256"),
        ("25699", "256"),
    ],
)
def test_nace_by_code_finds_the_code_or_its_nearest_ancestor(code, expected):
    assert services.nace_by_code(code).code == expected


@pytest.mark.parametrize("code", ["", None, "00", "X", "2", "abc", "25-62"])
def test_nace_by_code_gives_none_for_unknown_codes(code):
    assert services.nace_by_code(code) is None


def test_coordinates_by_nis_covers_current_and_merged_municipalities():
    coordinates = services.coordinates_by_nis()

    assert len(coordinates) == 594
    lat, lon = coordinates["34022"]  # Kortrijk
    assert 50.7 < lat < 50.9
    assert 3.1 < lon < 3.4
    assert "37007" in coordinates  # Meulebeke keeps its own point


def test_staff_creates_a_theme_and_the_audit_trail_records_it(staff_user):
    # when
    theme = services.create_theme(
        {"code": "photonics", "name_nl": "Fotonica", "name_en": "Photonics"}, staff_user
    )

    # then
    assert Theme.objects.get(code="photonics").name_nl == "Fotonica"
    event = AuditEvent.objects.get(object_id=str(theme.pk), action=AuditEvent.Action.CREATE)
    assert event.actor == staff_user


def test_update_theme_records_what_changed(staff_user):
    theme = Theme.objects.get(code="robotics")

    services.update_theme(theme, {"name_en": "Robotics and cobots"}, staff_user)

    event = AuditEvent.objects.get(object_id=str(theme.pk), action=AuditEvent.Action.UPDATE)
    assert event.changes == {"name_en": ["Robotics", "Robotics and cobots"]}


def test_company_user_cannot_create_a_theme(company_user):
    with pytest.raises(PermissionDenied):
        services.create_theme({"code": "photonics", "name_nl": "Fotonica"}, company_user)

    assert not Theme.objects.filter(code="photonics").exists()


def test_create_theme_rejects_a_duplicate_code(staff_user):
    with pytest.raises(ValidationError) as error:
        services.create_theme({"code": "robotics", "name_nl": "Robotica 2"}, staff_user)

    assert "code" in error.value.error_dict
    assert Theme.objects.filter(code="robotics").count() == 1
