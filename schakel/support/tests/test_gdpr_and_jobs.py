import datetime as dt
from unittest import mock

import time_machine
from django.core import mail
from django.core.management import call_command

from schakel.core import jobs
from schakel.core.models import Job, OutgoingEmail
from schakel.register.services import erase_contact
from schakel.support import services
from schakel.support.digest import send_digests
from schakel.support.jobs import send_task_reminders
from schakel.support.models import Question


def test_erasing_a_contact_blanks_the_copies_in_questions(question_a, staff_user):
    # given
    services.transition(question_a, "closed", staff_user, 1, closure_reason="resolved")
    # when
    erase_contact(question_a.contact, staff_user)
    # then
    question = Question.objects.get(pk=question_a.pk)
    assert (question.contact_first_name, question.contact_last_name) == ("—", "—")
    assert question.contact_email == ""
    assert question.contact_phone == ""
    # the statistics stay
    assert question.state == "closed"
    assert question.text == question_a.text
    assert not OutgoingEmail.objects.filter(to="an@alfa.be").exists()


def test_failed_send_is_retried_then_visible_on_the_case(question_a):
    email = question_a.emails.get()
    job = Job.objects.get(kind="core.email")
    with mock.patch("schakel.core.outbox.EmailMessage.send", side_effect=OSError("SMTP down")):
        jobs.run_pending()
    email.refresh_from_db()
    job.refresh_from_db()
    assert email.status == "retrying"
    assert email.last_error == "SMTP down"
    assert job.status == "queued"
    assert job.run_after > job.started_at
    # the last attempt fails for good and shows on the case
    Job.objects.filter(pk=job.pk).update(attempts=job.max_attempts - 1, run_after=job.started_at)
    with mock.patch("schakel.core.outbox.EmailMessage.send", side_effect=OSError("SMTP down")):
        jobs.run_pending()
    email.refresh_from_db()
    assert email.status == "failed"
    assert question_a.events.filter(kind="email_failed").count() == 1
    assert mail.outbox == []


def test_task_reminder_is_sent_once(question_a, staff_user):
    services.triage(question_a, staff_user, 1, owner=staff_user)
    services.add_task(question_a, "Call back", dt.date(2026, 3, 2), staff_user)
    jobs.run_pending()
    mail.outbox.clear()
    assert send_task_reminders(dt.date(2026, 3, 1)) == 0
    assert send_task_reminders(dt.date(2026, 3, 2)) == 1
    assert send_task_reminders(dt.date(2026, 3, 3)) == 0
    jobs.run_pending()
    assert [m.to for m in mail.outbox] == [[staff_user.email]]
    assert "Call back" in mail.outbox[0].subject


@time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC))
def test_digest_lists_overdue_cases_per_owner(make_question, company_a, staff_user):
    # given: received Monday 5 Jan 2026, due Wednesday 7 Jan
    question = make_question(company_a)
    services.triage(question, staff_user, 1, owner=staff_user)
    jobs.run_pending()
    mail.outbox.clear()
    # when: Thursday 8 Jan the case is overdue
    assert send_digests(dt.date(2026, 1, 8)) == 1
    jobs.run_pending()
    # then
    assert [m.to for m in mail.outbox] == [[staff_user.email]]
    assert question.reference in mail.outbox[0].body


def test_digest_command_smoke(question_a, staff_user):
    services.triage(question_a, staff_user, 1, owner=staff_user)
    call_command("support", "digest")
    assert OutgoingEmail.objects.filter(to=staff_user.email).count() == 1
    call_command("support", "reminders", "--queue")
    assert Job.objects.filter(kind="support.task_reminders").count() == 1
