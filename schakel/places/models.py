"""Reference data: municipalities, postal codes, regions, NACE-BEL codes and the taxonomy.

Labels are kept in fixed per-language columns (nl, en, fr) and read through
`label`, which follows the active language and falls back to Dutch.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedLabelMixin:
    """`label` in the active language (nl, en or fr), Dutch when that one is empty."""

    label_field_prefix = "name"

    @property
    def label(self) -> str:
        lang = (get_language() or "nl")[:2]
        prefix = self.label_field_prefix
        return getattr(self, f"{prefix}_{lang}", "") or getattr(self, f"{prefix}_nl")

    def __str__(self) -> str:
        return self.label


class Region(TranslatedLabelMixin, models.Model):
    """A region of West Flanders that municipalities belong to (data, not code)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name_nl"]


class MunicipalityQuerySet(models.QuerySet):
    def current(self):
        """Municipalities that exist today (merged ones have `merged_into`)."""
        return self.filter(merged_into__isnull=True)

    def west_flemish(self):
        return self.filter(province_nis="30000")


class Municipality(TranslatedLabelMixin, models.Model):
    """A Belgian municipality identified by its REFNIS (NIS) code.

    Municipalities merged on 1 January 2025 are kept, pointing to the new one,
    so that older addresses and KBO records still resolve.
    """

    nis_code = models.CharField(_("REFNIS code"), max_length=5, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=100, blank=True)
    province_nis = models.CharField(_("province code"), max_length=5, blank=True, db_index=True)
    arrondissement_nis = models.CharField(_("arrondissement code"), max_length=5, blank=True)
    # PROTECT: a region in use cannot vanish from under its municipalities.
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("region"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # PROTECT: the merge history is reference data.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_nl"]

    @property
    def current(self) -> "Municipality":
        return self.merged_into.current if self.merged_into_id else self


class PostalCode(models.Model):
    """A postal code and the place name it stands for, within one municipality."""

    code = models.CharField(_("postal code"), max_length=4, db_index=True)
    name = models.CharField(_("place"), max_length=100)
    # CASCADE: a postal code row means nothing without its municipality.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="postal_codes",
        verbose_name=_("municipality"),
    )

    class Meta:
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "name", "municipality"], name="places_postalcode_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class NaceCode(TranslatedLabelMixin, models.Model):
    """A NACE-BEL activity code (section, division, group, class or subclass)."""

    class Level(models.IntegerChoices):
        SECTION = 1, _("section")
        DIVISION = 2, _("division")
        GROUP = 3, _("group")
        CLASS = 4, _("class")
        SUBCLASS = 5, _("subclass")

    # Codes are stored without dots (e.g. "C", "25", "256", "2562", "25620").
    code = models.CharField(_("code"), max_length=6, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    # CASCADE: children are meaningless without their parent in the hierarchy.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name_nl = models.CharField(_("label (Dutch)"), max_length=300)
    name_fr = models.CharField(_("label (French)"), max_length=300, blank=True)
    name_en = models.CharField(_("label (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("NACE-BEL code")
        verbose_name_plural = _("NACE-BEL codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.dotted} {self.label}"

    @property
    def dotted(self) -> str:
        """The code as usually written: 25, 25.6, 25.62, 25.620."""
        if self.level <= 2:
            return self.code
        return f"{self.code[:2]}.{self.code[2:]}"

    @property
    def division(self) -> str:
        return self.code[:2] if self.level >= 2 else ""


class VocabularyTerm(TranslatedLabelMixin, models.Model):
    """Base of the controlled vocabularies: a stable code and labels in three languages."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=150, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)

    class Meta:
        abstract = True
        ordering = ["name_nl"]


class Domain(VocabularyTerm):
    """One of the agency's four domains (entrepreneurship, factories of the future, …)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class Cluster(VocabularyTerm):
    """One of the five spearhead clusters (blue energy, new materials, …)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")


class Theme(VocabularyTerm):
    """A technology theme; staff edit this vocabulary."""

    is_active = models.BooleanField(_("active"), default=True)

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("technology theme")
        verbose_name_plural = _("technology themes")
