"""Staff screens: the inbox, logging a question, the case page and its actions."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.support import services
from schakel.support.filters import QuestionFilter, owner_choices
from schakel.support.forms import (
    AttachmentForm,
    ConsentForm,
    MessageForm,
    NoteForm,
    ReferralForm,
    StaffQuestionForm,
    TaskForm,
    TransitionForm,
    TriageForm,
)
from schakel.support.models import Question, Referral, Task
from schakel.support.views.common import (
    attachments_visible_to,
    get_question_for_user,
    recommendations_for,
    report_form_errors,
    report_validation_error,
)
from schakel.support.workflow import WorkflowError, allowed_targets


def agency_required(view):
    """Staff pages: 404 for everyone else (they do not learn the page exists)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_agency:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@agency_required
def inbox(request):
    qs = Question.objects.select_related("organisation", "owner", "domain", "cluster", "region")
    params = request.GET.copy()
    if not params:
        # The inbox opens on the open cases.
        params.setlist(
            "state", ["new", "triaged", "in_progress", "referred", "waiting_for_company"]
        )
    filterset = QuestionFilter(params, queryset=qs, request=request)
    page = Paginator(filterset.qs.order_by("-received_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [(question, question.sla_status(today)) for question in page]
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "owners": owner_choices(),
        "selected_owner": params.get("owner", ""),
    }
    partial = request.htmx and not request.htmx.boosted
    return render(request, "support/_inbox_rows.html" if partial else "support/inbox.html", context)


@agency_required
def staff_new(request):
    """Log a question taken by phone, at a visit or by e-mail."""
    form = StaffQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        received_at = None
        if data.get("received_on") and data["received_on"] != timezone.localdate():
            received_at = timezone.make_aware(dt.datetime.combine(data["received_on"], dt.time(9)))
        try:
            with transaction.atomic():
                organisation, _created = services.find_or_create_organisation(
                    data["enterprise_number"], data["company_name"], request.user
                )
                question = services.submit_question(
                    organisation=organisation,
                    asker=services.Asker(
                        data["first_name"],
                        data["last_name"],
                        data["email"],
                        data["phone"],
                        data["language"],
                    ),
                    text=data["text"],
                    channel=data["channel"],
                    actor=request.user,
                    company_name_given=data["company_name"],
                    domain=data["domain"],
                    cluster=data["cluster"],
                    themes=data["themes"],
                    received_at=received_at,
                )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("Question %(reference)s logged.") % {"reference": question.reference}
            )
            return redirect("support:case_detail", question.pk)
    return render(request, "support/staff_new.html", {"form": form})


def _case_context(request, question, **forms):
    today = timezone.localdate()
    triage_form = TriageForm(
        initial={
            "version": question.version,
            "owner": question.owner_id or question.proposed_owner_id,
            "domain": question.domain_id,
            "cluster": question.cluster_id,
            "region": question.region_id,
            "themes": list(question.themes.values_list("pk", flat=True)),
        },
        auto_id="triage_%s",
    )
    transition_form = TransitionForm(initial={"version": question.version}, auto_id="move_%s")
    targets = allowed_targets(question.state)
    transition_form.fields["to"].choices = [
        (value, label) for value, label in transition_form.fields["to"].choices if value in targets
    ]
    context = {
        "question": question,
        "sla": question.sla_status(today),
        "triage_form": triage_form,
        "transition_form": transition_form,
        "note_form": NoteForm(auto_id="note_%s"),
        "task_form": TaskForm(auto_id="task_%s"),
        "attachment_form": AttachmentForm(auto_id="file_%s"),
        "message_form": MessageForm(auto_id="message_%s"),
        "referral_form": ReferralForm(question=question, auto_id="refer_%s"),
        "events": question.events.select_related("actor"),
        "notes": question.notes.select_related("author"),
        "tasks": question.tasks.select_related("assignee"),
        "attachments": question.attachments.all(),
        "messages_list": question.messages.select_related("author"),
        "referrals": question.referrals.select_related("partner", "offering"),
        "emails": question.emails.all()[:50],
        "recommendations": recommendations_for(question),
        "consent_choices": ConsentForm.base_fields["consent_channel"].choices,
    }
    context.update(forms)
    return context


@agency_required
def case_detail(request, pk):
    question = get_question_for_user(request, pk)
    return render(request, "support/case_detail.html", _case_context(request, question))


def _case_action(view):
    """POST-only case actions: gate the case, turn refusals into messages, go back."""

    @agency_required
    @require_POST
    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        question = get_question_for_user(request, pk, "change")
        try:
            response = view(request, question, *args, **kwargs)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            report_validation_error(request, exc)
        except PermissionDenied:
            raise
        else:
            if response is not None:
                return response
        return redirect("support:case_detail", question.pk)

    return wrapper


def _form_errors(request, form):
    report_form_errors(request, form)


@_case_action
def case_triage(request, question):
    form = TriageForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    data = form.cleaned_data
    services.triage(
        question,
        request.user,
        data["version"],
        owner=data["owner"],
        domain=data["domain"],
        cluster=data["cluster"],
        region=data["region"],
        themes=data["themes"],
    )
    messages.success(request, _("Case saved."))
    return None


@_case_action
def case_transition(request, question):
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    data = form.cleaned_data
    services.transition(
        question,
        data["to"],
        request.user,
        data["version"],
        closure_reason=data["closure_reason"],
        comment=data["comment"],
    )
    messages.success(
        request, _("The case is now %(state)s.") % {"state": question.get_state_display()}
    )
    return None


@_case_action
def case_note(request, question):
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    services.add_note(question, form.cleaned_data["body"], request.user)
    return None


@_case_action
def case_task(request, question):
    form = TaskForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    data = form.cleaned_data
    services.add_task(question, data["title"], data["due_on"], request.user, data["assignee"])
    return None


@_case_action
def task_done(request, question, task_pk):
    task = get_object_or_404(Task, pk=task_pk, question=question)
    services.complete_task(task, request.user)
    return


@_case_action
def case_attachment(request, question):
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_errors(request, form)
    services.add_attachment(
        question, form.cleaned_data["file"], request.user, form.cleaned_data["is_internal"]
    )
    return None


@_case_action
def case_message(request, question):
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    services.send_message(question, form.cleaned_data["body"], request.user)
    messages.success(request, _("Message queued for sending."))
    return None


@_case_action
def case_refer(request, question):
    form = ReferralForm(request.POST, question=question)
    if not form.is_valid():
        return _form_errors(request, form)
    data = form.cleaned_data
    services.refer(
        question,
        data["partner"],
        request.user,
        data["message"],
        share_question=data["share_question"],
        share_contact=data["share_contact"],
        attachments=list(data.get("attachments") or []),
        offering=data["offering"],
        consent_channel=data["consent_channel"],
    )
    messages.success(request, _("Referred to %(partner)s.") % {"partner": data["partner"].name})
    return None


@_case_action
def referral_consent(request, question, referral_pk):
    referral = get_object_or_404(Referral, pk=referral_pk, question=question)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    services.record_consent(referral, request.user, form.cleaned_data["consent_channel"])
    messages.success(request, _("Consent recorded; the partner can now see the referral."))
    return None


@login_required
def attachment_download(request, pk):
    """Every attachment goes through here: the same visibility as its case or referral."""
    attachment = get_object_or_404(attachments_visible_to(request.user), pk=pk)
    try:
        handle = open(attachment.path, "rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
