"""Helpers shared by the support views: the per-resource gates and error handling."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from schakel.support.models import Attachment, Question, Referral

logger = logging.getLogger(__name__)


def get_question_for_user(request, pk, action="view") -> Question:
    """Out of the user's reach gives 404, so nobody learns which cases exist."""
    return get_object_or_404(
        Question.objects.visible_to(request.user, action).select_related(
            "organisation", "owner", "domain", "cluster", "region", "contact"
        ),
        pk=pk,
    )


def get_referral_for_user(request, pk, action="view") -> Referral:
    return get_object_or_404(
        Referral.objects.visible_to(request.user, action).select_related(
            "question", "question__organisation", "partner"
        ),
        pk=pk,
    )


def attachments_visible_to(user):
    """Staff: all; company users: non-internal files of their questions; partners: the
    files shared with them in a referral they can see."""
    qs = Attachment.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_agency:
        return qs
    if user.is_company_user:
        return qs.filter(question__in=Question.objects.visible_to(user), is_internal=False)
    if user.is_partner:
        return qs.filter(referrals__in=Referral.objects.visible_to(user)).distinct()
    return qs.none()


def report_validation_error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def report_form_errors(request, form) -> None:
    """Each error of a form posted from a page section, named after its field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def recommendations_for(question, top=5):
    """Recommendations from the matching engine, or None when it is not available."""
    try:
        from schakel.matching.services import recommend_for_text
    except ImportError:
        return None
    context = {
        "organisation": question.organisation,
        "domain": question.domain,
        "cluster": question.cluster,
        "region": question.region,
        "themes": list(question.themes.all()),
        "language": question.language,
    }
    try:
        return list(recommend_for_text(question.text, context, top=top))
    except Exception:  # the case page must work when the engine fails
        logger.exception("recommendations failed for question %s", question.pk)
        return None
