"""Matching for the rest of the platform: ask a question, get explained offerings.

    answer = match("cobot testen", context_for_organisation(company), top=10)
    for rec in answer.results: rec.title, rec.url, rec.reasons  # reasons in the active language
    recommend_for_text(text, {"organisation": ..., "cluster": ...}, top=5)  # the support triage
    record_feedback(user, offering, text, context, useful=True, rank=1, score=0.8)
    feedback_stats(offering)

Views, the API, the CLI and other apps call these; the index lifecycle is in `index.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse

from schakel.catalog.models import Offering
from schakel.matching import index
from schakel.matching.engine import Query, QueryError, make_query
from schakel.matching.models import MatchFeedback
from schakel.matching.reasons_i18n import query_error_text, reason_texts

__all__ = [
    "Answer",
    "QueryError",
    "Recommendation",
    "context_for_organisation",
    "feedback_stats",
    "match",
    "answer_batch",
    "engine_mode",
    "recommend_for_text",
    "record_feedback",
]


@dataclass
class Recommendation:
    """One recommended offering, ready for a page, the API or the CLI."""

    offering: Offering
    rank: int
    score: float
    reasons: list[str]
    reason_codes: list[dict]
    signals: dict[str, float] = field(default_factory=dict)

    @property
    def external_id(self) -> str:
        return self.offering.external_id

    @property
    def title(self) -> str:
        return self.offering.title

    @property
    def kind(self) -> str:
        return self.offering.kind

    @property
    def kind_label(self) -> str:
        return self.offering.get_kind_display()

    @property
    def url(self) -> str:
        return reverse("catalog:public_detail", args=[self.offering.external_id])

    def __str__(self) -> str:
        return self.title


@dataclass
class Answer:
    results: list[Recommendation]
    mode: str
    warnings: list[str]
    context: dict

    @property
    def lexical(self) -> bool:
        return self.mode != "hybrid"


def context_for_organisation(organisation) -> dict:
    """The engine context of a company: municipality, size, stage and clusters."""
    if organisation is None:
        return {}
    context: dict[str, Any] = {}
    if organisation.municipality_id:
        context["municipality_nis"] = organisation.municipality.nis_code
    if organisation.size_class:
        context["size"] = organisation.size_class
    if organisation.stage:
        context["stage"] = organisation.stage
    clusters = sorted(organisation.clusters.values_list("code", flat=True))
    if clusters:
        context["clusters"] = clusters
    return context


def validate(text: Any, context: Mapping[str, Any] | None = None) -> Query:
    """Check a question before any index work (raises :class:`QueryError`)."""
    return make_query(text, context)


def _recommendations(engine, response) -> list[Recommendation]:
    ids = [r.offering for r in response.results]
    offerings = {
        o.external_id: o
        for o in Offering.objects.filter(external_id__in=ids, is_archived=False).select_related(
            "provider", "municipality"
        )
    }
    out = []
    for result in response.results:
        offering = offerings.get(result.offering)
        if offering is None:  # archived or deleted since the index last synced
            continue
        out.append(
            Recommendation(
                offering=offering,
                rank=len(out) + 1,
                score=result.score,
                reasons=reason_texts(result.reasons, engine.documents.get(result.offering)),
                reason_codes=[dict(r) for r in result.reasons],
                signals=dict(result.signals),
            )
        )
    return out


def _warnings(engine, response) -> list[str]:
    from django.utils.translation import gettext as _

    if engine.dense_available:
        return []
    return [
        _("Semantic matching is unavailable (%(reason)s): results use word matching only.")
        % {"reason": engine.dense_reason or _("no encoder")}
    ]


def match(text: Any, context: Mapping[str, Any] | None = None, top: int = 10) -> Answer:
    """Rank offerings for a question (raises :class:`QueryError` for a bad question)."""
    query = validate(text, context)
    top = max(1, min(int(top), 100))
    with index.engine_for_use() as engine:
        response = engine.search(query, limit=top)
        return Answer(
            results=_recommendations(engine, response),
            mode=response.mode,
            warnings=_warnings(engine, response),
            context=dict(context or {}),
        )


def answer_batch(lines: Iterable[str], top: int = 10) -> Iterator[dict]:
    """Answer JSON Lines queries in order, with the engine loaded once and queries embedded in
    batches: ``{"id", "results": [{"offering", "score", "reasons"}]}`` per line, or
    ``{"id", "error", "code", "field"}`` for a line that cannot be used."""
    from schakel.matching.engine.batch import CHUNK, parse_line

    with index.engine_for_use() as engine:
        pending: list[tuple[Any, Query | QueryError]] = []

        def flush() -> Iterator[dict]:
            queries = [q for _, q in pending if isinstance(q, Query)]
            responses = iter(engine.search_many(queries, limit=top))
            for qid, query in pending:
                if isinstance(query, QueryError):
                    yield {
                        "id": qid,
                        "error": query_error_text(query),
                        "code": query.code,
                        "field": query.field,
                    }
                    continue
                response = next(responses)
                yield {
                    "id": qid,
                    "results": [
                        {
                            "offering": r.offering,
                            "score": r.score,
                            "reasons": reason_texts(r.reasons, engine.documents.get(r.offering)),
                        }
                        for r in response.results
                    ],
                }
            pending.clear()

        for line in lines:
            if not line.strip():
                continue
            pending.append(parse_line(line))
            if len(pending) >= CHUNK:
                yield from flush()
        yield from flush()


def engine_mode() -> tuple[str, list[str]]:
    """("hybrid" | "lexical", warnings) of this process's engine."""
    with index.engine_for_use() as engine:
        return engine.mode, _warnings(engine, None)


def recommend_for_text(text: str, context: Mapping[str, Any] | None = None, top: int = 5):
    """Recommendations for a support question (the triage page calls this).

    ``context`` as the support app passes it: ``organisation`` (its municipality, size, stage
    and clusters are used), ``cluster`` (added to the clusters), ``themes`` (their names join
    the question text), ``domain``, ``region`` and ``language`` (reasons in that language).
    """
    from django.utils import translation

    context = dict(context or {})
    engine_context = context_for_organisation(context.get("organisation"))
    cluster = context.get("cluster")
    if cluster is not None:
        code = getattr(cluster, "code", cluster)
        engine_context["clusters"] = sorted(set(engine_context.get("clusters", [])) | {code})
    themes = [getattr(t, "label", None) or str(t) for t in context.get("themes") or []]
    question = (text or "").strip()
    if themes and question:
        question = f"{question}\n{', '.join(themes)}"
    if not question:
        return []
    language = context.get("language") or translation.get_language()
    with translation.override(language):
        return match(question[:5000], engine_context, top=top).results


@transaction.atomic
def record_feedback(
    user,
    offering: Offering,
    query_text: str,
    context: Mapping[str, Any] | None,
    useful: bool,
    rank: int,
    score: float,
    organisation=None,
) -> MatchFeedback:
    """Store a staff member's verdict on one recommendation."""
    if not getattr(user, "is_agency", False):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    feedback = MatchFeedback(
        query_text=query_text,
        context=dict(context or {}),
        offering=offering,
        organisation=organisation,
        useful=useful,
        user=user,
        rank=rank,
        score=score,
    )
    feedback.full_clean()
    feedback.save()
    return feedback


def feedback_stats(offering: Offering) -> dict:
    """Useful / not useful counts for an offering, and what its referrals led to."""
    counts = MatchFeedback.objects.filter(offering=offering).aggregate(
        n_useful=Count("id", filter=Q(useful=True)),
        n_not_useful=Count("id", filter=Q(useful=False)),
    )
    stats = {"useful": counts["n_useful"], "not_useful": counts["n_not_useful"], "referrals": None}
    from django.apps import apps

    if apps.is_installed("schakel.support"):
        Referral = apps.get_model("support", "Referral")
        if any(f.name == "offering" for f in Referral._meta.get_fields()):
            from schakel.support.models import RESULT_OUTCOMES

            referral_counts = Referral.objects.filter(offering=offering).aggregate(
                total=Count("id"), results=Count("id", filter=Q(outcome__in=RESULT_OUTCOMES))
            )
            stats["referrals"] = referral_counts
    return stats
