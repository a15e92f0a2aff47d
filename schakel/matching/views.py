"""The matching pages: ask a question for a company; companies that fit an offering."""

from __future__ import annotations

import csv
import json
import tempfile

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.catalog.models import Offering, OfferingKind
from schakel.core.validators import neutralize_formula
from schakel.matching import reverse as reverse_matching
from schakel.matching import services
from schakel.matching.engine import QueryError
from schakel.matching.forms import FeedbackForm, MatchForm
from schakel.matching.reasons_i18n import cluster_label, query_error_text, size_label, stage_label
from schakel.register.models import Organisation

EXPORT_LIMIT = 5000


def _may_match(user) -> bool:
    return user.is_agency or user.is_company_user


def _staff_only(user) -> None:
    if not user.is_agency:
        raise PermissionDenied


def _grouped(results):
    """Results grouped by kind, in the catalogue's order of kinds; best first inside."""
    groups = []
    for kind, label in OfferingKind.choices:
        items = [r for r in results if r.kind == kind]
        if items:
            groups.append({"kind": kind, "label": label, "items": items})
    return groups


def _with_resources(results) -> None:
    """Load the facility resources behind the results in a few queries, not a few per result:
    the list shows the next free slot of a machine, room or facility
    (`facilities/templatetags`, reached through the offering's reverse relations)."""
    if not results or not apps.is_installed("schakel.facilities"):
        return
    prefetch_related_objects(
        [r.offering for r in results],
        "facility_resource__facility",
        "facility_resource__opening_hours",
        "facility__resources__opening_hours",
    )


def _context_labels(company, context: dict) -> list[str]:
    labels = []
    if company is not None and company.municipality_id:
        labels.append(company.municipality.label)
    if context.get("size"):
        labels.append(size_label(context["size"]))
    if context.get("stage"):
        labels.append(stage_label(context["stage"]))
    labels += [cluster_label(c) for c in context.get("clusters", [])]
    return labels


@login_required
@require_http_methods(["GET", "POST"])
def match_page(request):
    """Staff and company users ask; results come grouped by kind, each with its reasons."""
    if not _may_match(request.user):
        raise PermissionDenied
    acting = getattr(request, "acting_company", None)
    initial = {}
    if request.user.is_company_user and acting:
        initial["company"] = acting.pk
    form = MatchForm(request.POST or None, user=request.user, initial=initial)
    page = {"form": form, "answer": None, "error": None, "chosen_companies": []}
    if form.is_bound and str(form.data.get("company", "")).isdigit():
        chosen = form.fields["company"].queryset.filter(pk=form.data["company"]).first()
        page["chosen_companies"] = [chosen] if chosen else []
    if request.method == "POST" and form.is_valid():
        company = form.cleaned_data["company"]
        context = services.context_for_organisation(company)
        try:
            answer = services.match(form.cleaned_data["text"], context, top=20)
        except QueryError as error:
            page["error"] = query_error_text(error)
        else:
            _with_resources(answer.results)
            page.update(
                answer=answer,
                groups=_grouped(answer.results),
                company=company,
                context=context,
                context_labels=_context_labels(company, context),
                query_text=form.cleaned_data["text"],
                context_json=json.dumps(context),
            )
    elif request.method == "GET" and initial.get("company"):
        page["company"] = acting
    if request.method == "POST" and request.htmx and not request.htmx.boosted:
        return render(request, "matching/_results.html", page)
    return render(request, "matching/match.html", page)


@login_required
@require_GET
def company_lookup(request):
    """Companies whose name matches `q`, as radio buttons for the company picker (staff)."""
    _staff_only(request.user)
    text = request.GET.get("company_search", request.GET.get("q", "")).strip()
    results = []
    if len(text) >= 2:
        results = list(
            Organisation.objects.visible_to(request.user)
            .companies()
            .search(text)
            .select_related("municipality")
            .order_by("name", "id")[:10]
        )
    return render(request, "matching/_company_choices.html", {"results": results, "q": text})


@login_required
@require_POST
def feedback(request):
    """Staff say whether a recommendation was useful; stored with the question."""
    _staff_only(request.user)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("The feedback could not be saved."), status=400)
    data = form.cleaned_data
    services.record_feedback(
        request.user,
        data["offering"],
        data["query_text"],
        data["context"] or {},
        data["useful"],
        data["rank"],
        data["score"],
        organisation=data["company"],
    )
    return render(request, "matching/_feedback_done.html", {"useful": data["useful"]})


def _ranking_for(request, external_id):
    _staff_only(request.user)
    offering = get_object_or_404(
        Offering.objects.select_related("provider__municipality", "municipality"),
        external_id=external_id,
    )
    return offering, reverse_matching.companies_for_offering(offering)


@login_required
@require_GET
def offering_companies(request, external_id):
    """The companies that fit an offering, best first, for outreach (staff)."""
    offering, ranking = _ranking_for(request, external_id)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _export(offering, ranking, export)
    if export:
        raise Http404
    paginator = Paginator(range(len(ranking)), 25)
    page = paginator.get_page(request.GET.get("page"))
    fits = ranking.rows(page.start_index() - 1, page.end_index()) if len(ranking) else []
    for offset, fit in enumerate(fits):
        fit.rank = page.start_index() + offset
    return render(
        request,
        "matching/offering_companies.html",
        {"offering": offering, "fits": fits, "page_obj": page, "count": len(ranking)},
    )


def _export_rows(ranking):
    yield [
        _("Rank"),
        _("Company"),
        _("Enterprise number"),
        _("Municipality"),
        _("Size"),
        _("Stage"),
        _("Score"),
        _("Why"),
    ]
    for rank, fit in enumerate(ranking.rows(0, EXPORT_LIMIT), start=1):
        org = fit.organisation
        if org is None:
            continue
        yield [
            rank,
            neutralize_formula(org.name),
            org.enterprise_number_display,
            neutralize_formula(org.municipality.label if org.municipality else ""),
            str(org.get_size_class_display()),
            str(org.get_stage_display()),
            fit.score,
            neutralize_formula("; ".join(fit.reasons)),
        ]


def _export(offering, ranking, kind):
    stamp = timezone.localdate().isoformat()
    filename = f"companies-{offering.external_id}-{stamp}.{kind}"
    if kind == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
        for row in _export_rows(ranking):
            writer.writerow(row)
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Companies")[:31])
    for row in _export_rows(ranking):
        sheet.append(row)
    buffer = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
