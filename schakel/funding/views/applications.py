"""Applications: list, draft, edit and submit (applicants and staff on their behalf), the
application page with its documents, versions and PDF, and the fund manager's actions:
assign evaluators, decide, book ledger entries and report indicators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.core import audit
from schakel.funding import ledger, pdf, services
from schakel.funding.filters import ApplicationFilter
from schakel.funding.forms import (
    ApplicationForm,
    AssignForm,
    DecisionForm,
    DocumentForm,
    IndicatorReportForm,
    LedgerForm,
)
from schakel.funding.ledger import LedgerError
from schakel.funding.models import (
    Application,
    ApplicationDocument,
    LedgerEntry,
)
from schakel.funding.views.common import (
    get_application_for_user,
    get_call,
    is_manager,
    report_errors,
)


@login_required
def application_list(request):
    qs = (
        Application.objects.visible_to(request.user)
        .select_related("call", "applicant")
        .order_by("-created_at", "-id")
    )
    filterset = ApplicationFilter(request.GET, queryset=qs, request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "statuses": Application.Status.choices}
    partial = request.htmx and not request.htmx.boosted
    return render(
        request,
        "funding/_application_rows.html" if partial else "funding/application_list.html",
        context,
    )


def _applicant_for(request, form):
    user = request.user
    if user.is_agency:
        return form.cleaned_data.get("applicant")
    if user.is_company_user:
        return request.acting_company or None
    if user.is_partner:
        return user.partner_organisation
    return None


def _save_and_maybe_submit(request, application, form):
    """Save the draft; with `submit` pressed, submit it too. Returns a response or None
    (then the form, with the submission errors on its fields, is shown again)."""
    services.save_content(application, form.content(), request.user)
    if request.POST.get("action") != "submit":
        messages.success(request, _("The draft is saved."))
        return redirect("funding:application_detail", application.pk)
    try:
        services.submit(application, request.user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            form.show_submission_errors(exc.message_dict)
        else:
            form.add_error(None, exc.messages[0])
        messages.warning(request, _("The draft is saved, but it cannot be submitted yet."))
        return None
    messages.success(request, _("The application is submitted."))
    return redirect("funding:application_detail", application.pk)


@login_required
def application_new(request, call_pk):
    call = get_call(request, call_pk)
    user = request.user
    if not (user.is_agency or user.is_company_user or user.is_partner):
        raise PermissionDenied
    if not call.is_open():
        messages.error(request, _("This call does not accept applications now."))
        return redirect("funding:call_detail", call.pk)
    form = ApplicationForm(request.POST or None, call=call, user=user)
    if request.method == "POST" and form.is_valid():
        applicant = _applicant_for(request, form)
        if applicant is None:
            form.add_error(None, _("Choose the company you act for first."))
        else:
            try:
                with transaction.atomic():
                    application = services.create_application(
                        call, applicant, user, form.cleaned_data["title"]
                    )
            except ValidationError as exc:
                report_errors(request, exc)
                return redirect("funding:call_detail", call.pk)
            response = _save_and_maybe_submit(request, application, form)
            if response is not None:
                return response
            return _edit_page(request, application, form)
    return render(request, "funding/application_form.html", {"form": form, "call": call})


def _edit_page(request, application, form):
    return render(
        request,
        "funding/application_form.html",
        {"form": form, "call": application.call, "application": application},
    )


@login_required
def application_edit(request, pk):
    application = get_application_for_user(request, pk, "edit")
    if not application.is_draft:
        messages.error(
            request, _("A submitted application is frozen; create a new version to change it.")
        )
        return redirect("funding:application_detail", application.pk)
    form = ApplicationForm(
        request.POST or None, call=application.call, user=request.user, application=application
    )
    if request.method == "POST" and form.is_valid():
        try:
            response = _save_and_maybe_submit(request, application, form)
        except ValidationError as exc:
            report_errors(request, exc)
            return redirect("funding:application_detail", application.pk)
        if response is not None:
            return response
    return _edit_page(request, application, form)


@login_required
def application_detail(request, pk):
    application = get_application_for_user(request, pk)
    user = request.user
    manager = is_manager(user, application.call.programme) and (
        Application.objects.visible_to(user, "manage").filter(pk=pk).exists()
    )
    may_edit = Application.objects.visible_to(user, "edit").filter(pk=pk).exists()
    context = {
        "application": application,
        "manager": manager,
        "may_edit": may_edit and application.is_draft,
        "may_new_version": may_edit
        and application.status == Application.Status.SUBMITTED
        and application.call.is_open()
        and not Application.objects.filter(previous=application).exists(),
        "may_withdraw": may_edit
        and application.status
        in (
            Application.Status.DRAFT,
            Application.Status.SUBMITTED,
            Application.Status.UNDER_EVALUATION,
        ),
        "budget_lines": application.budget_lines.all(),
        "financing_lines": application.financing_lines.all(),
        "partners": application.partners.select_related("organisation"),
        "documents": application.documents.all(),
        "indicators": application.indicators.select_related("indicator"),
        "submission_errors": services.submission_errors(application)
        if application.is_draft
        else {},
        "versions": _versions(application),
    }
    if user.is_agency:
        context["assignments"] = application.assignments.select_related(
            "evaluator"
        ).prefetch_related("scores__criterion")
        context["consolidated"] = services.consolidate(application)
        context["criteria"] = list(application.call.criteria.all())
        context["entries"] = application.ledger_entries.select_related(
            "created_by", "reverses"
        ).annotate(is_reversed=Exists(LedgerEntry.objects.filter(reverses=OuterRef("pk"))))
        context["history"] = audit.events_for(application)[:30]
    if application.is_draft:
        context["document_form"] = DocumentForm(
            required_documents=application.call.required_documents
        )
    if manager:
        context["assign_form"] = AssignForm(application=application)
        context["decision_form"] = DecisionForm(initial={"amount_eur": application.requested_eur})
        context["ledger_form"] = LedgerForm(application=application)
        context["indicator_form"] = IndicatorReportForm(project_indicators=context["indicators"])
        context["remaining_eur"] = application.call.remaining_eur
    return render(request, "funding/application_detail.html", context)


def _versions(application):
    root = application
    while root.previous_id:
        root = root.previous
    chain = [root]
    while True:
        following = Application.objects.filter(previous=chain[-1]).first()
        if following is None:
            break
        chain.append(following)
    return chain if len(chain) > 1 else []


@login_required
@require_POST
def application_submit(request, pk):
    application = get_application_for_user(request, pk, "edit")
    try:
        services.submit(application, request.user)
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The application is submitted."))
    return redirect("funding:application_detail", application.pk)


@login_required
@require_POST
def application_new_version(request, pk):
    application = get_application_for_user(request, pk, "edit")
    try:
        copy = services.new_version(application, request.user)
    except ValidationError as exc:
        report_errors(request, exc)
        return redirect("funding:application_detail", application.pk)
    messages.success(request, _("A new draft version is ready; submit it to replace the old one."))
    return redirect("funding:application_edit", copy.pk)


@login_required
@require_POST
def application_withdraw(request, pk):
    application = get_application_for_user(request, pk, "edit")
    try:
        services.withdraw(application, request.user)
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect("funding:application_detail", application.pk)


@login_required
def application_pdf(request, pk):
    application = get_application_for_user(request, pk)
    content = pdf.application_summary(application)
    response = HttpResponse(content, content_type="application/pdf")
    name = slugify(application.reference) or "application"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
@require_POST
def document_upload(request, pk):
    application = get_application_for_user(request, pk, "edit")
    form = DocumentForm(
        request.POST, request.FILES, required_documents=application.call.required_documents
    )
    if form.is_valid():
        try:
            services.add_document(
                application, form.cleaned_data["name"], form.cleaned_data["file"], request.user
            )
        except ValidationError as exc:
            report_errors(request, exc)
        else:
            messages.success(request, _("The document is attached."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
    return redirect("funding:application_detail", application.pk)


@login_required
def document_download(request, pk, document_pk):
    application = get_application_for_user(request, pk)
    document = get_object_or_404(ApplicationDocument, pk=document_pk, application=application)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


# --- fund manager actions ---------------------------------------------------------------


@login_required
@require_POST
def assign(request, pk):
    application = get_application_for_user(request, pk, "manage")
    form = AssignForm(request.POST, application=application)
    if form.is_valid():
        try:
            services.assign_evaluator(application, form.cleaned_data["evaluator"], request.user)
        except ValidationError as exc:
            report_errors(request, exc)
        else:
            messages.success(request, _("The evaluator is assigned."))
    else:
        messages.error(request, _("Choose an evaluator."))
    return redirect("funding:application_detail", application.pk)


@login_required
@require_POST
def decide(request, pk):
    application = get_application_for_user(request, pk, "manage")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("funding:application_detail", application.pk)
    try:
        services.decide(
            application,
            form.cleaned_data["decision"],
            request.user,
            amount=form.cleaned_data.get("amount_eur"),
            motivation=form.cleaned_data.get("motivation", ""),
        )
    except (services.NotDecidable, LedgerError, ValidationError) as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The decision is recorded and the applicant notified."))
    return redirect("funding:application_detail", application.pk)


@login_required
@require_POST
def ledger_entry(request, pk):
    application = get_application_for_user(request, pk, "manage")
    form = LedgerForm(request.POST, request.FILES, application=application)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("funding:application_detail", application.pk)
    data = form.cleaned_data
    kind, amount, note = data["kind"], data["amount_eur"], data.get("note", "")
    try:
        if kind == LedgerEntry.Kind.AMENDMENT:
            ledger.amend(application, amount, request.user, note=note)
        elif kind == LedgerEntry.Kind.DECOMMITMENT:
            ledger.decommit(application, amount, request.user, note=note)
        elif kind == LedgerEntry.Kind.CLAIM:
            ledger.claim(application, amount, request.user, data["proof"], note=note)
        else:
            services.record_payment(application, amount, request.user, data.get("claim"), note)
    except LedgerError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The ledger entry is booked."))
    return redirect("funding:application_detail", application.pk)


@login_required
@require_POST
def ledger_reverse(request, pk, entry_pk):
    application = get_application_for_user(request, pk, "manage")
    entry = get_object_or_404(LedgerEntry, pk=entry_pk, application=application)
    try:
        ledger.reverse(entry, request.user, note=request.POST.get("note", "")[:500])
    except LedgerError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The entry is reversed."))
    return redirect("funding:application_detail", application.pk)


@login_required
def proof_download(request, pk, entry_pk):
    application = get_application_for_user(request, pk)
    if not request.user.is_agency:
        raise Http404
    entry = get_object_or_404(LedgerEntry, pk=entry_pk, application=application)
    if not entry.proof:
        raise Http404
    return FileResponse(
        entry.proof.open("rb"), as_attachment=True, filename=entry.proof.name.rsplit("/", 1)[-1]
    )


@login_required
@require_POST
def indicators(request, pk):
    application = get_application_for_user(request, pk, "manage")
    rows = application.indicators.select_related("indicator")
    form = IndicatorReportForm(request.POST, project_indicators=rows)
    if form.is_valid():
        with transaction.atomic():
            for pi, name in form.rows:
                if form.cleaned_data[name] != pi.realised:
                    services.report_indicator(pi, form.cleaned_data[name], request.user)
        messages.success(request, _("The indicators are updated."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("funding:application_detail", application.pk)
