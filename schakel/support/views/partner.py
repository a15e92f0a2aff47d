"""Partner screens: only the referrals to the user's organisation, only what was shared."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.support import services
from schakel.support.forms import OutcomeForm, RespondForm
from schakel.support.models import Referral
from schakel.support.views.common import (
    get_referral_for_user,
    report_form_errors,
    report_validation_error,
)
from schakel.support.workflow import WorkflowError


def partner_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_partner:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@partner_required
def partner_inbox(request):
    qs = Referral.objects.visible_to(request.user).select_related("question__organisation")
    state = request.GET.get("state", "")
    if state in Referral.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    states = [(v, label) for v, label in Referral.State.choices if v != "awaiting_consent"]
    return render(
        request,
        "support/partner_inbox.html",
        {"page": page, "state": state, "states": states},
    )


@partner_required
def partner_detail(request, pk):
    referral = get_referral_for_user(request, pk)
    return render(
        request,
        "support/partner_detail.html",
        {
            "referral": referral,
            "question": referral.question,
            "attachments": referral.shared_attachments.all(),
            "respond_form": RespondForm(),
            "outcome_form": OutcomeForm(),
        },
    )


def _referral_action(view):
    @partner_required
    @require_POST
    @wraps(view)
    def wrapper(request, pk):
        referral = get_referral_for_user(request, pk)
        try:
            view(request, referral)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            report_validation_error(request, exc)
        return redirect("support:partner_detail", referral.pk)

    return wrapper


@_referral_action
def partner_respond(request, referral):
    form = RespondForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return
    accept = form.cleaned_data["decision"] == "accept"
    services.respond_to_referral(referral, request.user, accept, form.cleaned_data["reason"])
    messages.success(request, _("Thank you, your answer was recorded."))


@_referral_action
def partner_outcome(request, referral):
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return
    data = form.cleaned_data
    services.report_outcome(
        referral, request.user, data["outcome"], data["outcome_on"], data["note"]
    )
    messages.success(request, _("Thank you, the outcome was recorded."))
