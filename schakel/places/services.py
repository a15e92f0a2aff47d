"""Lookups on the reference data for the rest of the project, and the theme vocabulary actions.

municipality_for_postal_code("8500")   -> [<Kortrijk>]
resolve_municipality("Meulebeke")      -> <Tielt> (merged on 1 January 2025)
resolve_municipality("34022")          -> <Kortrijk>
nace_by_code("25.62") / ("25620") / ("2562001") -> the nearest existing NACE-BEL code
coordinates_by_nis()                   -> {"34022": (50.82, 3.27), ...}
"""

import re
import unicodedata
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from schakel.core import audit
from schakel.places.models import Municipality, NaceCode, PostalCode, Theme

NIS_CODE = re.compile(r"\d{5}")
NAME_FIELDS = ("name_nl", "name_fr", "name_de", "name_en")


def normalise_name(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name.

    "Sint-Martens-Latem", "sint martens latem" and "SINT-MARTENS-LATEM" are equal, as are
    "Liège" and "liege", "Mont-de-l’Enclus" and "Mont-de-l'Enclus".
    """
    text = re.sub(r"[’‘'`´]", " ", str(text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.casefold()).split())


def municipality_for_postal_code(code) -> list[Municipality]:
    """The current municipalities a postal code belongs to: one for almost every code, two
    where the street decides (1040, 1050, 1804). Empty for an unknown code."""
    code = str(code).strip()
    municipality_ids = PostalCode.objects.filter(code=code).values("municipality_id")
    municipalities = Municipality.objects.filter(pk__in=municipality_ids).select_related(
        "merged_into", "region"
    )
    found = {m.current.nis_code: m.current for m in municipalities}
    return sorted(found.values(), key=lambda m: m.name_nl)


@lru_cache(maxsize=1)
def _name_index() -> dict[str, frozenset[str]]:
    """Normalised name -> NIS codes of the *current* municipalities it may mean.

    Built once per process: the reference data only changes with a migration. A merged
    municipality's name points to the municipality it merged into.
    """
    index: dict[str, set[str]] = {}
    rows = Municipality.objects.values_list(
        "nis_code", "merged_into__nis_code", "merged_into__merged_into__nis_code", *NAME_FIELDS
    )
    for nis, merged_into, merged_twice, *names in rows:
        target = merged_twice or merged_into or nis
        for name in names:
            if name:
                index.setdefault(normalise_name(name), set()).add(target)
    return {name: frozenset(codes) for name, codes in index.items()}


def clear_caches() -> None:
    """Forget the name index (after the reference data changed, e.g. in tests)."""
    _name_index.cache_clear()


def resolve_municipality(text_or_nis) -> Municipality | None:
    """The current municipality meant by a REFNIS code or a name, or None.

    Accepts a 5-digit NIS code (an old code resolves to the municipality it merged into), or a
    Dutch, French, German or English name in any case, with or without accents; the name of a
    municipality that merged resolves to the current one ("Meulebeke" -> Tielt). None when
    nothing matches or when a name is ambiguous.
    """
    if text_or_nis is None:
        return None
    text = str(text_or_nis).strip()
    if not text:
        return None
    if NIS_CODE.fullmatch(text):
        municipality = (
            Municipality.objects.select_related("merged_into__merged_into", "region")
            .filter(nis_code=text)
            .first()
        )
        return municipality.current if municipality else None
    codes = _name_index().get(normalise_name(text), frozenset())
    if len(codes) != 1:
        return None
    return Municipality.objects.select_related("region").filter(nis_code=next(iter(codes))).first()


def nace_by_code(code) -> NaceCode | None:
    """A NACE-BEL code written any usual way, or its nearest existing ancestor.

    "25.62", "2562" and "25620" all work; "C" and "c" find the section; a code more detailed
    than the table (a KBO 7-digit code, or a subclass that does not exist) falls back to the
    longest existing prefix, down to the division. None when not even the division exists.
    """
    if code is None:
        return None
    text = re.sub(r"[\s.]", "", str(code)).upper()
    if not text:
        return None
    if re.fullmatch(r"[A-U]", text):
        return NaceCode.objects.filter(code=text).first()
    if not re.fullmatch(r"\d{2,7}", text):
        return None
    candidates = [text[:length] for length in range(min(len(text), 5), 1, -1)]
    found = {n.code: n for n in NaceCode.objects.filter(code__in=candidates)}
    return next((found[c] for c in candidates if c in found), None)


def coordinates_by_nis() -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of every municipality that has them, merged ones included,
    keyed by NIS code. The points approximate the municipality's centre (see data/build.py)."""
    return {
        nis: (latitude, longitude)
        for nis, latitude, longitude in Municipality.objects.filter(
            latitude__isnull=False, longitude__isnull=False
        ).values_list("nis_code", "latitude", "longitude")
    }


# The technology themes vocabulary ------------------------------------------------------------

THEME_FIELDS = (
    "code",
    "name_nl",
    "name_en",
    "name_fr",
    "description_nl",
    "description_en",
    "description_fr",
    "is_active",
)


def can_edit_themes(user) -> bool:
    """Agency staff and admins edit the vocabulary; everybody else only reads it."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_agency", False))


def _require_editor(user) -> None:
    if not can_edit_themes(user):
        raise PermissionDenied(_("Only agency staff may edit the technology themes."))


@transaction.atomic
def create_theme(data: dict, actor) -> Theme:
    """Add a theme; `data` holds validated values for THEME_FIELDS. Audited."""
    _require_editor(actor)
    theme = Theme(**{field: data[field] for field in THEME_FIELDS if field in data})
    theme.full_clean()
    theme.save()
    audit.record_create(theme, actor)
    return theme


@transaction.atomic
def update_theme(theme: Theme, data: dict, actor) -> Theme:
    """Change a theme (names, descriptions, code, active flag). Audited."""
    _require_editor(actor)
    before = audit.snapshot(theme)
    for field in THEME_FIELDS:
        if field in data:
            setattr(theme, field, data[field])
    theme.full_clean()
    theme.save()
    audit.record_update(theme, before, actor)
    return theme
