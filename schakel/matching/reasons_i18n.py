"""The engine's structured reasons (and query errors) in the active language.

The engine speaks in codes (``{"code": "cluster_fit", "clusters": ["food"]}``); these
functions turn them into plain words for the screens, the API and the CLI, through gettext:
"past bij uw cluster Voeding", "op 12 km", "open tot 31 maart 2027". Dates follow the active
language's Belgian format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from schakel.catalog.models import CLUSTER_LABELS
from schakel.register.models import SizeClass, Stage

_LANG_INDEX = {"nl": 0, "en": 1, "fr": 2}


def cluster_label(code: str) -> str:
    labels = CLUSTER_LABELS.get(code)
    if not labels:
        return code
    return labels[_LANG_INDEX.get((get_language() or "nl")[:2], 0)]


def size_label(code: str) -> str:
    return str(dict(SizeClass.choices).get(code, code))


def stage_label(code: str) -> str:
    return str(dict(Stage.choices).get(code, code))


def format_day(value: str | dt.date) -> str:
    """A day as Belgians write it in the active language: "31 maart 2027"."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return date_format(day, "j F Y")


def _words(items: Sequence[str]) -> str:
    return get_text_list([str(i) for i in items], _("and"))


def reason_text(reason: Mapping[str, Any], document=None) -> str:
    """One reason as a sentence in the active language. ``document`` (the engine document of
    the offering) lets audience reasons say whom the offering IS for."""
    code = reason.get("code")
    if code == "matched_terms":
        return _("matches your words: %(terms)s") % {"terms": ", ".join(reason.get("terms", []))}
    if code == "thesaurus":
        return _("related to: %(concepts)s") % {"concepts": ", ".join(reason.get("concepts", []))}
    if code == "semantic":
        return _("similar in meaning to your question")
    if code == "cluster_fit":
        clusters = [cluster_label(c) for c in reason.get("clusters", [])]
        return ngettext(
            "fits your cluster %(clusters)s", "fits your clusters %(clusters)s", len(clusters)
        ) % {"clusters": _words(clusters)}
    if code == "audience_excludes_size":
        allowed = list(getattr(document, "audience_sizes", []) or [])
        if allowed:
            return _("only for %(sizes)s companies (ranked lower)") % {
                "sizes": _words([size_label(s) for s in allowed])
            }
        return _("not aimed at %(size)s companies (ranked lower)") % {
            "size": size_label(reason.get("size", ""))
        }
    if code == "audience_excludes_stage":
        allowed = list(getattr(document, "audience_stages", []) or [])
        if allowed:
            return _("only for companies in the %(stages)s stage (ranked lower)") % {
                "stages": _words([stage_label(s) for s in allowed])
            }
        return _("not aimed at companies in the %(stage)s stage (ranked lower)") % {
            "stage": stage_label(reason.get("stage", ""))
        }
    if code == "open_until":
        return _("open until %(date)s") % {"date": format_day(reason["date"])}
    if code == "opens_on":
        return _("opens on %(date)s") % {"date": format_day(reason["date"])}
    if code == "near":
        return _("%(km)s km away") % {"km": reason.get("km")}
    return str(code)


def reason_texts(reasons: Sequence[Mapping[str, Any]], document=None) -> list[str]:
    return [reason_text(r, document) for r in reasons]


def query_error_text(error) -> str:
    """A :class:`QueryError` in the active language, naming the field at fault."""
    from schakel.matching.engine import MAX_QUERY_CHARS

    code = getattr(error, "code", "")
    if code == "empty_text":
        return _("The question is empty: describe what the company is looking for.")
    if code == "text_too_long":
        return _(
            "The question is too long: at most %(max)s characters, and this one has %(count)s."
        ) % {"max": MAX_QUERY_CHARS, "count": _count_from(error)}
    if code == "invalid_text":
        return _("The question must be text.")
    if code == "invalid_context":
        return _("The context must be a JSON object.")
    if code == "invalid_municipality_nis":
        return _("context.municipality_nis must be a 5-digit REFNIS code.")
    if code == "invalid_clusters":
        return _("context.clusters holds an unknown cluster; use %(codes)s.") % {
            "codes": ", ".join(CLUSTER_LABELS)
        }
    if code == "invalid_size":
        return _("context.size is unknown; use %(codes)s.") % {"codes": ", ".join(SizeClass.values)}
    if code == "invalid_stage":
        return _("context.stage is unknown; use %(codes)s.") % {"codes": ", ".join(Stage.values)}
    if code == "invalid_as_of":
        return _("context.as_of must be a date written YYYY-MM-DD.")
    if code == "invalid_json":
        return _("The line is not valid JSON.")
    if code == "invalid_line":
        return _("The line must be a JSON object.")
    return getattr(error, "message", str(error))


def _count_from(error) -> str:
    message = getattr(error, "message", "")
    digits = message.split(" characters")[0].rsplit(" ", 1)[-1]
    return digits if digits.isdigit() else "?"
