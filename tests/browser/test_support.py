"""The support loop as people use it, in a real browser: a company asks, staff triage and
refer, the partner accepts and reports, the company sees the result."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from schakel.places.models import Cluster, Domain
from schakel.register.models import Contact, Organisation, OrganisationType
from schakel.support import services
from schakel.support.models import Attachment, CaseEvent, Message, Question, Referral

from .conftest import login

PASSWORD = "Correct-Horse-42"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUBMIT = "main form[method=post] button[type=submit]"


@pytest.fixture
def people(django_user_model, tmp_path, settings):
    """A staff member, two partners with one user each, two companies, one with a user."""
    settings.MEDIA_ROOT = tmp_path / "media"
    company = Organisation.objects.create(
        name="Vlasbloem Metaalbewerking",
        type=OrganisationType.COMPANY,
        enterprise_number="0417497106",
    )
    other_company = Organisation.objects.create(
        name="Zeebries Voeding", type=OrganisationType.COMPANY, enterprise_number="0403170701"
    )
    sirris = Organisation.objects.create(name="Sirris", type=OrganisationType.KNOWLEDGE_CENTRE)
    other = Organisation.objects.create(
        name="Flanders Make", type=OrganisationType.KNOWLEDGE_CENTRE
    )
    make = django_user_model.objects.create_user
    staff = make(username="an", password=PASSWORD, role="staff", first_name="An", email="an@pom.be")
    partner = make(username="piet", password=PASSWORD, role="partner", partner_organisation=sirris)
    make(username="fm", password=PASSWORD, role="partner", partner_organisation=other)
    company_user = make(username="els", password=PASSWORD, role="company", first_name="Els")
    company_user.mandates.create(organisation=company)
    return {
        "company": company,
        "other_company": other_company,
        "sirris": sirris,
        "other": other,
        "staff": staff,
        "partner": partner,
        "company_user": company_user,
    }


def fill_question(page, enterprise_number, company_name, email="els@vlasbloem.be"):
    page.fill("#id_enterprise_number", enterprise_number)
    page.fill("#id_company_name", company_name)
    page.fill("#id_first_name", "Els")
    page.fill("#id_last_name", "Vandamme")
    page.fill("#id_email", email)
    page.fill("#id_text", "We willen onze laslijn automatiseren met een cobot.")


def csrf_token(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def switch_user(checked_page, user):
    """Start a session for `user` without the login form (that form has its own tests)."""
    client = Client()
    client.force_login(user)
    context = checked_page.page.context
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": checked_page.base_url,
            }
        ]
    )
    return checked_page.page


def test_question_travels_from_company_to_partner_and_back(checked_page, people):
    company, sirris, staff = people["company"], people["sirris"], people["staff"]
    domain = Domain.objects.get(code="factories_of_the_future")
    cluster = Cluster.objects.get(code="machine_building_mechatronics")

    # given an anonymous visitor on the public question form
    page = checked_page.goto("/support/ask/")

    # when she fills it in with her company's number, as printed (with dots), and sends it
    fill_question(page, "0417.497.106", "Vlasbloem")
    page.locator(SUBMIT).click()

    # then she sees the reference, and the question is filed under the existing company
    reference = page.locator("#question-reference")
    expect(reference).to_have_text(Question.objects.get().reference)
    question = Question.objects.get()
    assert question.organisation == company
    assert question.state == "new"
    assert Organisation.objects.filter(enterprise_number="0417497106").count() == 1
    assert list(question.events.values_list("kind", flat=True)) == ["received"]

    # when the account manager opens the inbox and the case
    page = switch_user(checked_page, staff)
    page = checked_page.goto("/support/inbox/")
    page.locator("#inbox-rows").get_by_role("link", name=question.reference).click()
    page.wait_for_url(f"**/support/inbox/{question.pk}/")

    # then she sees the recommendations area on the case page
    expect(page.locator("#h-recommendations")).to_be_visible()

    # when she assigns the case to herself and classifies it
    page.select_option("#triage_owner", str(staff.pk))
    page.select_option("#triage_domain", str(domain.pk))
    page.select_option("#triage_cluster", str(cluster.pk))
    page.locator("form[action$='/triage/'] button[type=submit]").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()

    # then the case is triaged and hers
    question.refresh_from_db()
    assert (question.state, question.owner, question.domain, question.cluster) == (
        "triaged",
        staff,
        domain,
        cluster,
    )
    assert list(question.events.values_list("kind", flat=True)) == [
        "received",
        "assigned",
        "triaged",
    ]

    # when she refers it to Sirris, with the consent the company gave by phone
    page.select_option("#refer_partner", str(sirris.pk))
    page.fill("#refer_message", "Sirris heeft een cobotlab in Kortrijk.")
    page.select_option("#refer_consent_channel", "phone")
    page.locator("form[action$='/referrals/'] button[type=submit]").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()

    # then the referral is sent with the consent recorded, and the case is referred
    referral = Referral.objects.get()
    assert (referral.partner, referral.state, referral.consent_channel) == (
        sirris,
        "sent",
        "phone",
    )
    assert referral.consent_recorded_by == staff
    question.refresh_from_db()
    assert question.state == "referred"
    assert list(question.events.values_list("kind", flat=True))[3:] == [
        "referral",
        "transition",
        "consent",
    ]

    # when the partner opens the referral from his inbox and accepts it
    page = switch_user(checked_page, people["partner"])
    page = checked_page.goto("/support/partner/")
    page.get_by_role("link", name=company.name).click()
    page.wait_for_url(f"**/support/partner/{referral.pk}/")
    expect(page.locator("main")).to_contain_text("cobotlab")
    page.locator("input[name=decision][value=accept]").check()
    page.locator("form[action$='/respond/'] button[type=submit]").click()
    expect(page.locator("form[action$='/outcome/']")).to_be_visible()

    # and reports what came of it
    page.select_option("#id_outcome", "project_started")
    page.fill("#id_note", "Haalbaarheidsstudie gestart.")
    page.locator("form[action$='/outcome/'] button[type=submit]").click()
    expect(page.locator("#h-result")).to_be_visible()

    # then the referral carries the answer and the outcome
    referral.refresh_from_db()
    assert (referral.state, referral.outcome, referral.responded_by) == (
        "accepted",
        "project_started",
        people["partner"],
    )
    assert list(question.events.values_list("kind", flat=True))[6:] == ["accepted", "outcome"]

    # when another company's case is referred to Flanders Make and he tries its address
    elsewhere = services.refer(
        services.submit_question(
            organisation=people["other_company"],
            asker=services.Asker("Jo", "Claeys", "jo@zeebries.be"),
            text="Wij zoeken hulp bij digitale tweelingen.",
        ),
        people["other"],
        staff,
        "Voor Flanders Make.",
        consent_channel="phone",
    )
    response = page.goto(f"{checked_page.base_url}/support/partner/{elsewhere.pk}/")

    # then the page does not exist for him, nor can he answer it
    assert response.status == 404
    answer = page.request.post(
        f"{checked_page.base_url}/support/partner/{elsewhere.pk}/respond/",
        form={"decision": "accept"},
        headers={"X-CSRFToken": csrf_token(page)},
        fail_on_status_code=False,
    )
    assert answer.status == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == "sent"

    # when the company user looks at her questions
    page = switch_user(checked_page, people["company_user"])
    page = checked_page.goto("/support/my/")
    page.get_by_role("link", name=question.reference).click()
    page.wait_for_url(f"**/support/my/{question.pk}/")

    # then she sees that Sirris accepted and what came of it
    result = page.locator(f"#referral-{referral.pk}")
    expect(result).to_contain_text("Sirris")
    expect(result.locator("[data-state=accepted]")).to_be_visible()
    expect(result.locator("[data-outcome=project_started]")).to_be_visible()
    # and not the partner's internal note
    expect(page.locator("main")).not_to_contain_text("Haalbaarheidsstudie")


def test_bad_input_and_too_many_questions_are_explained_and_write_nothing(checked_page, people):
    before = (Organisation.objects.count(), Contact.objects.count())

    # given the public question form
    page = checked_page.goto("/support/ask/")

    # when it is sent empty
    page.locator(SUBMIT).click()

    # then every required field says so, and nothing is stored
    for name in ("enterprise_number", "company_name", "first_name", "last_name", "email", "text"):
        expect(page.locator(f"#id_{name}_error")).to_be_visible()
        expect(page.locator(f"#id_{name}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_phone_error")).to_have_count(0)

    # when the enterprise number fails the check digits
    fill_question(page, "0417.497.107", "Vlasbloem")
    page.locator(SUBMIT).click()

    # then the error is next to that field only, and what she typed is kept
    expect(page.locator("#id_enterprise_number_error")).to_be_visible()
    expect(page.locator("#id_company_name_error")).to_have_count(0)
    expect(page.locator("#id_text")).to_have_value(
        "We willen onze laslijn automatiseren met een cobot."
    )
    assert Question.objects.count() == 0
    assert (Organisation.objects.count(), Contact.objects.count()) == before

    # when she corrects it to a valid number the register does not know yet
    page.fill("#id_enterprise_number", "0202.239.951")
    page.fill("#id_company_name", "Nieuwe Smederij")
    page.locator(SUBMIT).click()

    # then the question is received, under a new company that staff still have to confirm
    expect(page.locator("#question-reference")).to_be_visible()
    question = Question.objects.get()
    assert question.organisation.name == "Nieuwe Smederij"
    assert question.organisation.status == Organisation.Status.PENDING
    assert question.organisation.enterprise_number == "0202239951"
    assert page.locator("#question-reference").inner_text() == question.reference

    # when she has sent as many questions as allowed in an hour and asks once more,
    # for another company the register does not know
    for number in range(services.RATE_LIMIT_PER_HOUR - 1):
        services.submit_question(
            organisation=question.organisation,
            asker=services.Asker("Els", "Vandamme", "els@vlasbloem.be"),
            text=f"Vraag {number}",
        )
    before = (Question.objects.count(), CaseEvent.objects.count(), Organisation.objects.count())
    page = checked_page.goto("/support/ask/")
    fill_question(page, "0123.456.749", "Ijzergieterij Nova")
    page.locator(SUBMIT).click()

    # then she is told to try later, keeps her text, and nothing was written
    with translation.override("nl"):
        refusal = translation.gettext(
            "You have asked several questions in the last hour. Please try again later."
        )
    expect(page.locator("main .alert-danger")).to_have_text(refusal)
    expect(page.locator(".invalid-feedback")).to_have_count(0)
    expect(page.locator("#id_text")).to_have_value(
        "We willen onze laslijn automatiseren met een cobot."
    )
    after = (Question.objects.count(), CaseEvent.objects.count(), Organisation.objects.count())
    assert after == before
    assert not Organisation.objects.filter(enterprise_number="0123456749").exists()


def test_an_oversized_attachment_is_refused_and_nothing_is_written(
    checked_page, people, settings, tmp_path
):
    # given a company question and a limit of 1 MB per file
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    question = services.submit_question(
        organisation=people["company"],
        asker=services.Asker("Els", "Vandamme", "els@vlasbloem.be"),
        text="Kunnen jullie onze tekening nakijken?",
    )
    big = tmp_path / "tekening.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 10))
    events_before = question.events.count()

    # when the company user adds information with a file that is too large
    page = login(checked_page, "els", PASSWORD)
    page = checked_page.goto(f"/support/my/{question.pk}/")
    page.fill("#id_body", "Hierbij de tekening.")
    page.set_input_files("#id_file", str(big))
    page.locator("form[action$='/reply/'] button[type=submit]").click()

    # then the refusal names the file next to the file field, her text is kept,
    # and neither the message nor the file was stored
    error = page.locator("#id_file_error")
    expect(error).to_contain_text("tekening.txt")
    expect(page.locator("#id_file")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_body")).to_have_value("Hierbij de tekening.")
    assert Attachment.objects.count() == 0
    assert Message.objects.count() == 0
    assert question.events.count() == events_before
    media = settings.MEDIA_ROOT / "support"
    assert not media.exists() or not any(media.iterdir())
