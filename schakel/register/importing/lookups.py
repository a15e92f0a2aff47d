"""Reference data loaded once per run into dicts, so rows are checked without queries."""

from __future__ import annotations

import functools
from collections import defaultdict

from django.utils import translation

from schakel.core.text import fold
from schakel.places.models import Municipality, NaceCode, PostalCode
from schakel.register.models import Contact, OrganisationType

# `fold` for values that repeat down a file (types, places, languages, first names).
fold_label = functools.lru_cache(maxsize=8192)(fold)

_LANGUAGE_NAMES = {
    "nl": ("nederlands", "vlaams", "dutch", "neerlandais", "nl be", "nl-be"),
    "fr": ("frans", "french", "francais", "fr be", "fr-be"),
    "en": ("engels", "english", "anglais"),
    "de": ("duits", "german", "allemand", "deutsch"),
}


def _labels_in_all_languages(choices) -> dict[str, str]:
    """{folded value or label in nl/en/fr: value}."""
    aliases = {}
    for value, label in choices:
        aliases[fold(value)] = value
        aliases[fold(value.replace("_", " "))] = value
        for language in ("en", "nl", "fr"):
            with translation.override(language):
                aliases[fold(str(label))] = value
    return aliases


# Common words staff use for a type that differ from our labels.
_TYPE_SYNONYMS = {
    "bedrijf": OrganisationType.COMPANY,
    "onderneming": OrganisationType.COMPANY,
    "entreprise": OrganisationType.COMPANY,
    "societe": OrganisationType.COMPANY,
    "firma": OrganisationType.COMPANY,
    "kenniscentrum": OrganisationType.KNOWLEDGE_CENTRE,
    "kennisinstelling": OrganisationType.KNOWLEDGE_CENTRE,
    "centre de connaissances": OrganisationType.KNOWLEDGE_CENTRE,
    "centre de recherche": OrganisationType.KNOWLEDGE_CENTRE,
    "universiteit": OrganisationType.UNIVERSITY,
    "hogeschool": OrganisationType.UNIVERSITY,
    "universite": OrganisationType.UNIVERSITY,
    "federatie": OrganisationType.FEDERATION,
    "sectorfederatie": OrganisationType.FEDERATION,
    "overheid": OrganisationType.PUBLIC_BODY,
    "andere": OrganisationType.OTHER,
    "autre": OrganisationType.OTHER,
}


class Lookups:
    """Municipalities (by NIS code, name, postal code), NACE codes, types and languages."""

    def __init__(self):
        municipalities = {m.pk: m for m in Municipality.objects.all()}
        self.municipalities = municipalities

        def current(muni):
            seen = set()
            while muni.merged_into_id and muni.pk not in seen:
                seen.add(muni.pk)
                muni = municipalities[muni.merged_into_id]
            return muni

        self.current_of = {pk: current(m) for pk, m in municipalities.items()}
        self.by_nis = {m.nis_code: self.current_of[m.pk] for m in municipalities.values()}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        for muni in municipalities.values():
            for name in (muni.name_nl, muni.name_fr, muni.name_en, muni.name_de):
                if name:
                    self.by_name[fold(name)].add(self.current_of[muni.pk].pk)
        self.by_postal_code: dict[str, set[int]] = defaultdict(set)
        for code, name, muni_id in PostalCode.objects.values_list(
            "code", "name", "municipality_id"
        ):
            target = self.current_of[muni_id].pk
            self.by_postal_code[code].add(target)
            self.by_name[fold(name)].add(target)
        self.nace = {n.code: n for n in NaceCode.objects.all()}
        self.nace_by_pk = {n.pk: n for n in self.nace.values()}
        self.types = _labels_in_all_languages(OrganisationType.choices)
        self.types.update({fold(k): v for k, v in _TYPE_SYNONYMS.items()})
        self.languages = _labels_in_all_languages(Contact.Language.choices)
        for code, names in _LANGUAGE_NAMES.items():
            for name in names:
                self.languages[fold(name)] = code

    def municipality(self, pk: int):
        return self.municipalities[pk]

    def municipalities_for(self, postal_code: str = "", name: str = "") -> set[int]:
        """Current municipalities matching a postal code and/or a name (intersection if both)."""
        by_code = self.by_postal_code.get(postal_code, set()) if postal_code else set()
        if not name:
            return set(by_code)
        by_name = self.by_name.get(fold_label(name), set())
        # An unknown name is unknown, whatever the postal code says.
        return (by_code & by_name) or set(by_name)

    def nace_nearest(self, code: str):
        """The code, or the nearest existing parent level (25620 -> 2562 -> 256 -> 25)."""
        code = code.replace(".", "").strip()
        while len(code) >= 2:
            if code in self.nace:
                return self.nace[code]
            code = code[:-1]
        return None
