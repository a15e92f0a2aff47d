"""Helpers shared by the funding views: the per-resource gates and small decorators."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from schakel.funding.models import Application, Call, EvaluatorAssignment, Programme


def agency_required(view):
    """Staff pages: 404 for everyone else (they do not learn the page exists)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_agency:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def get_application_for_user(request, pk, action="view") -> Application:
    """Out of reach gives 404; in reach for viewing but not for `action` gives 403."""
    from django.core.exceptions import PermissionDenied

    queryset = Application.objects.select_related(
        "call__programme__funder", "applicant", "created_by", "decided_by"
    )
    application = get_object_or_404(queryset.visible_to(request.user, "view"), pk=pk)
    if (
        action != "view"
        and not Application.objects.visible_to(request.user, action).filter(pk=pk).exists()
    ):
        raise PermissionDenied
    return application


def get_call(request, pk, action="view") -> Call:
    return get_object_or_404(
        Call.objects.visible_to(request.user, action).select_related("programme__funder"), pk=pk
    )


def get_programme(request, pk, action="view") -> Programme:
    return get_object_or_404(
        Programme.objects.visible_to(request.user, action).select_related("funder"), pk=pk
    )


def get_assignment_for_user(request, pk) -> EvaluatorAssignment:
    """An evaluator reaches only their own assignments."""
    return get_object_or_404(
        EvaluatorAssignment.objects.select_related(
            "application__call__programme", "application__applicant"
        ),
        pk=pk,
        evaluator=request.user,
    )


def is_manager(user, programme) -> bool:
    return Programme.objects.visible_to(user, "manage").filter(pk=programme.pk).exists()


def report_errors(request, exc) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


login_required = login_required
