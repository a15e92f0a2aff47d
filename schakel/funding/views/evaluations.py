"""The evaluator's screens: their assignments, the declaration on conflicts of interest
(before the file is shown) and the scoring form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from schakel.funding import services
from schakel.funding.forms import DeclarationForm, ScoreForm
from schakel.funding.models import EvaluatorAssignment
from schakel.funding.views.common import get_assignment_for_user


@login_required
def my_evaluations(request):
    if not services.may_evaluate(request.user):
        raise Http404
    assignments = (
        EvaluatorAssignment.objects.filter(evaluator=request.user)
        .select_related("application__call", "application__applicant")
        .order_by("submitted_at", "-assigned_at")
    )
    return render(request, "funding/my_evaluations.html", {"assignments": assignments})


@login_required
def evaluation(request, pk):
    assignment = get_assignment_for_user(request, pk)
    application = assignment.application
    if assignment.declared_at is None:
        form = DeclarationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.declare(
                    assignment,
                    request.user,
                    form.cleaned_data["has_conflict"],
                    form.cleaned_data.get("note", ""),
                )
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            return redirect("funding:evaluation", assignment.pk)
        return render(
            request,
            "funding/evaluation_declare.html",
            {
                "assignment": assignment,
                "application": application,
                "partners": application.partners.select_related("organisation"),
                "form": form,
            },
        )
    if assignment.has_conflict:
        return render(
            request, "funding/evaluation_conflict.html", {"assignment": assignment}, status=403
        )
    criteria = list(application.call.criteria.all())
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    form = ScoreForm(request.POST or None, criteria=criteria, scores=existing)
    if request.method == "POST" and not assignment.submitted_at and form.is_valid():
        final = request.POST.get("action") == "submit"
        try:
            services.save_scores(assignment, request.user, form.scores(), final=final)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.message_dict.items():
                    name = key.replace("criterion_", "score_")
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                _("Your scores are submitted.") if final else _("Your scores are saved."),
            )
            return redirect("funding:evaluation", assignment.pk)
    return render(
        request,
        "funding/evaluation_score.html",
        {
            "assignment": assignment,
            "application": application,
            "form": form,
            "budget_lines": application.budget_lines.all(),
            "financing_lines": application.financing_lines.all(),
            "partners": application.partners.select_related("organisation"),
            "documents": application.documents.all(),
        },
    )
