"""Structured reasons attached to each result, and their default English rendering.

A reason is a plain dict ``{"code": ..., **params}`` so it serialises to JSON as is and the
Django layer can translate it by code. Codes:

=========================  =====================================================
``matched_terms``          ``terms``: words of the question found in the offering
``thesaurus``              ``concepts``: related vocabulary that matched (labels)
``semantic``               similar in meaning (dense embedding), no params
``cluster_fit``            ``clusters``: the company's clusters the offering serves
``audience_excludes_size``  ``size``: the offering is not meant for this size
``audience_excludes_stage`` ``stage``: the offering is not meant for this stage
``open_until``             ``date``: open, closes on this day
``opens_on``               ``date``: not open yet, opens on this day
``near``                   ``km``: distance from the company's municipality
=========================  =====================================================
"""

from __future__ import annotations

from typing import Any

Reason = dict[str, Any]

_CLUSTER_NAMES = {
    "blue_energy": "blue energy",
    "new_materials": "new materials",
    "machine_building_mechatronics": "machine building and mechatronics",
    "food": "food",
    "care_economy": "care economy",
}


def render_reason(reason: Reason) -> str:
    """Default English sentence for a reason (CLI, bench, batch output)."""
    code = reason.get("code")
    if code == "matched_terms":
        return "matches: " + ", ".join(reason.get("terms", []))
    if code == "thesaurus":
        return "related to: " + ", ".join(reason.get("concepts", []))
    if code == "semantic":
        return "similar in meaning to your question"
    if code == "cluster_fit":
        names = [_CLUSTER_NAMES.get(c, c) for c in reason.get("clusters", [])]
        return "fits your cluster: " + ", ".join(names)
    if code == "audience_excludes_size":
        return f"not aimed at {reason.get('size')} companies (ranked lower)"
    if code == "audience_excludes_stage":
        return f"not aimed at companies in the {reason.get('stage')} stage (ranked lower)"
    if code == "open_until":
        return f"open until {reason.get('date')}"
    if code == "opens_on":
        return f"opens on {reason.get('date')}"
    if code == "near":
        return f"about {reason.get('km')} km from you"
    return str(code)
