"""Reference data and helpers shared by the import and KBO tests (no tests here).

The rows are created with get_or_create, so the tests work with or without the
places data migration that loads every Belgian municipality and NACE code.
"""

import pytest
from django.utils import translation

from schakel.places.models import Municipality, NaceCode, PostalCode

# (NIS code, Dutch name, French name, province, [(postal code, place)])
MUNICIPALITIES = [
    ("31005", "Brugge", "Bruges", "30000", [("8000", "Brugge"), ("8200", "Sint-Andries")]),
    ("33011", "Ieper", "Ypres", "30000", [("8900", "Ieper")]),
    ("34022", "Kortrijk", "Courtrai", "30000", [("8500", "Kortrijk"), ("8501", "Heule")]),
    ("36015", "Roeselare", "Roulers", "30000", [("8800", "Roeselare")]),
    ("57027", "Estaimpuis", "Estaimpuis", "50000", [("7730", "Estaimpuis")]),
    ("21004", "Brussel", "Bruxelles", "04000", [("1000", "Brussel")]),
]
NACE = [
    ("C", 1, None, "Industrie"),
    ("25", 2, "C", "Vervaardiging van producten van metaal"),
    ("256", 3, "25", "Oppervlaktebehandeling"),
    ("2562", 4, "256", "Mechanische bewerking"),
    ("25620", 5, "2562", "Algemene mechanische bewerking van metalen"),
    ("10", 2, "C", "Vervaardiging van voedingsmiddelen"),
    ("107", 3, "10", "Brood en deegwaren"),
    ("1071", 4, "107", "Brood en vers banketbakkerswerk"),
    ("10711", 5, "1071", "Industriële vervaardiging van brood en van vers banketbakkerswerk"),
    ("J", 1, None, "Informatie en communicatie"),
    ("62", 2, "J", "Informaticadiensten"),
    ("620", 3, "62", "Informaticadiensten"),
    ("6201", 4, "620", "Ontwerpen en programmeren van computerprogramma's"),
    ("62010", 5, "6201", "Ontwerpen en programmeren van computerprogramma's"),
]


def ensure_municipality(nis, name_nl, name_fr="", province="30000", merged_into=None):
    """The municipality with this NIS code (or current one with this name), created if missing."""
    muni = Municipality.objects.filter(nis_code=nis).first()
    if muni is None and merged_into is None:
        muni = Municipality.objects.filter(name_nl=name_nl, merged_into__isnull=True).first()
    if muni is None:
        muni = Municipality.objects.create(
            nis_code=nis, name_nl=name_nl, name_fr=name_fr, province_nis=province
        )
    if merged_into is not None and muni.merged_into_id is None:
        muni.merged_into = merged_into
        muni.save(update_fields=["merged_into"])
    return muni


def ensure_postal_code(code, name, municipality):
    postal = PostalCode.objects.filter(code=code, name__iexact=name).first()
    if postal is None:
        postal = PostalCode.objects.create(code=code, name=name, municipality=municipality)
    return postal


@pytest.fixture
def places(db):
    """Municipalities and postal codes (with the 2025 merger Meulebeke > Tielt), NACE codes."""
    found = {}
    for nis, name_nl, name_fr, province, codes in MUNICIPALITIES:
        muni = ensure_municipality(nis, name_nl, name_fr, province)
        found[name_nl] = muni
        for code, place in codes:
            ensure_postal_code(code, place, muni)
    tielt = ensure_municipality("37022", "Tielt")
    ensure_postal_code("8700", "Tielt", tielt)
    meulebeke = ensure_municipality("37007", "Meulebeke", merged_into=tielt)
    ensure_postal_code("8760", "Meulebeke", meulebeke)
    found["Tielt"] = tielt.current
    found["Meulebeke"] = meulebeke
    for code, level, parent, name in NACE:
        NaceCode.objects.get_or_create(
            code=code,
            defaults={
                "level": level,
                "parent": NaceCode.objects.get(code=parent) if parent else None,
                "name_nl": name,
            },
        )
    return found


@pytest.fixture(autouse=False)
def english():
    """Messages in English (the source language), whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield
