"""Applications: the checks a fund manager makes, the deadline by server time, frozen
submissions and new versions, and the pages that show them."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from schakel.core import jobs
from schakel.core.models import AuditEvent, OutgoingEmail
from schakel.funding import services
from schakel.funding.models import Application

D = Decimal


def errors_of(application, moment=None):
    return services.submission_errors(application, moment)


def test_a_plan_that_adds_up_has_no_errors(call, draft):
    assert errors_of(draft(call)) == {}


def test_financing_must_equal_the_budget_to_the_cent(call, draft, company_user):
    application = draft(call)
    services.save_content(
        application,
        services.Content(
            title="x",
            description="y",
            budget={"personnel": D("40000.00"), "investments": D("54000.00")},
            financing={"eu": D("40000.00"), "province": D("20000.00"), "own": D("39999.99")},
        ),
        company_user,
    )
    errors = errors_of(application)
    assert list(errors) == ["financing"]
    assert "0,01" in errors["financing"][0]


def test_overheads_are_computed_at_the_flat_rate(call, draft):
    application = draft(call, total="100000.00")
    lines = {line.category: line.amount_eur for line in application.budget_lines.all()}
    assert lines == {
        "personnel": D("40000.00"),
        "investments": D("54000.00"),
        "overheads": D("6000.00"),
    }
    assert application.total_cost_eur == D("100000.00")
    assert application.requested_eur == D("60000.00")


def test_rates_above_the_programme_maximum_are_refused(call, draft):
    application = draft(call, eu="40000.01", province="20000.00")
    errors = errors_of(application)
    assert set(errors) == {"financing_eu", "financing"}
    assert "40" in errors["financing_eu"][0]


def test_ineligible_cost_category_and_source_are_refused(call, draft, company_user):
    application = draft(call)
    services.save_content(
        application,
        services.Content(
            title="x",
            description="y",
            budget={"personnel": D("1000.00"), "travel": D("100.00")},
            financing={"flanders": D("100.00"), "own": D("1150.00")},
        ),
        company_user,
    )
    errors = errors_of(application)
    assert "budget_travel" in errors
    assert "financing_flanders" in errors


def test_ineligible_applicant_is_refused(make_call, draft):
    call = make_call(code="micro-only", eligible_sizes=["micro"])
    errors = errors_of(draft(call))
    assert list(errors) == ["applicant"]


def test_submission_after_the_deadline_is_refused_by_server_time(call, draft, company_user):
    application = draft(call)
    with time_machine.travel(call.closes_at + dt.timedelta(seconds=1), tick=False):
        with pytest.raises(ValidationError) as refused:
            services.submit(application, company_user)
    assert "__all__" in refused.value.message_dict
    application.refresh_from_db()
    assert application.status == "draft"
    with time_machine.travel(call.closes_at - dt.timedelta(seconds=1), tick=False):
        services.submit(application, company_user)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_submitted_applications_are_frozen_and_need_a_new_version(call, submitted, company_user):
    application = submitted(call)
    assert application.snapshot["financing"] == {
        "eu": "40000.00",
        "own": "40000.00",
        "province": "20000.00",
    }
    assert len(application.snapshot_sha256) == 64
    with pytest.raises(ValidationError):
        services.save_content(application, services.Content(title="changed"), company_user)
    copy = services.new_version(application, company_user)
    assert (copy.version, copy.number, copy.status) == (2, application.number, "draft")
    assert copy.requested_eur == application.requested_eur
    services.submit(copy, company_user)
    application.refresh_from_db()
    assert application.status == "superseded"
    assert copy.reference.endswith("-v2")
    assert (
        AuditEvent.objects.filter(
            object_id=str(application.pk), changes__status=["submitted", "superseded"]
        ).count()
        == 1
    )


def test_submission_is_audited_and_on_the_timeline(call, submitted):
    application = submitted(call)
    assert (
        AuditEvent.objects.filter(
            object_id=str(application.pk), changes__status=["draft", "submitted"]
        ).count()
        == 1
    )
    activity = application.applicant.activities.get(kind="funding")
    assert application.reference in activity.title
    assert activity.is_internal is False


def test_submission_e_mails_the_applicant_in_their_language(call, draft, company_user):
    # given: the company user reads French
    company_user.language = "fr"
    company_user.save(update_fields=["language"])
    application = draft(call)
    # when
    application = services.submit(application, company_user)
    # then the e-mail waits in the outbox, linked to the application, until the worker runs
    email = OutgoingEmail.objects.about(application).get()
    assert (email.to, email.language, email.status) == (company_user.email, "fr", "queued")
    assert mail.outbox == []
    jobs.run_pending()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([company_user.email], f"Demande {application.reference} reçue")
    ]
    assert mail.outbox[0].body.startswith("Bonjour company,")


# --- pages --------------------------------------------------------------------------------


def test_company_applies_through_the_form_and_sees_the_plan_errors(client, call, company_user):
    client.force_login(company_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    base = {
        "title": "Cobot",
        "description": "Welding",
        "budget_personnel": "40000.00",
        "budget_investments": "54000.00",
        "financing_eu": "40000.00",
        "financing_province": "20000.00",
        "financing_own": "30000.00",
        "action": "submit",
    }
    response = client.post(f"/funding/calls/{call.pk}/apply/", base)
    assert response.status_code == 200
    assert "must equal" in response.content.decode()
    application = Application.objects.get()
    assert application.status == "draft"
    response = client.post(
        f"/funding/applications/{application.pk}/edit/", {**base, "financing_own": "40000.00"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    pdf = client.get(f"/funding/applications/{application.pk}/summary.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert (
        pdf["Content-Disposition"] == f'attachment; filename="{application.reference.lower()}.pdf"'
    )


def test_pdf_summary_carries_the_title(call, submitted):
    from schakel.funding.pdf import application_summary

    application = submitted(call)
    with timezone.override("Europe/Brussels"):
        content = application_summary(application)
    assert content.startswith(b"%PDF-")
    assert f"/Title (Application summary {application.reference})".encode() in content


@pytest.mark.parametrize(
    "path",
    [
        "/funding/",
        "/funding/applications/",
        "/funding/evaluations/",
        "/funding/programmes/",
        "/funding/de-minimis/",
    ],
)
def test_staff_pages_render(client, staff_user, call, submitted, path):
    submitted(call)
    client.force_login(staff_user)
    assert client.get(path).status_code == 200


def test_call_and_application_pages_render_for_their_users(
    client, call, submitted, staff_user, company_user, manager
):
    application = submitted(call)
    for user in (staff_user, company_user, manager):
        client.force_login(user)
        assert client.get(f"/funding/calls/{call.pk}/").status_code == 200
        assert client.get(f"/funding/applications/{application.pk}/").status_code == 200
    client.force_login(manager)
    assert client.get(f"/funding/programmes/{call.programme_id}/").status_code == 200


def test_open_calls_are_funding_offerings_in_the_catalogue(call, funder):
    from django.core.management import call_command

    from schakel.catalog.models import Offering

    offering = Offering.objects.get(funding_call=call)
    assert (offering.kind, offering.provider, offering.budget_eur) == (
        "funding",
        funder,
        D("500000.00"),
    )
    assert offering.open_until == timezone.localtime(call.closes_at).date()
    assert offering.is_archived is False
    # when the call closes, the daily sync archives its offering
    with time_machine.travel(call.closes_at + dt.timedelta(days=1)):
        call_command("funding", "sync-offerings")
    offering.refresh_from_db()
    assert offering.is_archived is True


def test_a_refused_submission_on_the_new_form_keeps_one_draft(client, call, company_user):
    client.force_login(company_user)
    response = client.post(
        f"/funding/calls/{call.pk}/apply/",
        {"title": "Cobot", "budget_personnel": "100", "financing_own": "1", "action": "submit"},
    )
    application = Application.objects.get()
    assert f'action="/funding/applications/{application.pk}/edit/"' in response.content.decode()


def test_admin_pages_render_and_the_ledger_is_read_only(client, admin_user, call):
    client.force_login(admin_user)
    for path in ["programme", "call", "application", "ledgerentry", "deminimisaid"]:
        assert client.get(f"/admin/funding/{path}/").status_code == 200
    assert client.get(f"/admin/funding/call/{call.pk}/change/").status_code == 200
    assert client.get("/admin/funding/ledgerentry/add/").status_code == 403
