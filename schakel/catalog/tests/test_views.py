"""The public catalogue and the staff screens."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from schakel.catalog.format import import_catalog
from schakel.catalog.models import Offering
from schakel.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(municipalities, small_catalog):
    """Two offerings open today, one closed, one archived."""
    today = timezone.localdate()
    small_catalog["offerings"][1]["open"] = {"until": (today + dt.timedelta(days=30)).isoformat()}
    small_catalog["offerings"].append(
        {
            "id": "vlaio-oude-oproep",
            "kind": "funding",
            "title": {"nl": "Afgelopen oproep", "en": "Closed call"},
            "description": "Voorbij.",
            "provider": "vlaio",
            "open": {"until": (today - dt.timedelta(days=1)).isoformat()},
        }
    )
    small_catalog["offerings"].append(
        {
            "id": "sirris-oud-lab",
            "kind": "test_facility",
            "title": "Gearchiveerd lab",
            "description": "Weg.",
            "provider": "sirris",
        }
    )
    import_catalog(small_catalog)
    Offering.objects.filter(external_id="sirris-oud-lab").update(is_archived=True)
    return small_catalog


@pytest.mark.parametrize(
    ("language", "title"), [("nl", "Cobotlab"), ("en", "Cobot lab"), ("fr", "Cobotlab")]
)
def test_public_catalogue_shows_open_offerings_to_anonymous_visitors(
    client, catalogue, language, title
):
    # when
    with override(language):
        response = client.get(reverse("catalog:public_list"), HTTP_ACCEPT_LANGUAGE=language)
    # then
    assert response.status_code == 200
    shown = {o.external_id for o in response.context["page"]}
    assert shown == {"sirris-cobot-lab", "vlaio-ecologiepremie-2027"}
    assert title in response.content.decode()


def test_public_catalogue_filters_by_kind_and_size(client, catalogue):
    # when
    response = client.get(reverse("catalog:public_list"), {"kind": "funding"})
    by_size = client.get(reverse("catalog:public_list"), {"size": "micro"})
    # then
    assert [o.external_id for o in response.context["page"]] == ["vlaio-ecologiepremie-2027"]
    # The cobot lab is for small and medium companies only; the premium is open to all.
    assert [o.external_id for o in by_size.context["page"]] == ["vlaio-ecologiepremie-2027"]


def test_public_catalogue_answers_htmx_with_the_fragment(client, catalogue):
    response = client.get(reverse("catalog:public_list"), {"q": "cobot"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "catalog/_public_rows.html"
    assert [o.external_id for o in response.context["page"]] == ["sirris-cobot-lab"]


def test_public_detail_shows_facts_in_the_active_language(client, catalogue):
    # when
    response = client.get(
        reverse("catalog:public_detail", args=["vlaio-ecologiepremie-2027"]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "€ 25.000.000" in body
    assert "open until" in body
    assert "VLAIO" in body


def test_public_detail_of_archived_offering_is_404_for_visitors(client, catalogue, staff_user):
    url = reverse("catalog:public_detail", args=["sirris-oud-lab"])
    assert client.get(url).status_code == 404
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["company", "partner"])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("manage_list", []),
        ("manage_create", []),
        ("manage_import", []),
        ("manage_detail", ["sirris-cobot-lab"]),
        ("manage_edit", ["sirris-cobot-lab"]),
    ],
)
def test_manage_pages_are_404_for_non_staff(client, catalogue, users, role, name, args):
    client.force_login(users[role])
    assert client.get(reverse(f"catalog:{name}", args=args)).status_code == 404


def test_manage_pages_send_anonymous_visitors_to_login(client, catalogue):
    response = client.get(reverse("catalog:manage_list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_manage_list_filters_by_state(client, catalogue, staff_user):
    # given
    client.force_login(staff_user)
    url = reverse("catalog:manage_list")
    # when
    default = client.get(url)
    archived = client.get(url, {"state": "archived"})
    closed = client.get(url, {"state": "closed"}, HTTP_HX_REQUEST="true")
    # then
    assert {o.external_id for o in default.context["page"]} == {
        "sirris-cobot-lab",
        "vlaio-ecologiepremie-2027",
        "vlaio-oude-oproep",
    }
    assert [o.external_id for o in archived.context["page"]] == ["sirris-oud-lab"]
    assert [o.external_id for o in closed.context["page"]] == ["vlaio-oude-oproep"]
    assert closed.templates[0].name == "catalog/_offering_rows.html"


def test_staff_creates_an_offering(
    client, catalogue, staff_user, django_capture_on_commit_callbacks
):
    # given
    client.force_login(staff_user)
    sirris = Offering.objects.get(external_id="sirris-cobot-lab").provider
    data = {
        "external_id": "sirris-laser-lab",
        "kind": "equipment",
        "provider": sirris.pk,
        "title_nl": "Laserlab",
        "description_nl": "Lasersnijden en -lassen.",
        "themes": "Laser, lassen",
        "audience_sizes": ["small"],
        "open_from": "2026-01-01",
        "open_until": "2026-12-31",
    }
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalog:manage_create"), data)
    # then
    assert response.status_code == 302
    offering = Offering.objects.get(external_id="sirris-laser-lab")
    assert offering.themes == ["laser", "lassen"]
    assert offering.audience_sizes == ["small"]
    assert AuditEvent.objects.filter(object_id=str(offering.pk), action="create").count() == 1


def test_create_refuses_an_open_period_that_ends_before_it_starts(client, catalogue, staff_user):
    client.force_login(staff_user)
    sirris = Offering.objects.get(external_id="sirris-cobot-lab").provider
    response = client.post(
        reverse("catalog:manage_create"),
        {
            "external_id": "x-lab",
            "kind": "equipment",
            "provider": sirris.pk,
            "title_nl": "X",
            "description_nl": "X",
            "open_from": "2026-12-31",
            "open_until": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "open_until" in response.context["form"].errors
    assert not Offering.objects.filter(external_id="x-lab").exists()


def test_archive_is_post_only_and_hides_the_offering(client, catalogue, staff_user):
    # given
    client.force_login(staff_user)
    url = reverse("catalog:manage_archive", args=["sirris-cobot-lab"])
    # when
    get = client.get(url)
    post = client.post(url)
    # then
    assert get.status_code == 405
    assert post.status_code == 302
    assert Offering.objects.get(external_id="sirris-cobot-lab").is_archived is True
    public = client.get(reverse("catalog:public_list"))
    assert "sirris-cobot-lab" not in {o.external_id for o in public.context["page"]}
    client.post(reverse("catalog:manage_unarchive", args=["sirris-cobot-lab"]))
    assert Offering.objects.get(external_id="sirris-cobot-lab").is_archived is False


def test_upload_reports_every_error_and_writes_nothing(
    client, municipalities, small_catalog, staff_user
):
    # given
    client.force_login(staff_user)
    small_catalog["offerings"][0]["kind"] = "lecture"
    small_catalog["offerings"][1]["budget_eur"] = -5
    upload = SimpleUploadedFile("catalog.json", json.dumps(small_catalog).encode())
    # when
    response = client.post(reverse("catalog:manage_import"), {"file": upload, "action": "import"})
    # then
    assert response.status_code == 200
    assert {(e.id, e.field) for e in response.context["errors"]} == {
        ("sirris-cobot-lab", "kind"),
        ("vlaio-ecologiepremie-2027", "budget_eur"),
    }
    assert Offering.objects.count() == 0


def test_upload_imports_a_valid_file_and_shows_counts(
    client, municipalities, small_catalog, staff_user
):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("catalog.json", json.dumps(small_catalog).encode())
    response = client.post(reverse("catalog:manage_import"), {"file": upload, "action": "import"})
    assert response.status_code == 200
    assert response.context["result"].offerings.created == 2
    assert Offering.objects.count() == 2


def test_upload_check_only_writes_nothing(client, municipalities, small_catalog, staff_user):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("catalog.json", json.dumps(small_catalog).encode())
    response = client.post(reverse("catalog:manage_import"), {"file": upload, "action": "validate"})
    assert response.context["errors"] == []
    assert response.context["counts"] == {"organisations": 2, "offerings": 2}
    assert Offering.objects.count() == 0


def test_navbar_links_the_catalogue_for_anonymous_visitors(client):
    response = client.get(reverse("catalog:public_list"))
    assert f'href="{reverse("catalog:public_list")}"' in response.content.decode()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("manage_list", []),
        ("manage_create", []),
        ("manage_import", []),
        ("manage_detail", ["sirris-cobot-lab"]),
        ("manage_edit", ["sirris-cobot-lab"]),
        ("manage_detail", ["sirris-oud-lab"]),
    ],
)
def test_manage_pages_render_for_staff(client, catalogue, staff_user, name, args):
    client.force_login(staff_user)
    response = client.get(reverse(f"catalog:{name}", args=args))
    assert response.status_code == 200
    assert b"<h1" in response.content


def test_public_list_query_count_does_not_grow_with_offerings(
    client, catalogue, django_assert_max_num_queries
):
    # Providers, places, domains and clusters are fetched once per page, not per row.
    with django_assert_max_num_queries(12):
        client.get(reverse("catalog:public_list"))
