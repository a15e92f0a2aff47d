import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schakel.support import services
from schakel.support.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("offer.pdf", PDF),
        ("plan.png", PNG),
        ("note.txt", "Gr\u00fc\u00dfe".encode()),
        ("brief.docx", docx_bytes()),
    ],
)
def test_accepted_files_are_stored_with_a_random_name(
    question_a, staff_user, media_root, name, content
):
    attachment = services.add_attachment(question_a, SimpleUploadedFile(name, content), staff_user)
    assert attachment.original_name == name
    assert attachment.stored_name != name
    assert (media_root / "support" / attachment.stored_name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ\x90\x00", "attachment_type"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "attachment_content"),
        ("fake.png", PDF, "attachment_content"),
        ("fake.docx", b"PK\x03\x04 broken zip", "attachment_content"),
        ("binary.txt", b"abc\x00def", "attachment_content"),
    ],
)
def test_wrong_type_or_content_is_refused(question_a, staff_user, name, content, code):
    with pytest.raises(ValidationError) as info:
        services.add_attachment(question_a, SimpleUploadedFile(name, content), staff_user)
    assert info.value.code == code
    assert Attachment.objects.count() == 0


def test_too_large_is_refused(question_a, staff_user, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as info:
        services.add_attachment(question_a, SimpleUploadedFile("a.pdf", PDF), staff_user)
    assert info.value.code == "attachment_size"


@pytest.fixture
def files(question_a, staff_user):
    public = services.add_attachment(question_a, SimpleUploadedFile("public.pdf", PDF), staff_user)
    internal = services.add_attachment(
        question_a, SimpleUploadedFile("internal.pdf", PDF), staff_user, is_internal=True
    )
    shared = services.add_attachment(question_a, SimpleUploadedFile("shared.pdf", PDF), staff_user)
    return {"public": public, "internal": internal, "shared": shared}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", {}),
        ("staff", {"public": 200, "internal": 200, "shared": 200}),
        ("company", {"public": 200, "internal": 404, "shared": 200}),
        ("partner", {"public": 404, "internal": 404, "shared": 200}),
    ],
)
def test_download_follows_the_case_and_referral_rules(
    client, users, files, question_a, staff_user, partner_org, role, expected
):
    services.refer(
        question_a,
        partner_org,
        staff_user,
        "x",
        attachments=[files["shared"]],
        consent_channel="phone",
    )
    if users[role]:
        client.force_login(users[role])
    for key, attachment in files.items():
        response = client.get(reverse("support:attachment_download", args=[attachment.pk]))
        if role == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == expected[key], key
            if expected[key] == 200:
                assert b"".join(response.streaming_content) == PDF


def test_partner_sees_no_files_before_consent(
    client, files, question_a, staff_user, partner_org, partner_user
):
    services.refer(question_a, partner_org, staff_user, "x", attachments=[files["shared"]])
    client.force_login(partner_user)
    url = reverse("support:attachment_download", args=[files["shared"].pk])
    assert client.get(url).status_code == 404
