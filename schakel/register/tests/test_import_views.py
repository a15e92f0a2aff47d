"""The import pages: upload → preview → confirm, for staff only, nothing written before confirm."""

# ruff: noqa: F811  (fixtures imported from test_import_support)

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schakel.core import jobs
from schakel.core.models import AuditEvent, Job
from schakel.register.models import Organisation
from schakel.register.tests.test_import_support import english, places  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")

GOOD = (
    "Ondernemingsnummer;Naam;Postcode;Gemeente\r\n"
    "0417.497.106;<b>Alfa</b> Metaal;8500;Kortrijk\r\n"
    "0403.170.701;Bèta Voeding;8900;Ieper\r\n"
).encode()
BAD = GOOD + b"0403.170.702;Gamma;8500;Kortrijk\r\n"


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, content, name="orgs.csv", content_type="text/csv"):
    return client.post(
        reverse("register:import_start"),
        {
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "default_type": "company",
        },
    )


def stored_files(media):
    folder = media / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("role", ["anonymous", "partner", "company"])
def test_import_pages_are_for_staff_only(client, users, role, places):
    # given
    if users[role] is not None:
        client.force_login(users[role])
    # when
    response = upload(client, GOOD)
    # then
    assert response.status_code == (302 if role == "anonymous" else 404)
    assert not Organisation.objects.filter(name="Bèta Voeding").exists()
    assert not Job.objects.exists()


def test_other_staff_cannot_see_my_import(client, staff_user, make_user, places):
    # given
    client.force_login(staff_user)
    job_url = upload(client, GOOD).url
    other = make_user("other", "staff", is_staff=True)
    client.force_login(other)
    # when
    response = client.get(job_url)
    # then
    assert response.status_code == 404


def test_upload_preview_confirm(client, staff_user, places, media):
    # given
    client.force_login(staff_user)
    # when: upload
    response = upload(client, GOOD)
    # then: a preview, nothing written, the file kept under MEDIA_ROOT/imports with a random name
    assert response.status_code == 302
    job = Job.objects.get(kind="register.import")
    assert response.url == reverse("register:import_detail", args=[job.pk])
    assert not Organisation.objects.filter(enterprise_number="0403170701").exists()
    (name,) = stored_files(media)
    assert name.endswith(".csv")
    assert name != "orgs.csv"
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;b&gt;Alfa&lt;/b&gt; Metaal" in html  # shown escaped
    assert "<b>Alfa</b>" not in html
    assert "Confirm and import" in html
    # when: confirm
    response = client.post(reverse("register:import_confirm", args=[job.pk]))
    # then
    assert response.status_code == 302
    assert Organisation.objects.get(enterprise_number="0417497106").name == "<b>Alfa</b> Metaal"
    assert Organisation.objects.filter(enterprise_number="0403170701").count() == 1
    assert AuditEvent.objects.filter(action="create", actor=staff_user).count() == 2
    assert stored_files(media) == []
    # and a second confirm does nothing
    client.post(reverse("register:import_confirm", args=[job.pk]))
    assert Organisation.objects.count() == 2


def test_preview_with_error_cannot_be_confirmed(client, staff_user, places, media):
    # given
    client.force_login(staff_user)
    job_url = upload(client, BAD).url
    job = Job.objects.get()
    # when
    page = client.get(job_url).content.decode()
    response = client.post(reverse("register:import_confirm", args=[job.pk]))
    # then
    assert "fails the mod-97 check" in page
    assert "Confirm and import" not in page
    assert response.status_code == 302
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_cancel_removes_the_file(client, staff_user, places, media):
    # given
    client.force_login(staff_user)
    upload(client, GOOD)
    job = Job.objects.get()
    # when
    response = client.post(reverse("register:import_cancel", args=[job.pk]))
    # then
    assert response.status_code == 302
    assert stored_files(media) == []
    assert client.post(reverse("register:import_confirm", args=[job.pk])).status_code == 302
    assert not Organisation.objects.exists()


def test_confirm_rejects_get(client, staff_user, places):
    client.force_login(staff_user)
    upload(client, GOOD)
    job = Job.objects.get()
    assert client.get(reverse("register:import_confirm", args=[job.pk])).status_code == 405


@pytest.mark.parametrize(
    ("content", "name", "content_type", "message"),
    [
        (b"", "orgs.csv", "text/csv", "The submitted file is empty."),
        (b"%PDF-1.4", "orgs.pdf", "application/pdf", "Only .csv and .xlsx files"),
        (b"Naam\r\nA\r\n", "orgs.csv", "image/png", "not a spreadsheet or CSV file"),
        (b"PK\x03\x04broken", "orgs.xlsx", "application/octet-stream", "not a valid Excel"),
    ],
)
def test_bad_uploads_get_a_clear_message(
    client, staff_user, places, media, content, name, content_type, message
):
    # given
    client.force_login(staff_user)
    # when
    response = upload(client, content, name, content_type)
    # then
    if response.status_code == 302:
        response = client.get(response.url)
    assert message in response.content.decode()
    assert not Organisation.objects.exists()


def test_oversize_upload_is_refused_without_storing(client, staff_user, places, media, settings):
    # given
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(staff_user)
    # when
    response = upload(client, GOOD + b"x" * 200)
    # then
    assert response.status_code == 200
    assert "files up to 100" in response.content.decode()
    assert stored_files(media) == []
    assert not Job.objects.exists()


def test_large_file_runs_as_a_job_with_progress(client, staff_user, places, media, settings):
    # given: everything counts as large
    settings.REGISTER_IMPORT_INLINE_MAX_BYTES = 0
    client.force_login(staff_user)
    job_url = upload(client, GOOD).url
    job = Job.objects.get()
    # when: the worker has not run yet
    status = client.get(reverse("register:import_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    # then
    assert job.status == Job.Status.QUEUED
    assert 'data-width="0"' in status.content.decode()
    assert "HX-Refresh" not in status
    # when: the worker checks the file
    jobs.run_pending()
    status = client.get(reverse("register:import_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    # then: the page reloads to show the preview
    assert status["HX-Refresh"] == "true"
    assert "Confirm and import" in client.get(job_url).content.decode()
    # when: confirmed, the worker applies it
    client.post(reverse("register:import_confirm", args=[job.pk]))
    assert not Organisation.objects.filter(enterprise_number="0403170701").exists()
    jobs.run_pending()
    # then
    job.refresh_from_db()
    assert job.result["phase"] == "applied"
    assert job.progress_done == job.progress_total == len(GOOD)
    assert (
        Organisation.objects.filter(enterprise_number__in=["0417497106", "0403170701"]).count() == 2
    )


def test_start_page_documents_columns_and_links_examples(client, staff_user):
    # given
    client.force_login(staff_user)
    # when
    html = client.get(reverse("register:import_start")).content.decode()
    example = client.get(reverse("register:import_example", args=["organisations.xlsx"]))
    # then
    assert "Ondernemingsnummer" in html
    assert "Contact taal" in html
    assert reverse("register:import_example", args=["organisations.csv"]) in html
    assert example.status_code == 200
    assert client.get(reverse("register:import_example", args=["secret.py"])).status_code == 404
