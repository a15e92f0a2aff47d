"""The matching API: ask a question; list the companies that fit an offering (staff)."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from schakel.catalog.models import Offering
from schakel.matching import reverse as reverse_matching
from schakel.matching import services
from schakel.matching.api.serializers import (
    CompanyFitSerializer,
    MatchErrorSerializer,
    MatchRequestSerializer,
    MatchResponseSerializer,
)
from schakel.matching.engine import QueryError
from schakel.matching.reasons_i18n import query_error_text


def _error(detail, code, field, http_status=status.HTTP_400_BAD_REQUEST):
    return Response({"detail": detail, "code": code, "field": field}, status=http_status)


class MatchView(APIView):
    """Offerings that fit a question, best first, each with its reasons in the request's
    language. `context` describes the company (municipality_nis, size, stage, clusters,
    as_of), as in the catalogue spec's match queries."""

    @extend_schema(
        summary="Match a question to catalogue offerings",
        request=MatchRequestSerializer,
        responses={200: MatchResponseSerializer, 400: MatchErrorSerializer},
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else None
        if data is None:
            return _error(_("Send a JSON object with a text."), "invalid_body", None)
        text = data.get("text")
        context = data.get("context")
        top = data.get("top", 10)
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 100:
            return _error(_("top must be a whole number from 1 to 100."), "invalid_top", "top")
        try:
            answer = services.match(text, context, top=top)
        except QueryError as error:
            return _error(query_error_text(error), error.code, error.field)
        return Response(
            {
                "results": [
                    {
                        "offering": r.external_id,
                        "score": r.score,
                        "reasons": r.reasons,
                        "reason_codes": r.reason_codes,
                        "title": r.title,
                        "kind": r.kind,
                        "url": request.build_absolute_uri(r.url),
                    }
                    for r in answer.results
                ],
                "mode": answer.mode,
                "warnings": answer.warnings,
            }
        )


class OfferingCompaniesView(APIView):
    """Companies in the register that fit an offering (staff): clusters, activity, text,
    audience and, for places, distance. Paginated; each row with its reasons."""

    @extend_schema(
        summary="Companies that fit an offering (staff)",
        parameters=[
            OpenApiParameter("page", int, description="Page number (50 rows per page)."),
        ],
        responses={
            200: inline_serializer(
                "CompanyFitPage",
                {
                    "count": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "pages": serializers.IntegerField(),
                    "results": CompanyFitSerializer(many=True),
                },
            ),
            404: OpenApiResponse(description="No such offering."),
        },
    )
    def get(self, request, external_id):
        if not request.user.is_agency:
            raise PermissionDenied(_("Only agency staff may do this."))
        offering = get_object_or_404(
            Offering.objects.select_related("provider__municipality", "municipality"),
            external_id=external_id,
        )
        ranking = reverse_matching.companies_for_offering(offering)
        paginator = Paginator(range(len(ranking)), 50)
        page = paginator.get_page(request.query_params.get("page"))
        fits = ranking.rows(page.start_index() - 1 if len(ranking) else 0, page.end_index())
        results = []
        for fit in fits:
            org = fit.organisation
            results.append(
                {
                    "organisation": fit.organisation_id,
                    "name": org.name if org else "",
                    "enterprise_number": org.enterprise_number if org else None,
                    "municipality": org.municipality.label if org and org.municipality else None,
                    "score": fit.score,
                    "reasons": fit.reasons,
                    "url": request.build_absolute_uri(
                        reverse("register:organisation_detail", args=[fit.organisation_id])
                    ),
                }
            )
        return Response(
            {
                "count": len(ranking),
                "page": page.number,
                "pages": paginator.num_pages,
                "results": results,
            }
        )
