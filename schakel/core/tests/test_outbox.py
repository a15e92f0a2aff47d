"""The outbox: e-mail is queued in the caller's transaction and sent by the worker."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.core import jobs, outbox
from schakel.core.models import Job, OutgoingEmail

SMTP_DOWN = mock.patch("schakel.core.outbox.EmailMessage.send", side_effect=OSError("SMTP down"))


class Rollback(Exception):
    pass


def queue_then_fail():
    with transaction.atomic():
        outbox.queue_email("an@alfa.be", "Welcome", "Hello An")
        raise Rollback


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def test_nothing_is_queued_or_sent_when_the_transaction_rolls_back(db):
    # given: an e-mail queued in a transaction that then fails
    with pytest.raises(Rollback):
        queue_then_fail()
    # when the worker runs
    ran = jobs.run_pending()
    # then nothing was left behind and nothing was sent
    assert ran == 0
    assert not OutgoingEmail.objects.exists()
    assert not Job.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_after_commit():
    # given: an e-mail queued in a committed transaction
    with transaction.atomic():
        email = outbox.queue_email("an@alfa.be", "Welcome", "Hello An", language="fr")
        assert mail.outbox == []
    assert mail.outbox == []
    # when
    call_command("worker", "--once", verbosity=0)
    # then
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["an@alfa.be"], "Welcome", "Hello An")
    ]
    assert mail.outbox[0].extra_headers["Content-Language"] == "fr"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert Job.objects.get(kind=outbox.EMAIL_JOB).status == Job.Status.DONE


def test_a_sent_email_is_not_sent_twice(db):
    # given: an e-mail the worker sent
    email = outbox.queue_email("an@alfa.be", "Welcome", "Hello An")
    jobs.run_pending()
    # when the same e-mail comes round again (a second job for it)
    jobs.enqueue(outbox.EMAIL_JOB, {"email_id": email.pk})
    jobs.run_pending()
    # then it went out once
    assert len(mail.outbox) == 1


def test_failed_send_is_retried_with_back_off_then_marked_failed(db, company_a, monkeypatch, clock):
    # given: an e-mail about a company, and an app that reacts to final failures
    failures = []
    monkeypatch.setitem(
        outbox._FAILURE_HANDLERS,
        "register.organisation",
        lambda email, error: failures.append((email.pk, error)),
    )
    email = outbox.queue_email("an@alfa.be", "Welcome", "Hello An", about=company_a)
    job = Job.objects.get(kind=outbox.EMAIL_JOB)
    # when the first attempt fails
    with SMTP_DOWN:
        jobs.run_pending()
    # then it is retried in two minutes, and says why
    email.refresh_from_db()
    job.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("retrying", 1, "SMTP down")
    assert job.status == Job.Status.QUEUED
    assert job.run_after == dt.datetime(2026, 3, 2, 9, 2, tzinfo=dt.UTC)
    assert failures == []
    # when the next attempts fail too, each after a back-off twice as long
    waits = []
    with SMTP_DOWN:
        for _attempt in range(2, job.max_attempts + 1):
            assert jobs.run_pending() == 0  # not due yet
            run_after = Job.objects.get(pk=job.pk).run_after
            waits.append(run_after - timezone.now())
            clock.move_to(run_after)
            assert jobs.run_pending() == 1
    # then it is failed for good, once, and the owning app heard of it
    assert waits == [dt.timedelta(minutes=minutes) for minutes in (2, 4, 8, 16)]
    email.refresh_from_db()
    job.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", job.max_attempts)
    assert email.sent_at is None
    assert job.status == Job.Status.FAILED
    assert failures == [(email.pk, "SMTP down")]
    assert jobs.run_pending() == 0
    assert mail.outbox == []


def test_an_email_is_linked_to_what_it_is_about(db, company_a, company_b):
    # given
    about_a = outbox.queue_email("an@alfa.be", "For A", "Hello A", about=company_a)
    outbox.queue_email("jo@beta.be", "For B", "Hello B", about=company_b)
    unlinked = outbox.queue_email("info@example.be", "For nobody", "Hello")
    # then
    assert list(OutgoingEmail.objects.about(company_a)) == [about_a]
    assert OutgoingEmail.objects.get(pk=about_a.pk).about == company_a
    assert unlinked.about is None
    assert OutgoingEmail.objects.count() == 3


def test_the_subject_is_rendered_in_the_recipients_language(db):
    # when
    email = outbox.queue_template(
        "an@alfa.be", lambda: _("queued"), "admin/404.html", {}, language="nl"
    )
    # then
    assert (email.subject, email.language) == ("in wachtrij", "nl")
    assert email.body


def test_no_address_queues_nothing(db):
    assert outbox.queue_email("", "Welcome", "Hello") is None
    assert outbox.queue_template("", "Welcome", "admin/404.html", {}) is None
    assert not OutgoingEmail.objects.exists()
    assert not Job.objects.exists()
