"""The register: organisations, their contacts and relations, and the activity timeline."""

import re
from decimal import Decimal

from django.conf import settings
from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.models import TimeStampedModel
from schakel.core.text import fold
from schakel.core.validators import format_enterprise_number, validate_enterprise_number
from schakel.register.search_index import (
    TRIGRAM_LENGTH,
    fts_match_expression,
    fts_rowids_sql,
    sqlite_search_index_ready,
)


class OrganisationType(models.TextChoices):
    COMPANY = "company", _("company")
    KNOWLEDGE_CENTRE = "knowledge_centre", _("knowledge centre")
    UNIVERSITY = "university", _("university or college")
    FEDERATION = "federation", _("sector federation")
    FACILITY_OPERATOR = "facility_operator", _("facility operator")
    BUSINESS_CENTRE = "business_centre", _("business centre")
    TERMINAL_OPERATOR = "terminal_operator", _("terminal operator")
    FUNDING_BODY = "funding_body", _("funding body")
    PUBLIC_BODY = "public_body", _("public body")
    OTHER = "other", _("other")


class SizeClass(models.TextChoices):
    """Enterprise size by the EU SME definition (Recommendation 2003/361/EC)."""

    MICRO = "micro", _("micro")
    SMALL = "small", _("small")
    MEDIUM = "medium", _("medium-sized")
    LARGE = "large", _("large")


class Stage(models.TextChoices):
    IDEA = "idea", _("idea")
    STARTER = "starter", _("starter")
    GROWER = "grower", _("grower")
    ESTABLISHED = "established", _("established")


# (employees below, turnover at most, balance total at most) in EUR.
SME_THRESHOLDS = [
    (SizeClass.MICRO, 10, Decimal("2000000"), Decimal("2000000")),
    (SizeClass.SMALL, 50, Decimal("10000000"), Decimal("10000000")),
    (SizeClass.MEDIUM, 250, Decimal("50000000"), Decimal("43000000")),
]


def size_class_for(employees, turnover, balance_total) -> str:
    """The EU SME class: staff headcount AND (turnover OR balance total) within the ceiling."""
    if employees is None:
        return ""
    for size, max_staff, max_turnover, max_balance in SME_THRESHOLDS:
        if employees >= max_staff:
            continue
        if turnover is None and balance_total is None:
            return size
        if (turnover is not None and turnover <= max_turnover) or (
            balance_total is not None and balance_total <= max_balance
        ):
            return size
    return SizeClass.LARGE


_NUMBER_LIKE = re.compile(r"^(be)?[0-9][0-9.\-/]*$")
_WORD = re.compile(r"\w+")


def search_words(text: str) -> list[str]:
    """Folded search words: "BE 0417.497.106" gives "0417497106", "Sint-Eloois" two words."""
    words = []
    # "BE 0417..." is a VAT-style number, not the word "be".
    folded = re.sub(r"\bbe\s+(?=[0-9])", "", fold(text))
    for token in folded.split():
        if _NUMBER_LIKE.match(token):
            words.append(re.sub(r"[^0-9]", "", token))
        else:
            words.extend(_WORD.findall(token))
    return [word for word in words if word]


def search_terms(text: str) -> list[str]:
    """The search words that each must match: a word inside another one adds nothing."""
    unique = list(dict.fromkeys(search_words(text)))
    return [word for word in unique if not any(word != other and word in other for other in unique)]


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The one gate for organisations: what `user` may see (or change) in the register."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_agency:
            if action == "delete" and not user.is_admin:
                return self.none()
            return self
        if action in ("delete", "create"):
            return self.none()
        if user.is_partner:
            return self.filter(pk=user.partner_organisation_id)
        return self.filter(pk__in=user.represented_company_ids())

    def companies(self):
        return self.filter(type=OrganisationType.COMPANY)

    def search(self, text: str):
        """Every word must occur in the folded name, number, place or description.

        Words match anywhere (so "metaal" finds "Alfa-Metaalbouw"), regardless of
        case and accents; see `search_words` for numbers and punctuation.
        """
        words = search_terms(text)
        qs = self
        if sqlite_search_index_ready(connections[self.db]):
            # SQLite: look the longer words up in the trigram index (see search_index).
            indexed = [word for word in words if len(word) >= TRIGRAM_LENGTH]
            if indexed:
                qs = qs.filter(pk__in=RawSQL(fts_rowids_sql(), [fts_match_expression(indexed)]))
            words = [word for word in words if len(word) < TRIGRAM_LENGTH]
        # PostgreSQL's pg_trgm index serves this LIKE directly.
        for word in words:
            qs = qs.filter(search_text__contains=word)
        return qs


class Organisation(TimeStampedModel):
    """A company, knowledge centre, federation or other body in the West-Flemish ecosystem."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        PENDING = "pending", _("to be confirmed")
        CEASED = "ceased", _("ceased")

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(
        _("type"), max_length=24, choices=OrganisationType.choices, default=OrganisationType.COMPANY
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=10,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_enterprise_number],
        help_text=_("KBO/BCE number, e.g. 0123.456.749."),
    )
    external_id = models.SlugField(
        _("catalogue id"),
        max_length=80,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Stable id used in the open catalogue format."),
    )
    legal_form = models.CharField(_("legal form"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("general e-mail"), blank=True)
    phone = models.CharField(_("general phone"), max_length=40, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    # PROTECT: reference data in use is never deleted.
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    main_nace = models.ForeignKey(
        "places.NaceCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="main_organisations",
        verbose_name=_("main activity (NACE-BEL)"),
    )
    secondary_naces = models.ManyToManyField(
        "places.NaceCode",
        blank=True,
        related_name="secondary_organisations",
        verbose_name=_("secondary activities (NACE-BEL)"),
    )
    employees = models.PositiveIntegerField(_("employees (FTE)"), null=True, blank=True)
    turnover_eur = models.DecimalField(
        _("annual turnover (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    balance_total_eur = models.DecimalField(
        _("balance sheet total (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    size_class = models.CharField(
        _("size class"), max_length=8, choices=SizeClass.choices, blank=True, db_index=True
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    domains = models.ManyToManyField("places.Domain", blank=True, verbose_name=_("domains"))
    clusters = models.ManyToManyField("places.Cluster", blank=True, verbose_name=_("clusters"))
    themes = models.ManyToManyField("places.Theme", blank=True, verbose_name=_("technology themes"))
    # SET_NULL: the organisation stays when an account manager leaves.
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_organisations",
        verbose_name=_("account manager"),
    )
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("Where the record comes from (reference document, KBO Open Data, import)."),
    )
    kbo_synced_at = models.DateTimeField(_("last KBO update"), null=True, blank=True)
    manual_fields = models.JSONField(
        _("fields edited by hand"),
        default=list,
        blank=True,
        help_text=_("Fields staff set by hand; the KBO import never overwrites them."),
    )
    # Folded (lowercase, no accents) name, number, place and description, so
    # that searching copes with Dutch spelling on SQLite and PostgreSQL alike.
    search_text = models.TextField(editable=False, default="")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        indexes = [
            # The register list sorts by name within a type filter.
            models.Index(fields=["type", "name"], name="register_org_type_name_idx"),
            models.Index(fields=["name", "id"], name="register_org_name_idx"),
            models.Index(fields=["municipality", "name"], name="register_org_muni_idx"),
            # Sorting by headcount or by date added, up to a deep page, without sorting all
            # rows. "-employees" (empty last, then by name) has its own index per database
            # (register migration 0003), as SQLite cannot declare NULLS LAST in an index.
            models.Index(fields=["employees", "name", "id"], name="register_org_employees_idx"),
            models.Index(fields=["created_at", "id"], name="register_org_created_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def enterprise_number_display(self) -> str:
        return format_enterprise_number(self.enterprise_number or "")

    def compute_size_class(self) -> str:
        return size_class_for(self.employees, self.turnover_eur, self.balance_total_eur)

    def build_search_text(self) -> str:
        parts = [self.name, self.enterprise_number or "", self.postal_code, self.description]
        if self.municipality_id:
            parts.append(self.municipality.name_nl)
            parts.append(self.municipality.name_fr)
        return fold(" ".join(p for p in parts if p))

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if self.employees is not None and not self.size_class:
            self.size_class = self.compute_size_class()
        super().save(*args, **kwargs)


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        return self.filter(organisation__in=Organisation.objects.visible_to(user, action))


class Contact(TimeStampedModel):
    """A person at an organisation. Each field says why we keep it (GDPR)."""

    class Language(models.TextChoices):
        NL = "nl", _("Dutch")
        FR = "fr", _("French")
        EN = "en", _("English")
        DE = "de", _("German")

    # CASCADE: a contact is kept only as a person at an organisation.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    first_name = models.CharField(
        _("first name"), max_length=100, help_text=_("To address the person.")
    )
    last_name = models.CharField(
        _("last name"), max_length=100, help_text=_("To address the person.")
    )
    job_title = models.CharField(
        _("role"), max_length=120, blank=True, help_text=_("So staff know whom to ask for what.")
    )
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("To reply to questions."))
    phone = models.CharField(_("phone"), max_length=40, blank=True, help_text=_("To call back."))
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        default=Language.NL,
        help_text=_("The language we write and speak to the person in."),
    )
    newsletter_consent = models.BooleanField(_("newsletter consent"), default=False)
    newsletter_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args, **kwargs):
        # The date of consent is part of the consent: set it when consent is given.
        if self.newsletter_consent and not self.newsletter_consent_at:
            self.newsletter_consent_at = timezone.now()
        if not self.newsletter_consent:
            self.newsletter_consent_at = None
        super().save(*args, **kwargs)


class Relation(models.Model):
    """A directed link between two organisations (member of, partner of, linked enterprise)."""

    class Kind(models.TextChoices):
        MEMBER_OF = "member_of", _("member of")
        PARTNER_OF = "partner_of", _("partner of")
        SUBSIDIARY_OF = "subsidiary_of", _("subsidiary of")
        LINKED_TO = "linked_to", _("linked enterprise of")
        OPERATES = "operates", _("operates")

    # CASCADE: a relation disappears with either side.
    source = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="relations_out", verbose_name=_("from")
    )
    target = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="relations_in", verbose_name=_("to")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="register_relation_unique",
                violation_error_message=_("This relation already exists."),
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="register_relation_not_self",
                violation_error_message=_("An organisation cannot be related to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        qs = self.filter(organisation__in=Organisation.objects.visible_to(user))
        if not user.is_agency:
            qs = qs.filter(is_internal=False)
        return qs


class Activity(models.Model):
    """One entry on an organisation's timeline.

    Staff log notes, calls, meetings and e-mails here; other apps (questions,
    bookings, funding) add entries through `register.services.add_timeline_entry`.
    """

    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        CALL = "call", _("phone call")
        MEETING = "meeting", _("meeting")
        EMAIL = "email", _("e-mail")
        QUESTION = "question", _("question")
        CASE = "case", _("case")
        REFERRAL = "referral", _("referral")
        BOOKING = "booking", _("booking")
        LEASE = "lease", _("lease")
        FUNDING = "funding", _("funding")
        IMPORT = "import", _("import")

    # CASCADE: the timeline belongs to its organisation.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NOTE)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    # SET_NULL: keep the history when a user or contact goes.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("contact"),
    )
    is_internal = models.BooleanField(
        _("internal"), default=True, help_text=_("Internal entries are shown to agency staff only.")
    )
    link_url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # The organisation page shows its timeline, newest first.
            models.Index(fields=["organisation", "-occurred_at"], name="register_activity_org_idx"),
        ]

    def __str__(self) -> str:
        return self.title
