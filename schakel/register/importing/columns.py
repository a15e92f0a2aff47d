"""The columns an import file may have, and the header names (nl/en/fr) that mean each one.

Headers are compared folded (lowercase, no accents, punctuation as spaces), so
"E-mail", "e_mail" and "EMAIL" all mean the same column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schakel.core.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    headers: tuple[str, ...]
    help: Promise
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "enterprise_number",
        _("enterprise number"),
        (
            "Ondernemingsnummer",
            "KBO-nummer",
            "BTW-nummer",
            "Enterprise number",
            "VAT number",
            "Numéro d'entreprise",
            "Numéro BCE",
            "Numéro de TVA",
            "KBO",
            "BCE",
        ),
        _("0123.456.749 or BE0123456749. A known number updates that organisation."),
    ),
    Column(
        "name",
        _("name"),
        (
            "Naam",
            "Bedrijfsnaam",
            "Organisatie",
            "Name",
            "Company name",
            "Organisation",
            "Nom",
            "Raison sociale",
            "Dénomination",
        ),
        _("Required. Stored as plain text."),
        required=True,
    ),
    Column(
        "type",
        _("type"),
        ("Type", "Soort", "Organisatietype", "Organisation type", "Type d'organisation"),
        _(
            "A type in Dutch, English or French (e.g. bedrijf, company, entreprise). "
            "Empty: the type chosen on this page."
        ),
    ),
    Column(
        "legal_form",
        _("legal form"),
        ("Rechtsvorm", "Legal form", "Forme juridique"),
        _("Free text, e.g. BV or NV."),
    ),
    Column(
        "street",
        _("street and number"),
        (
            "Straat",
            "Adres",
            "Straat en nummer",
            "Street",
            "Address",
            "Street and number",
            "Rue",
            "Adresse",
        ),
        _("Street and house number."),
    ),
    Column(
        "house_number",
        _("house number"),
        ("Huisnummer", "Nr", "House number", "Numéro"),
        _("Optional; added after the street."),
    ),
    Column(
        "postal_code",
        _("postal code"),
        ("Postcode", "Postal code", "Zip", "Zip code", "Code postal", "CP"),
        _("Four digits. Alone it is enough when it belongs to one municipality."),
    ),
    Column(
        "municipality",
        _("municipality"),
        (
            "Gemeente",
            "Plaats",
            "Stad",
            "NIS-code",
            "Municipality",
            "City",
            "Town",
            "Commune",
            "Localité",
            "Ville",
        ),
        _(
            "A name (also of a merged municipality or a borough) or a five-digit NIS code; "
            "it must exist."
        ),
    ),
    Column(
        "nace",
        _("NACE-BEL codes"),
        (
            "NACE",
            "NACE-code",
            "NACE-codes",
            "NACE-BEL",
            "Activiteit",
            "Activity",
            "Code NACE",
            "Activité",
        ),
        _(
            "One or more codes (25.620 or 25620), separated by commas or spaces; "
            "the first is the main activity. Each must exist."
        ),
    ),
    Column(
        "employees",
        _("employees (FTE)"),
        (
            "Werknemers",
            "Aantal werknemers",
            "VTE",
            "Personeel",
            "Employees",
            "FTE",
            "Staff",
            "Headcount",
            "Employés",
            "Travailleurs",
            "Nombre d'employés",
        ),
        _("A number, Belgian style allowed (1.234 or 12,5); rounded to a whole number."),
    ),
    Column(
        "turnover_eur",
        _("annual turnover (EUR)"),
        ("Omzet", "Turnover", "Chiffre d'affaires"),
        _("An amount in euro, Belgian style allowed (1.234.567,89)."),
    ),
    Column(
        "website",
        _("website"),
        ("Website", "Webstek", "Site", "Site web", "URL", "Web"),
        _("An address; https:// is added when missing."),
    ),
    Column(
        "email",
        _("general e-mail"),
        ("E-mail", "Email", "Mail", "E-mailadres", "Courriel", "Adresse e-mail"),
        _("A valid e-mail address."),
    ),
    Column(
        "phone",
        _("general phone"),
        ("Telefoon", "Tel", "Telefoonnummer", "Phone", "Telephone", "Téléphone"),
        _("Free text, up to 40 characters."),
    ),
    Column(
        "description",
        _("description"),
        ("Omschrijving", "Beschrijving", "Description"),
        _("Free text."),
    ),
    Column(
        "contact_first_name",
        _("contact first name"),
        (
            "Contact voornaam",
            "Voornaam contact",
            "Voornaam",
            "Contact first name",
            "First name",
            "Contact prénom",
            "Prénom",
        ),
        _("With the contact's last name: adds or updates that person."),
    ),
    Column(
        "contact_last_name",
        _("contact last name"),
        (
            "Contact naam",
            "Contact achternaam",
            "Achternaam",
            "Familienaam",
            "Contact last name",
            "Last name",
            "Surname",
            "Contact nom",
            "Nom de famille",
        ),
        _("Required when any contact column is filled."),
    ),
    Column(
        "contact_email",
        _("contact e-mail"),
        (
            "Contact e-mail",
            "Contact email",
            "Contact mail",
            "E-mail contact",
            "Contact courriel",
            "Courriel contact",
        ),
        _("A valid e-mail address; a known address updates that contact."),
    ),
    Column(
        "contact_phone",
        _("contact phone"),
        (
            "Contact telefoon",
            "Contact tel",
            "GSM",
            "Contact phone",
            "Contact telephone",
            "Contact téléphone",
            "Téléphone contact",
        ),
        _("Free text, up to 40 characters."),
    ),
    Column(
        "contact_job_title",
        _("contact role"),
        (
            "Contact functie",
            "Functie",
            "Contact role",
            "Contact job title",
            "Job title",
            "Contact fonction",
            "Fonction",
        ),
        _("Free text."),
    ),
    Column(
        "contact_language",
        _("contact language"),
        ("Contact taal", "Taal", "Contact language", "Language", "Contact langue", "Langue"),
        _("nl, fr, en or de, or the language's name (Nederlands, French, allemand …)."),
    ),
)

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
CONTACT_KEYS = tuple(c.key for c in COLUMNS if c.key.startswith("contact_"))

_PUNCTUATION = re.compile(r"[\s\-_.:/'’*()#]+")


def fold_header(text: str) -> str:
    """'Numéro d'entreprise' -> 'numero d entreprise'; 'E-mail' -> 'e mail'."""
    return _PUNCTUATION.sub(" ", fold(str(text or ""))).strip()


HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    HEADER_ALIASES[fold_header(_column.key)] = _column.key
    for _header in _column.headers:
        HEADER_ALIASES[fold_header(_header)] = _column.key
        # "E-mail" and "Email" alike: also accept the header without spaces.
        HEADER_ALIASES[fold_header(_header).replace(" ", "")] = _column.key


def match_header(text: str) -> str | None:
    folded = fold_header(text)
    return HEADER_ALIASES.get(folded) or HEADER_ALIASES.get(folded.replace(" ", ""))
