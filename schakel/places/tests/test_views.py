"""The staff pages for the technology themes, and the admin registration."""

import pytest
from django.contrib import admin
from django.urls import reverse

from schakel.core.models import AuditEvent
from schakel.places.models import Cluster, Domain, Municipality, NaceCode, PostalCode, Region, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_sees_the_theme_list(staff_client):
    response = staff_client.get(reverse("places:theme_list"), {"q": "robot"})

    assert response.status_code == 200
    assert [theme.code for theme in response.context["page"]] == ["cobots", "robotics"]
    assert b"Robotica" in response.content


def test_theme_list_returns_the_fragment_for_htmx(staff_client):
    response = staff_client.get(reverse("places:theme_list"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "places/_theme_rows.html"


def test_theme_list_filters_inactive(staff_client):
    Theme.objects.filter(code="drones").update(is_active=False)

    response = staff_client.get(reverse("places:theme_list"), {"is_active": "false"})

    assert [theme.code for theme in response.context["page"]] == ["drones"]


def test_staff_adds_a_theme(staff_client, staff_user):
    response = staff_client.post(
        reverse("places:theme_create"),
        {"code": "photonics", "name_nl": "Fotonica", "name_en": "Photonics", "is_active": "on"},
    )

    assert response.status_code == 302
    theme = Theme.objects.get(code="photonics")
    assert (theme.name_nl, theme.name_en, theme.is_active) == ("Fotonica", "Photonics", True)
    assert AuditEvent.objects.filter(object_id=str(theme.pk), actor=staff_user).exists()


def test_staff_edits_a_theme_and_the_audit_trail_has_the_change(staff_client):
    theme = Theme.objects.get(code="robotics")

    response = staff_client.post(
        reverse("places:theme_edit", args=["robotics"]),
        {"code": "robotics", "name_nl": "Robotica", "name_en": "Robots", "name_fr": "Robotique"},
    )

    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.name_en, theme.is_active) == ("Robots", False)
    event = AuditEvent.objects.get(object_id=str(theme.pk), action=AuditEvent.Action.UPDATE)
    assert event.changes["name_en"] == ["Robotics", "Robots"]


def test_invalid_theme_shows_the_error_and_saves_nothing(staff_client):
    response = staff_client.post(
        reverse("places:theme_create"), {"code": "robotics", "name_nl": ""}
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"code", "name_nl"}
    assert Theme.objects.filter(code="robotics").count() == 1


def test_unknown_theme_is_404(staff_client):
    assert staff_client.get(reverse("places:theme_edit", args=["nope"])).status_code == 404


@pytest.mark.parametrize("role", ["company", "partner"])
@pytest.mark.parametrize(
    ("name", "args"),
    [("places:theme_list", []), ("places:theme_create", []), ("places:theme_edit", ["robotics"])],
)
def test_non_agency_users_get_403_on_theme_pages(client, users, role, name, args):
    client.force_login(users[role])

    get = client.get(reverse(name, args=args))
    post = client.post(reverse(name, args=args), {"code": "robotics", "name_nl": "Hacked"})

    assert get.status_code == 403
    assert post.status_code == 403
    assert Theme.objects.get(code="robotics").name_nl == "Robotica"


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("places:theme_list"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_all_places_models_are_in_the_admin():
    for model in (Region, Municipality, PostalCode, NaceCode, Domain, Cluster, Theme):
        assert admin.site.is_registered(model), model


def test_admin_municipality_list_opens(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/admin/places/municipality/", {"q": "Tielt"})

    assert response.status_code == 200
