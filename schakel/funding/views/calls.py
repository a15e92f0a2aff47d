"""Calls: the list (open calls for applicants, every call for staff) and the call page
with its budget position, criteria, applications and ranking."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from schakel.funding import services
from schakel.funding.eligibility import eligible_organisations, reasons_not_eligible
from schakel.funding.filters import CallFilter
from schakel.funding.models import Application, Call
from schakel.funding.views.common import get_call, is_manager


@login_required
def call_list(request):
    user = request.user
    qs = Call.objects.visible_to(user).select_related("programme").order_by("-opens_at", "id")
    params = request.GET.copy()
    if not user.is_agency and not params.get("status"):
        params["status"] = Call.Status.OPEN
    filterset = CallFilter(params, queryset=qs, request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    mine = Application.objects.visible_to(user).select_related("call").order_by("-created_at")
    if user.is_agency:
        mine = mine.filter(created_by=user)
    return render(
        request,
        "funding/call_list.html",
        {"filter": filterset, "page": page, "now": timezone.now(), "mine": mine[:10]},
    )


@login_required
def call_detail(request, pk):
    call = get_call(request, pk)
    user = request.user
    acting = getattr(request, "acting_company", None)
    applicant = (
        acting if user.is_company_user else (user.partner_organisation if user.is_partner else None)
    )
    context = {
        "call": call,
        "criteria": list(call.criteria.all()),
        "manager": is_manager(user, call.programme),
        "applicant": applicant,
        "reasons": reasons_not_eligible(applicant, call) if applicant else [],
        "own_applications": Application.objects.visible_to(user)
        .filter(call=call)
        .exclude(status=Application.Status.SUPERSEDED)
        .order_by("number", "version")
        if not user.is_agency
        else None,
    }
    if user.is_agency:
        context["ranking"] = services.ranking(call)
        context["drafts"] = call.applications.filter(status=Application.Status.DRAFT).count()
        context["prospects"] = (
            eligible_organisations(call)
            .filter(type="company")
            .exclude(funding_applications__call=call)
            .order_by("name")[:20]
        )
    return render(request, "funding/call_detail.html", context)
