"""Engine documents: a plain dataclass per offering, and a builder from the open catalogue format.

The Django adapter fills :class:`Document` from models; the bench and tests use
:func:`documents_from_catalog` on a parsed ``schakel.catalog/v1`` JSON dict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = (
    "expertise",
    "test_facility",
    "equipment",
    "workspace",
    "terminal",
    "funding",
    "programme",
    "training",
    "event",
)
# Kinds that are a place a company goes to: distance matters for them.
PLACE_KINDS = frozenset({"test_facility", "equipment", "workspace", "terminal"})
SIZES = ("micro", "small", "medium", "large")
STAGES = ("idea", "starter", "grower", "established")
CLUSTERS = (
    "blue_energy",
    "new_materials",
    "machine_building_mechatronics",
    "food",
    "care_economy",
)
DOMAINS = ("entrepreneurship", "factories_of_the_future", "transport_logistics", "labour_market")

Text = dict[str, str]  # {"nl": ..., "en": ..., "fr": ...}


@dataclass
class Document:
    """One offering as the engine sees it. Only ``id``, ``kind`` and some text are required."""

    id: str
    kind: str
    title: Text
    description: Text = field(default_factory=dict)
    provider_id: str = ""
    provider_name: str = ""
    provider_type: str = ""
    domains: list[str] = field(default_factory=list)
    clusters: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    municipality_nis: str | None = None
    audience_stages: list[str] = field(default_factory=list)  # empty = open to all
    audience_sizes: list[str] = field(default_factory=list)  # empty = open to all
    open_from: dt.date | None = None
    open_until: dt.date | None = None
    budget_eur: float | None = None

    def languages(self) -> list[str]:
        """Languages present in title or description, in a stable order."""
        langs = set(self.title) | set(self.description)
        return [lg for lg in ("nl", "en", "fr") if lg in langs] + sorted(
            lg for lg in langs if lg not in ("nl", "en", "fr")
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-safe dict (dates as ISO strings) for persistence."""
        out = asdict(self)
        out["open_from"] = self.open_from.isoformat() if self.open_from else None
        out["open_until"] = self.open_until.isoformat() if self.open_until else None
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Document:
        """Inverse of :meth:`to_json`."""
        values = dict(data)
        for key in ("open_from", "open_until"):
            values[key] = dt.date.fromisoformat(values[key]) if values.get(key) else None
        return cls(**values)

    def content_hash(self) -> str:
        """Hash of everything that affects indexing (to skip unchanged upserts)."""
        blob = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def _text(value: Any) -> Text:
    """A catalogue text object; a plain string is read as Dutch (spec)."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"nl": value} if value.strip() else {}
    return {str(k): str(v) for k, v in dict(value).items() if isinstance(v, str) and v.strip()}


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(str(value))


def document_from_offering(
    offering: Mapping[str, Any], organisations: Mapping[str, Mapping[str, Any]] | None = None
) -> Document:
    """Build a :class:`Document` from one catalogue offering (and its provider record)."""
    provider = (organisations or {}).get(offering.get("provider", ""), {})
    audience = offering.get("audience") or {}
    open_period = offering.get("open") or {}
    budget = offering.get("budget_eur")
    return Document(
        id=str(offering["id"]),
        kind=str(offering["kind"]),
        title=_text(offering.get("title")),
        description=_text(offering.get("description")),
        provider_id=str(offering.get("provider", "")),
        provider_name=str(provider.get("name", "")),
        provider_type=str(provider.get("type", "")),
        domains=list(offering.get("domains") or []),
        clusters=list(offering.get("clusters") or []),
        themes=[str(t) for t in offering.get("themes") or []],
        municipality_nis=offering.get("municipality_nis") or provider.get("municipality_nis"),
        audience_stages=list(audience.get("stages") or []),
        audience_sizes=list(audience.get("sizes") or []),
        open_from=_date(open_period.get("from")),
        open_until=_date(open_period.get("until")),
        budget_eur=float(budget) if budget is not None else None,
    )


def documents_from_catalog(catalog: Mapping[str, Any]) -> list[Document]:
    """All offerings of a parsed ``schakel.catalog/v1`` dict as documents.

    An offering without its own municipality falls back to its provider's seat: a test
    facility of a knowledge centre is, unless told otherwise, where the centre is.
    """
    fmt = catalog.get("format")
    if fmt not in (None, "schakel.catalog/v1"):
        raise ValueError(f"unknown catalogue format {fmt!r}")
    organisations = {o["id"]: o for o in catalog.get("organisations", [])}
    return [document_from_offering(o, organisations) for o in catalog.get("offerings", [])]
