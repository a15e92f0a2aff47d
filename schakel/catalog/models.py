"""The catalogue: what companies can use (expertise, facilities, funding, …) and who offers it.

Offerings are read and written in the open catalogue format (`schakel.catalog/v1`,
see `format.py`); their texts live in fixed per-language columns (nl, en, fr) and are
read through `title` / `description`, which follow the active language.
"""

import datetime as dt

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schakel.core.models import TimeStampedModel
from schakel.core.text import fold
from schakel.register.models import SizeClass, Stage

LANGUAGES = ("nl", "en", "fr")

# The open format's id rule: `[a-z0-9][a-z0-9._-]*`, at most 80 characters.
EXTERNAL_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*\Z"
EXTERNAL_ID_MAX_LENGTH = 80
validate_external_id = RegexValidator(
    EXTERNAL_ID_PATTERN,
    _(
        "Use lowercase letters, digits, dots, dashes and underscores, "
        "starting with a letter or digit."
    ),
    code="invalid_external_id",
)

# The format's fixed vocabularies, with labels for when the places data has no row yet.
DOMAIN_LABELS = {
    "entrepreneurship": ("Ondernemerschap", "Entrepreneurship", "Entrepreneuriat"),
    "factories_of_the_future": (
        "Fabrieken voor de Toekomst",
        "Factories of the Future",
        "Usines du futur",
    ),
    "transport_logistics": (
        "Transport en logistiek",
        "Transport and logistics",
        "Transport et logistique",
    ),
    "labour_market": ("Arbeidsmarkt", "Labour market", "Marché du travail"),
}
CLUSTER_LABELS = {
    "blue_energy": ("Blue energy", "Blue energy", "Énergie bleue"),
    "new_materials": ("Nieuwe materialen", "New materials", "Nouveaux matériaux"),
    "machine_building_mechatronics": (
        "Machinebouw en mechatronica",
        "Machine building and mechatronics",
        "Construction de machines et mécatronique",
    ),
    "food": ("Voeding", "Food", "Alimentation"),
    "care_economy": ("Zorgeconomie", "Care economy", "Économie des soins"),
}
DOMAIN_CODES = tuple(DOMAIN_LABELS)
CLUSTER_CODES = tuple(CLUSTER_LABELS)
STAGE_CODES = ("idea", "starter", "grower", "established")
SIZE_CODES = ("micro", "small", "medium", "large")


def in_active_language(obj, prefix: str) -> str:
    """`<prefix>_<lang>` for the active language, else Dutch, English, French in that order."""
    lang = (get_language() or "nl")[:2]
    order = [lang] + [code for code in LANGUAGES if code != lang]
    for code in order:
        value = getattr(obj, f"{prefix}_{code}", "")
        if value:
            return value
    return ""


class OfferingKind(models.TextChoices):
    EXPERTISE = "expertise", _("expertise")
    TEST_FACILITY = "test_facility", _("test facility")
    EQUIPMENT = "equipment", _("equipment")
    WORKSPACE = "workspace", _("workspace")
    TERMINAL = "terminal", _("terminal service")
    FUNDING = "funding", _("funding")
    PROGRAMME = "programme", _("programme")
    TRAINING = "training", _("training")
    EVENT = "event", _("event")


class OfferingQuerySet(models.QuerySet):
    def open_on(self, day: dt.date):
        """Not archived, and `day` lies within [open_from, open_until] (a missing side is open)."""
        return self.filter(
            models.Q(open_from__isnull=True) | models.Q(open_from__lte=day),
            models.Q(open_until__isnull=True) | models.Q(open_until__gte=day),
            is_archived=False,
        )

    def closed_on(self, day: dt.date):
        """Not archived, but not (or no longer) open on `day`."""
        return self.filter(is_archived=False).filter(
            models.Q(open_from__gt=day) | models.Q(open_until__lt=day)
        )

    def public(self):
        """What anybody may see: every offering that is not archived."""
        return self.filter(is_archived=False)

    def visible_to(self, user, action: str = "view"):
        """The one gate for offerings.

        Everybody (also anonymous visitors) may view offerings that are not archived;
        agency staff see and change all of them; a partner user may also see and change
        the offerings of their own organisation. Only staff create offerings.
        """
        authenticated = getattr(user, "is_authenticated", False) and user.is_active
        if authenticated and user.is_agency:
            return self
        if action == "view":
            if authenticated and user.is_partner and user.partner_organisation_id:
                return self.filter(
                    models.Q(is_archived=False) | models.Q(provider=user.partner_organisation_id)
                )
            return self.public()
        if action in ("change", "archive") and authenticated and user.is_partner:
            return self.filter(provider=user.partner_organisation_id)
        return self.none()

    def search(self, text: str):
        """Every word must occur in the folded titles, descriptions, themes or provider name."""
        qs = self
        for word in fold(text).split():
            qs = qs.filter(search_text__contains=word)
        return qs

    def for_stage(self, stage: str):
        """Offerings open to companies in `stage` (no stage listed means open to all)."""
        return self.filter(
            models.Q(audience_key__contains=f" stage:{stage} ")
            | models.Q(audience_key__contains=" stage:any ")
        )

    def for_size(self, size: str):
        return self.filter(
            models.Q(audience_key__contains=f" size:{size} ")
            | models.Q(audience_key__contains=" size:any ")
        )


class Offering(TimeStampedModel):
    """Something a company can use: expertise, a test facility or machine, workspace, a
    terminal service, a funding call, a programme, a training or an event.

    `external_id` is the record's `id` in the open catalogue format; imports match on it.
    """

    external_id = models.CharField(
        _("catalogue id"),
        max_length=EXTERNAL_ID_MAX_LENGTH,
        unique=True,
        validators=[validate_external_id],
        help_text=_("Stable id in the open catalogue format, e.g. sirris-cobot-lab."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OfferingKind.choices)
    title_nl = models.CharField(_("title (Dutch)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    # PROTECT: an organisation that offers something cannot vanish from under its offerings.
    provider = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="offerings",
        verbose_name=_("provider"),
    )
    domains = models.ManyToManyField(
        "places.Domain", blank=True, related_name="offerings", verbose_name=_("domains")
    )
    clusters = models.ManyToManyField(
        "places.Cluster", blank=True, related_name="offerings", verbose_name=_("clusters")
    )
    themes = models.JSONField(
        _("themes"),
        default=list,
        blank=True,
        help_text=_("Free lowercase keywords, in the order given."),
    )
    # The order in which a catalogue file listed domains and clusters, so an export gives
    # them back as written (the many-to-many fields above hold the sets).
    tag_order = models.JSONField(default=dict, blank=True, editable=False)
    # PROTECT: reference data in use is never deleted.
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offerings",
        verbose_name=_("municipality"),
        help_text=_("Where it takes place, if anywhere."),
    )
    audience_stages = models.JSONField(
        _("for stages"), default=list, blank=True, help_text=_("Empty means open to all.")
    )
    audience_sizes = models.JSONField(
        _("for company sizes"), default=list, blank=True, help_text=_("Empty means open to all.")
    )
    open_from = models.DateField(_("open from"), null=True, blank=True)
    open_until = models.DateField(
        _("open until"), null=True, blank=True, help_text=_("For a funding call: the deadline.")
    )
    budget_eur = models.DecimalField(
        _("budget (EUR)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For funding: the envelope of the call."),
    )
    url = models.URLField(_("web page"), max_length=500, blank=True)
    contact_name = models.CharField(
        _("contact person"),
        max_length=200,
        blank=True,
        help_text=_("So the company knows whom to contact."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("So the company knows whom to write to.")
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, help_text=_("So the company can call.")
    )
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("Where the record comes from (reference document, import)."),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    # Folded titles, descriptions, themes and provider name: search copes with
    # accents and case on SQLite and PostgreSQL alike.
    search_text = models.TextField(editable=False, default="")
    # " stage:grower size:any " — lets the audience filters use a plain `contains`,
    # which JSON lists do not offer on SQLite.
    audience_key = models.CharField(editable=False, max_length=200, default=" stage:any size:any ")

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["title_nl", "id"]
        indexes = [
            # The public catalogue lists open, not archived offerings by kind.
            models.Index(fields=["is_archived", "kind"], name="catalog_offering_kind_idx"),
            models.Index(fields=["open_until"], name="catalog_offering_until_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(open_from__isnull=True)
                | models.Q(open_until__isnull=True)
                | models.Q(open_from__lte=models.F("open_until")),
                name="catalog_offering_open_period",
                violation_error_message=_("The opening date must not be after the closing date."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget_eur__isnull=True) | models.Q(budget_eur__gte=0),
                name="catalog_offering_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.external_id

    @property
    def title(self) -> str:
        return in_active_language(self, "title")

    @property
    def description(self) -> str:
        return in_active_language(self, "description")

    @property
    def audience_stage_labels(self) -> list[str]:
        labels = dict(Stage.choices)
        return [str(labels.get(code, code)) for code in self.audience_stages or []]

    @property
    def audience_size_labels(self) -> list[str]:
        labels = dict(SizeClass.choices)
        return [str(labels.get(code, code)) for code in self.audience_sizes or []]

    def is_open_on(self, day: dt.date) -> bool:
        if self.is_archived:
            return False
        if self.open_from and day < self.open_from:
            return False
        return not (self.open_until and day > self.open_until)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if not any(getattr(self, f"title_{code}").strip() for code in LANGUAGES):
            errors["title_nl"] = _("Give a title in at least one language.")
        if not any(getattr(self, f"description_{code}").strip() for code in LANGUAGES):
            errors["description_nl"] = _("Give a description in at least one language.")
        if self.open_from and self.open_until and self.open_from > self.open_until:
            errors["open_until"] = _("The opening date must not be after the closing date.")
        bad_themes = [t for t in self.themes or [] if not isinstance(t, str) or t != t.lower()]
        if bad_themes:
            errors["themes"] = _("Themes are lowercase keywords.")
        if any(s not in STAGE_CODES for s in self.audience_stages or []):
            errors["audience_stages"] = _("Unknown stage.")
        if any(s not in SIZE_CODES for s in self.audience_sizes or []):
            errors["audience_sizes"] = _("Unknown company size.")
        if errors:
            raise ValidationError(errors)

    def build_search_text(self) -> str:
        parts = [self.external_id]
        parts += [getattr(self, f"title_{code}") for code in LANGUAGES]
        parts += [getattr(self, f"description_{code}") for code in LANGUAGES]
        parts += list(self.themes or [])
        if self.provider_id:
            parts.append(self.provider.name)
        return fold(" ".join(p for p in parts if p))

    def build_audience_key(self) -> str:
        stages = [f"stage:{s}" for s in self.audience_stages or []] or ["stage:any"]
        sizes = [f"size:{s}" for s in self.audience_sizes or []] or ["size:any"]
        return " " + " ".join(stages + sizes) + " "

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        self.audience_key = self.build_audience_key()
        super().save(*args, **kwargs)


class ProviderProfile(models.Model):
    """What the open format says about a provider beyond the register's own fields.

    The register keeps one `description`; the catalogue keeps the text object (nl/en/fr)
    and the free theme keywords here, so that an export gives back what was imported.
    """

    # CASCADE: the profile is part of its organisation.
    organisation = models.OneToOneField(
        "register.Organisation",
        on_delete=models.CASCADE,
        related_name="catalog_profile",
        verbose_name=_("organisation"),
    )
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    # Order of the organisation's domains and clusters as the catalogue file gave them.
    tag_order = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def description(self) -> str:
        return in_active_language(self, "description")
