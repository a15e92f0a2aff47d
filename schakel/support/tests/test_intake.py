import pytest
from django.core import mail
from django.urls import reverse

from schakel.core import jobs
from schakel.register.models import Contact, Organisation
from schakel.support.models import Question

URL = reverse("support:ask")


def form_data(**overrides):
    data = {
        "enterprise_number": "0417.497.106",
        "company_name": "Alfa Metaal",
        "first_name": "An",
        "last_name": "Peeters",
        "email": "an@alfa.be",
        "phone": "050 12 34 56",
        "language": "nl",
        "text": "We zoeken hulp bij het automatiseren van onze laslijn.",
        "website": "",
    }
    data.update(overrides)
    return data


def test_form_renders_for_anonymous_with_honeypot_hidden_by_class(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="visually-hidden"' in html
    assert "Leave this field empty" in html or "leeg" in html.lower()
    assert 'style="' not in html


def test_known_enterprise_number_attaches_to_existing_company(client, company_a):
    # when
    response = client.post(URL, form_data())
    # then
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.organisation == company_a
    assert Organisation.objects.filter(enterprise_number="0417497106").count() == 1
    assert question.contact.email == "an@alfa.be"
    assert question.reference == f"Q-{question.received_at.year}-{question.pk:06d}"
    assert question.channel == "web"
    assert question.first_response_due is not None
    # the thanks page shows the reference
    page = client.get(reverse("support:ask_done"))
    assert question.reference in page.content.decode()


def test_unknown_enterprise_number_creates_a_pending_organisation(client, db):
    response = client.post(
        URL, form_data(enterprise_number="BE0403170701", company_name="Nieuw BV")
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(enterprise_number="0403170701")
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.name == "Nieuw BV"
    assert Question.objects.get().organisation == organisation


def test_existing_contact_is_matched_by_email_within_the_organisation(client, company_a):
    contact = Contact.objects.create(
        organisation=company_a, first_name="An", last_name="Peeters", email="AN@alfa.be"
    )
    client.post(URL, form_data())
    assert Question.objects.get().contact == contact
    assert Contact.objects.filter(organisation=company_a).count() == 1


def test_invalid_enterprise_number_is_an_error_on_the_field(client, db):
    response = client.post(URL, form_data(enterprise_number="0417.497.107"))
    assert response.status_code == 200
    assert "enterprise_number" in response.context["form"].errors
    assert Question.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_honeypot_filled_creates_nothing(client, company_a):
    response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert Question.objects.count() == 0
    assert Contact.objects.count() == 0
    jobs.run_pending()
    assert mail.outbox == []


def test_oversized_question_is_refused(client, company_a):
    response = client.post(URL, form_data(text="x" * 5001))
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert Question.objects.count() == 0


def test_rate_limit_per_email(client, company_a):
    for i in range(5):
        assert client.post(URL, form_data(text=f"question {i}")).status_code == 302
    response = client.post(URL, form_data(text="question 6"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Question.objects.count() == 5


def test_rate_limit_per_address_across_emails(client, company_a):
    for i in range(5):
        client.post(URL, form_data(email=f"p{i}@alfa.be"), REMOTE_ADDR="10.0.0.9")
    response = client.post(URL, form_data(email="p9@alfa.be"), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200
    assert Question.objects.count() == 5
    # another address is not limited
    assert (
        client.post(URL, form_data(email="x@alfa.be"), REMOTE_ADDR="10.0.0.10").status_code == 302
    )


def test_confirmation_email_is_sent_by_the_worker_with_the_reference(client, company_a):
    client.post(URL, form_data(language="en"))
    question = Question.objects.get()
    # nothing is sent during the request
    assert mail.outbox == []
    # when
    jobs.run_pending()
    # then
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an@alfa.be"]
    assert question.reference in mail.outbox[0].subject
    assert question.emails.get().status == "sent"


def test_question_appears_on_the_timeline(client, company_a):
    client.post(URL, form_data())
    entry = company_a.activities.get(kind="question")
    assert entry.is_internal is False
    assert Question.objects.get().reference in entry.title


def test_company_user_asks_for_acting_company(client, company_user, company_a):
    client.force_login(company_user)
    response = client.post(reverse("support:my_new"), {"text": "Wie helpt met 3D-printen?"})
    question = Question.objects.get()
    assert response.status_code == 302
    assert question.organisation == company_a
    assert question.channel == "portal"


def test_staff_logs_a_phone_question(client, staff_user, company_a):
    client.force_login(staff_user)
    data = form_data(channel="phone")
    data.pop("website")
    response = client.post(reverse("support:staff_new"), data)
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.channel == "phone"
    assert question.created_by == staff_user


@pytest.mark.parametrize("language", ["nl", "en", "fr"])
def test_form_works_in_each_language(client, db, language):
    client.cookies["schakel_language"] = language
    response = client.get(URL)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
