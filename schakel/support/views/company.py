"""Company screens: the acting company's questions, referrals and messages."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.support import services
from schakel.support.forms import ReplyForm
from schakel.support.models import Question, Referral
from schakel.support.views.common import (
    get_question_for_user,
)
from schakel.support.workflow import WorkflowError


def company_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_company_user:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@company_required
def my_list(request):
    company = request.acting_company
    qs = Question.objects.visible_to(request.user).none()
    if company:
        qs = Question.objects.visible_to(request.user).filter(organisation_id=company.pk)
    page = Paginator(qs.order_by("-received_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "support/my_list.html", {"page": page, "company": company})


def _detail(request, question, reply_form=None):
    return render(
        request,
        "support/my_detail.html",
        {
            "question": question,
            "messages_list": question.messages.select_related("author"),
            "attachments": question.attachments.filter(is_internal=False),
            "referrals": question.referrals.select_related("partner"),
            "events": question.events.filter(is_internal=False).select_related("actor"),
            "reply_form": reply_form or ReplyForm(),
        },
    )


@company_required
def my_detail(request, pk):
    return _detail(request, get_question_for_user(request, pk))


@company_required
@require_POST
def my_reply(request, pk):
    """Add information (and a file). A refusal shows the page again with the text kept and
    the error next to its field; nothing is stored unless everything is."""
    question = get_question_for_user(request, pk, "reply")
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            with transaction.atomic():
                if upload:
                    services.add_attachment(question, upload, request.user)
                services.company_reply(question, form.cleaned_data["body"], request.user)
        except ValidationError as exc:
            form.add_error("file" if upload else None, exc.messages)
        else:
            messages.success(request, _("Thank you. Your account manager has been told."))
            return redirect("support:my_detail", question.pk)
    return _detail(request, question, form)


@company_required
@require_POST
def my_consent(request, pk, referral_pk):
    question = get_question_for_user(request, pk, "reply")
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user, "consent"), pk=referral_pk, question=question
    )
    try:
        services.record_consent(referral, request.user, Referral.ConsentChannel.PORTAL)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Thank you. %(partner)s can now see what you agreed to share.")
            % {"partner": referral.partner.name},
        )
    return redirect("support:my_detail", question.pk)
