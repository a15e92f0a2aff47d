from django.urls import reverse

from schakel.core import jobs
from schakel.support import services


def test_inbox_lists_and_filters_with_htmx(client, staff_user, question_a, question_b):
    services.triage(question_a, staff_user, 1, owner=staff_user)
    client.force_login(staff_user)
    full = client.get(reverse("support:inbox"))
    assert full.status_code == 200
    assert full.context["page"].paginator.count == 2
    mine = client.get(reverse("support:inbox") + "?owner=me", headers={"HX-Request": "true"})
    assert [q.pk for q, _sla in mine.context["rows"]] == [question_a.pk]
    assert "<html" not in mine.content.decode()
    closed = client.get(reverse("support:inbox") + "?state=closed")
    assert closed.context["page"].paginator.count == 0


def test_overdue_filter(client, staff_user, question_a):
    from schakel.support.models import Question

    Question.objects.filter(pk=question_a.pk).update(first_response_due="2020-01-01")
    client.force_login(staff_user)
    response = client.get(reverse("support:inbox") + "?overdue=true")
    assert [q.pk for q, sla in response.context["rows"]] == [question_a.pk]
    assert response.context["rows"][0][1] == "overdue"
    assert "table-danger" in response.content.decode()


def test_case_page_with_everything_renders(client, staff_user, referral_a):
    question = referral_a.question
    services.add_note(question, "note", staff_user)
    services.send_message(question, "hello", staff_user)
    client.force_login(staff_user)
    response = client.get(
        reverse("support:case_detail", args=[question.pk]), headers={"Accept-Language": "en"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sirris" in html
    assert "unavailable" in html.lower() or response.context["recommendations"] is not None


def test_case_page_lists_the_cases_own_emails_with_their_status(
    client, staff_user, question_a, question_b
):
    # given: the confirmation of case A was sent, and case A has a queued message
    jobs.run_pending()
    services.send_message(question_a, "hello", staff_user)
    client.force_login(staff_user)
    # when
    response = client.get(
        reverse("support:case_detail", args=[question_a.pk]), headers={"Accept-Language": "en"}
    )
    # then: only case A's e-mails, newest first, each with its status
    assert [(m.to, m.status) for m in response.context["emails"]] == [
        ("an@alfa.be", "queued"),
        ("an@alfa.be", "sent"),
    ]
    html = response.content.decode()
    assert all(email.subject in html for email in question_a.emails.all())
    assert "jo@beta.be" not in html


def test_stale_form_shows_the_conflict_message(client, staff_user, admin_user, question_a):
    services.triage(question_a, admin_user, 1, owner=admin_user)
    client.force_login(staff_user)
    response = client.post(
        reverse("support:case_transition", args=[question_a.pk]),
        {"to": "in_progress", "version": 1},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("admin" in t for t in texts)
    question_a.refresh_from_db()
    assert question_a.state == "triaged"


def test_partner_and_company_lists(client, partner_user, company_user, referral_a):
    client.force_login(partner_user)
    assert client.get(reverse("support:partner_inbox")).context["page"].paginator.count == 1
    client.force_login(company_user)
    response = client.get(reverse("support:my_list"))
    assert response.context["page"].paginator.count == 1
