"""Who may apply to a call: organisation type, size, stage, clusters and region.

`reasons_not_eligible(organisation, call)` lists every rule the organisation fails, as
translated sentences (empty means eligible); `eligible_organisations(call)` is the same
rule as a query, for reverse matching (which companies to approach about a call).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from schakel.funding.models import Call
from schakel.register.models import Organisation, OrganisationType, SizeClass, Stage


def _labels(choices, values) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(v, v)) for v in values)


def reasons_not_eligible(organisation: Organisation, call: Call) -> list[str]:
    reasons = []
    if organisation.status == Organisation.Status.CEASED:
        reasons.append(_("The organisation has ceased its activities."))
    if call.eligible_types and organisation.type not in call.eligible_types:
        reasons.append(
            _("The call is open to %(types)s only.")
            % {"types": _labels(OrganisationType.choices, call.eligible_types)}
        )
    if call.eligible_sizes:
        if not organisation.size_class:
            reasons.append(
                _("The size of the company is not known; the call is open to %(sizes)s only.")
                % {"sizes": _labels(SizeClass.choices, call.eligible_sizes)}
            )
        elif organisation.size_class not in call.eligible_sizes:
            reasons.append(
                _("The call is open to %(sizes)s enterprises only.")
                % {"sizes": _labels(SizeClass.choices, call.eligible_sizes)}
            )
    if call.eligible_stages and organisation.stage not in call.eligible_stages:
        reasons.append(
            _("The call is open to companies in these stages only: %(stages)s.")
            % {"stages": _labels(Stage.choices, call.eligible_stages)}
        )
    clusters = list(call.eligible_clusters.all())
    if clusters:
        mine = set(organisation.clusters.values_list("pk", flat=True))
        if not mine & {c.pk for c in clusters}:
            reasons.append(
                _("The call is open to companies in these clusters only: %(clusters)s.")
                % {"clusters": ", ".join(str(c) for c in clusters)}
            )
    regions = list(call.eligible_regions.all())
    if regions:
        region_id = organisation.municipality.region_id if organisation.municipality_id else None
        if region_id not in {r.pk for r in regions}:
            reasons.append(
                _("The call is open to organisations located in: %(regions)s.")
                % {"regions": ", ".join(str(r) for r in regions)}
            )
    return reasons


def is_eligible(organisation: Organisation, call: Call) -> bool:
    return not reasons_not_eligible(organisation, call)


def eligible_organisations(call: Call):
    """The organisations that may apply (the same rules as above, as one query)."""
    qs = Organisation.objects.exclude(status=Organisation.Status.CEASED)
    if call.eligible_types:
        qs = qs.filter(type__in=call.eligible_types)
    if call.eligible_sizes:
        qs = qs.filter(size_class__in=call.eligible_sizes)
    if call.eligible_stages:
        qs = qs.filter(stage__in=call.eligible_stages)
    clusters = list(call.eligible_clusters.values_list("pk", flat=True))
    if clusters:
        qs = qs.filter(clusters__in=clusters)
    regions = list(call.eligible_regions.values_list("pk", flat=True))
    if regions:
        qs = qs.filter(municipality__region__in=regions)
    return qs.distinct()
