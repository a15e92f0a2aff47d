"""Funding: programmes, calls, applications, evaluation, the budget ledger, de minimis aid
and output indicators.

Money is `Decimal` with two decimals. The ledger (`LedgerEntry`) is the source of truth
for what is committed and paid; `Call`, `Application` and `Programme` carry running
totals that `schakel.funding.ledger` updates in the same transaction as each entry, under
a lock on the call row. Those totals are backed by `CheckConstraint`s, so the database
itself refuses a commitment above the call budget, a payment above the commitment or call
budgets above the programme envelope, whatever code path tries it.

Who may do what (one gate per model, `visible_to(user, action)`):

- applicants: users acting for the applicant (company users with a mandate, partner users
  of the applicant organisation) see and edit their own applications only;
- evaluators (`EvaluatorAssignment`): staff users or partner users (external experts,
  who get a partner account at their own organisation) see an application only once they
  have declared that they have no conflict of interest; a declared conflict blocks access,
  also for staff who could otherwise read everything;
- fund managers (`ProgrammeManager`) change everything within their programmes; admins
  act as fund managers of every programme;
- other staff read everything and change nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.models import TimeStampedModel

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def money(value) -> Decimal:
    """A Decimal rounded to the cent (half up, as accountants do)."""
    from decimal import ROUND_HALF_UP

    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _money_field(label, **kwargs):
    kwargs.setdefault("validators", [MinValueValidator(ZERO)])
    return models.DecimalField(label, max_digits=15, decimal_places=2, **kwargs)


def _rate_field(label, **kwargs):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
        **kwargs,
    )


class CostCategory(models.TextChoices):
    PERSONNEL = "personnel", _("personnel costs")
    INVESTMENTS = "investments", _("investments")
    EXTERNAL_SERVICES = "external_services", _("external services")
    OPERATING = "operating", _("operating costs")
    TRAVEL = "travel", _("travel and accommodation")
    OVERHEADS = "overheads", _("overheads (flat rate)")


class FinancingSource(models.TextChoices):
    EU = "eu", _("European Union")
    FLANDERS = "flanders", _("Flanders")
    PROVINCE = "province", _("Province of West Flanders")
    OTHER_PUBLIC = "other_public", _("other public funding")
    OWN = "own", _("own contribution")


# ---------------------------------------------------------------------------------------
# Programmes and calls


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """Agency staff read every programme; fund managers (and admins) change theirs.
        Companies and partners see programmes through calls and the catalogue only."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if action == "view":
            return self if user.is_agency else self.none()
        if user.is_admin:
            return self
        if user.is_agency:
            return self.filter(managers__user=user).distinct()
        return self.none()


class Programme(TimeStampedModel):
    """A source of money the agency manages or contributes to (GTI, ERDF, Interreg, a
    provincial instrument), with its envelope, period and the rules it imposes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # PROTECT: the funding body of a programme with money in it is never deleted.
    funder = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="funding_programmes",
        verbose_name=_("funding body"),
    )
    envelope_eur = _money_field(_("envelope (EUR)"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    max_cofinancing_pct = _rate_field(
        _("maximum co-financing rate (%)"),
        help_text=_("The highest share of the eligible costs that public funding may cover."),
    )
    eligible_categories = models.JSONField(
        _("eligible cost categories"),
        default=list,
        help_text=_("Cost categories applicants may budget; overheads only at the flat rate."),
    )
    overhead_flat_rate_pct = _rate_field(
        _("flat rate for overheads (% of personnel costs)"), default=ZERO
    )
    is_de_minimis = models.BooleanField(
        _("de minimis aid"),
        default=False,
        help_text=_("Grants to enterprises count against the de minimis ceiling."),
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    # Running total of the budgets of its calls (kept by services.save_call under a lock).
    allocated_eur = _money_field(_("allocated to calls (EUR)"), default=ZERO, editable=False)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(envelope_eur__gte=0),
                name="funding_programme_envelope_not_negative",
                violation_error_message=_("The envelope cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(allocated_eur__gte=0) & Q(allocated_eur__lte=F("envelope_eur")),
                name="funding_programme_calls_within_envelope",
                violation_error_message=_("The calls of a programme cannot exceed its envelope."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="funding_programme_period",
                violation_error_message=_("The programme cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def eligible_category_labels(self) -> list[str]:
        labels = dict(CostCategory.choices)
        return [str(labels.get(c, c)) for c in self.eligible_categories or []]

    def source_limits(self) -> dict[str, Decimal]:
        """{source: maximum rate %} for the sources this programme draws on."""
        return {rule.source: rule.max_rate_pct for rule in self.sources.all()}

    def clean(self):
        errors = {}
        unknown = [c for c in self.eligible_categories or [] if c not in CostCategory.values]
        if unknown:
            errors["eligible_categories"] = _("Unknown cost category: %(codes)s.") % {
                "codes": ", ".join(map(str, unknown))
            }
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            errors["ends_on"] = _("The programme cannot end before it starts.")
        if (
            self.envelope_eur is not None
            and self.pk
            and self.allocated_eur is not None
            and self.envelope_eur < self.allocated_eur
        ):
            errors["envelope_eur"] = _(
                "The calls already take %(allocated)s EUR; the envelope cannot be smaller."
            ) % {"allocated": self.allocated_eur}
        if errors:
            raise ValidationError(errors)


class ProgrammeSource(models.Model):
    """A funding source a programme draws on, with the highest rate it may cover."""

    # CASCADE: the rule is part of its programme.
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sources", verbose_name=_("programme")
    )
    source = models.CharField(_("source"), max_length=16, choices=FinancingSource.choices)
    max_rate_pct = _rate_field(_("maximum rate (%)"))
    fund_name = models.CharField(_("fund"), max_length=100, blank=True, help_text=_("E.g. ERDF."))

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["programme", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "source"],
                name="funding_programmesource_unique",
                violation_error_message=_("This source is already listed for the programme."),
            ),
            models.CheckConstraint(
                condition=~Q(source="own"),
                name="funding_programmesource_not_own",
                violation_error_message=_("The own contribution is not a funding source."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} ≤ {self.max_rate_pct}%"


class ProgrammeManager(models.Model):
    """A staff user who manages the money of one programme (a fund manager)."""

    # CASCADE: the assignment means nothing without either side.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="managed_programmes",
        verbose_name=_("user"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="managers", verbose_name=_("programme")
    )

    class Meta:
        verbose_name = _("fund manager")
        verbose_name_plural = _("fund managers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"], name="funding_programmemanager_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.programme}"

    def clean(self):
        if self.user_id and not self.user.is_agency:
            raise ValidationError({"user": _("Only agency staff can manage a programme.")})


class CallQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """Every logged-in user sees calls (open calls are public offerings anyway);
        only fund managers of the programme (and admins) change them."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if action == "view":
            return self
        return self.filter(programme__in=Programme.objects.visible_to(user, "manage"))

    def open_at(self, moment=None):
        moment = moment or timezone.now()
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)


class Call(TimeStampedModel):
    """A call for projects within a programme: part of its envelope, a submission window,
    who may apply, how applications are scored and which documents they need."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("upcoming")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    # PROTECT: a call with applications and money keeps its programme.
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="calls", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    budget_eur = _money_field(_("budget (EUR)"))
    max_grant_eur = _money_field(_("maximum grant per project (EUR)"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(
        _("closes at"), help_text=_("Submissions after this moment are refused (server time).")
    )
    eligible_sizes = models.JSONField(
        _("company sizes"), default=list, blank=True, help_text=_("Empty means all sizes.")
    )
    eligible_stages = models.JSONField(
        _("stages"), default=list, blank=True, help_text=_("Empty means all stages.")
    )
    eligible_types = models.JSONField(
        _("organisation types"), default=list, blank=True, help_text=_("Empty means all types.")
    )
    eligible_clusters = models.ManyToManyField(
        "places.Cluster", blank=True, related_name="funding_calls", verbose_name=_("clusters")
    )
    eligible_regions = models.ManyToManyField(
        "places.Region", blank=True, related_name="funding_calls", verbose_name=_("regions")
    )
    required_documents = models.JSONField(
        _("required documents"), default=list, blank=True, help_text=_("One name per document.")
    )
    pass_threshold = models.DecimalField(
        _("minimum total score (of 100)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
    )
    # SET_NULL: the call survives when its catalogue entry is removed; the sync makes a new one.
    offering = models.OneToOneField(
        "catalog.Offering",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funding_call",
        verbose_name=_("catalogue offering"),
        editable=False,
    )
    # Running totals, kept by schakel.funding.ledger under a lock on this row.
    committed_eur = _money_field(_("committed (EUR)"), default=ZERO, editable=False)
    paid_eur = _money_field(_("paid (EUR)"), default=ZERO, editable=False)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "id"]
        indexes = [
            # The open-calls list filters on the submission window.
            models.Index(fields=["opens_at", "closes_at"], name="funding_call_window_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")),
                name="funding_call_window",
                violation_error_message=_("A call must open before it closes."),
            ),
            models.CheckConstraint(
                condition=Q(budget_eur__gte=0),
                name="funding_call_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(committed_eur__gte=0) & Q(committed_eur__lte=F("budget_eur")),
                name="funding_call_committed_within_budget",
                violation_error_message=_("Commitments cannot exceed the budget of the call."),
            ),
            models.CheckConstraint(
                condition=Q(paid_eur__gte=0) & Q(paid_eur__lte=F("committed_eur")),
                name="funding_call_paid_within_committed",
                violation_error_message=_("Payments cannot exceed the commitments."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining_eur(self) -> Decimal:
        return self.budget_eur - self.committed_eur

    def status_at(self, moment=None) -> str:
        moment = moment or timezone.now()
        if moment < self.opens_at:
            return self.Status.UPCOMING
        if moment >= self.closes_at:
            return self.Status.CLOSED
        return self.Status.OPEN

    @property
    def status(self) -> str:
        return self.status_at()

    def get_status_display(self) -> str:
        return str(dict(self.Status.choices)[self.status])

    def is_open(self, moment=None) -> bool:
        return self.status_at(moment) == self.Status.OPEN

    def clean(self):
        from schakel.register.models import OrganisationType, SizeClass, Stage

        errors = {}
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = _("A call must open before it closes.")
        for name, allowed in (
            ("eligible_sizes", SizeClass.values),
            ("eligible_stages", Stage.values),
            ("eligible_types", OrganisationType.values),
        ):
            bad = [v for v in getattr(self, name) or [] if v not in allowed]
            if bad:
                errors[name] = _("Unknown value: %(values)s.") % {
                    "values": ", ".join(map(str, bad))
                }
        if (
            self.budget_eur is not None
            and self.committed_eur
            and (self.budget_eur < self.committed_eur)
        ):
            errors["budget_eur"] = _(
                "%(committed)s EUR is already committed; the budget cannot be smaller."
            ) % {"committed": self.committed_eur}
        if self.max_grant_eur is not None and self.budget_eur is not None:
            if self.max_grant_eur > self.budget_eur:
                errors["max_grant_eur"] = _("The maximum grant cannot exceed the call budget.")
        if errors:
            raise ValidationError(errors)


class Criterion(models.Model):
    """An evaluation criterion of a call: its weight, scale and minimum score."""

    # CASCADE: criteria are part of their call.
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1)]
    )
    threshold = models.DecimalField(
        _("minimum score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("An application whose average on this criterion is lower is not eligible."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="funding_criterion_weight_positive",
                violation_error_message=_("A weight must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(threshold__isnull=True)
                | (Q(threshold__gte=0) & Q(threshold__lte=F("max_score"))),
                name="funding_criterion_threshold_in_scale",
                violation_error_message=_("The minimum score must lie within the scale."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------
# Applications


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The one gate for applications.

        - `view`: applicants their own; evaluators the files they declared no conflict
          for; staff everything except files they declared a conflict for (fund managers
          of the programme and admins always);
        - `edit`: the applicant's users and the staff who drafted it (the service refuses
          anything that is no longer a draft), fund managers of the programme;
        - `manage` (assign, decide, ledger, indicators): fund managers and admins.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        managed = Q(call__programme__managers__user=user)
        applicant_ids = _applicant_ids(user)
        if action == "manage":
            if user.is_admin:
                return self
            if user.is_agency:
                return self.filter(managed).distinct()
            return self.none()
        if action == "edit":
            if user.is_admin:
                return self
            condition = Q(applicant_id__in=applicant_ids)
            if user.is_agency:
                condition |= managed | Q(created_by=user)
            return self.filter(condition).distinct()
        # view
        declared_free = Q(
            assignments__evaluator=user,
            assignments__declared_at__isnull=False,
            assignments__has_conflict=False,
        )
        if user.is_admin:
            return self
        if user.is_agency:
            conflicted = EvaluatorAssignment.objects.filter(
                evaluator=user, has_conflict=True
            ).values("application_id")
            return self.filter(~Q(pk__in=conflicted) | managed | Q(created_by=user)).distinct()
        return self.filter(Q(applicant_id__in=applicant_ids) | declared_free).distinct()


def _applicant_ids(user) -> list[int]:
    """The organisations a user may apply for: their mandates, or their partner organisation."""
    if user.is_company_user:
        return user.represented_company_ids()
    if user.is_partner and user.partner_organisation_id:
        return [user.partner_organisation_id]
    return []


class Application(TimeStampedModel):
    """A project proposal for a call by a promoter, with partners, a budget by cost category
    and a financing plan. Submitted versions are frozen; a change needs a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        UNDER_EVALUATION = "under_evaluation", _("under evaluation")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")
        SUPERSEDED = "superseded", _("replaced by a new version")

    # PROTECT: an application is a financial record.
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    applicant = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="funding_applications",
        verbose_name=_("promoter"),
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    # PROTECT: versions form the history of one proposal.
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    title = models.CharField(_("project title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    planned_outputs = models.TextField(_("planned outputs"), blank=True)
    starts_on = models.DateField(_("project starts on"), null=True, blank=True)
    ends_on = models.DateField(_("project ends on"), null=True, blank=True)
    # SET_NULL: keep the application when the account goes.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    snapshot = models.JSONField(_("submitted content"), default=dict, blank=True, editable=False)
    snapshot_sha256 = models.CharField(_("fingerprint"), max_length=64, blank=True, editable=False)
    requested_eur = _money_field(_("requested (EUR)"), default=ZERO, editable=False)
    total_cost_eur = _money_field(_("total cost (EUR)"), default=ZERO, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_motivation = models.TextField(_("motivation of the decision"), blank=True)
    # Running totals of this project's ledger entries.
    committed_eur = _money_field(_("committed (EUR)"), default=ZERO, editable=False)
    claimed_eur = _money_field(_("claimed (EUR)"), default=ZERO, editable=False)
    paid_eur = _money_field(_("paid (EUR)"), default=ZERO, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The API and the call page filter applications by call and status.
            models.Index(fields=["call", "status"], name="funding_app_call_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "number", "version"], name="funding_application_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(committed_eur__gte=0),
                name="funding_application_committed_not_negative",
                violation_error_message=_("A commitment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(paid_eur__gte=0) & Q(paid_eur__lte=F("committed_eur")),
                name="funding_application_paid_within_committed",
                violation_error_message=_("Payments cannot exceed the commitment."),
            ),
            models.CheckConstraint(
                condition=Q(claimed_eur__gte=0),
                name="funding_application_claimed_not_negative",
                violation_error_message=_("Claims cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=F("ends_on")),
                name="funding_application_period",
                violation_error_message=_("The project cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        base = f"{self.call.code.upper()}-{self.number:03d}" if self.number else "—"
        return f"{base}-v{self.version}" if self.version > 1 else base

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_decidable(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.UNDER_EVALUATION)

    @property
    def remaining_commitment_eur(self) -> Decimal:
        return self.committed_eur - self.paid_eur

    def budget_total(self) -> Decimal:
        return sum((line.amount_eur for line in self.budget_lines.all()), ZERO)

    def financing_total(self) -> Decimal:
        return sum((line.amount_eur for line in self.financing_lines.all()), ZERO)


class ApplicationPartner(models.Model):
    """A partner organisation in a project, with its role."""

    # CASCADE: part of the application.
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="partners",
        verbose_name=_("application"),
    )
    # PROTECT: a partner in a funded project stays in the register.
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="funding_partnerships",
        verbose_name=_("partner"),
    )
    role = models.CharField(_("role in the project"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"],
                name="funding_applicationpartner_unique",
                violation_error_message=_("This organisation is already a partner."),
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class BudgetLine(models.Model):
    """The planned cost of one category."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name=_("application"),
    )
    category = models.CharField(_("cost category"), max_length=20, choices=CostCategory.choices)
    amount_eur = _money_field(_("amount (EUR)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "category"], name="funding_budgetline_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_eur__gte=0), name="funding_budgetline_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.amount_eur}"


class FinancingLine(models.Model):
    """How much one source pays of the project cost."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="financing_lines",
        verbose_name=_("application"),
    )
    source = models.CharField(_("source"), max_length=16, choices=FinancingSource.choices)
    amount_eur = _money_field(_("amount (EUR)"))

    class Meta:
        verbose_name = _("financing line")
        verbose_name_plural = _("financing lines")
        ordering = ["application", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "source"], name="funding_financingline_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_eur__gte=0), name="funding_financingline_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount_eur}"


def document_path(instance, filename: str) -> str:
    return f"funding/applications/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    """A document attached to an application (one per required document, or extra)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    name = models.CharField(_("document"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["application", "name", "id"]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------
# Evaluation


class EvaluatorAssignment(models.Model):
    """An evaluator on one application. The evaluator first declares whether they have a
    conflict of interest; only without one do they see the file and score it."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    # PROTECT: an evaluator who scored stays on record.
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="funding_assignments",
        verbose_name=_("evaluator"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    declared_at = models.DateTimeField(_("declaration at"), null=True, blank=True)
    has_conflict = models.BooleanField(_("conflict of interest"), null=True, blank=True)
    conflict_note = models.TextField(_("conflict explained"), blank=True)
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluator assignment")
        verbose_name_plural = _("evaluator assignments")
        ordering = ["application", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "evaluator"],
                name="funding_assignment_unique",
                violation_error_message=_("This evaluator is already assigned."),
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(has_conflict=False),
                name="funding_assignment_scores_only_without_conflict",
                violation_error_message=_("An evaluator with a conflict cannot score."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.application}"

    @property
    def may_see_file(self) -> bool:
        return self.declared_at is not None and self.has_conflict is False


class Score(models.Model):
    """One evaluator's score on one criterion, with a motivation."""

    assignment = models.ForeignKey(
        EvaluatorAssignment,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("assignment"),
    )
    # PROTECT: a criterion that was scored stays.
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    motivation = models.TextField(_("motivation"))
    scored_at = models.DateTimeField(_("scored at"), default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assignment", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="funding_score_unique"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="funding_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


# ---------------------------------------------------------------------------------------
# The ledger


class LedgerEntry(models.Model):
    """One immutable line in the budget ledger of a call.

    `amount_eur` is always positive; what an entry does to the committed, claimed and paid
    totals is in the signed `*_delta_eur` columns, fixed by its kind (and, for a reversal,
    by the entry it reverses). Entries are never changed or deleted: a correction is a
    reversal entry.
    """

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("commitment")
        AMENDMENT = "amendment", _("amendment (increase)")
        DECOMMITMENT = "decommitment", _("decommitment")
        CLAIM = "claim", _("payment claim")
        PAYMENT = "payment", _("payment")
        REVERSAL = "reversal", _("reversal")

    # PROTECT: the ledger is never deleted with what it refers to.
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("call")
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=15, decimal_places=2)
    committed_delta_eur = models.DecimalField(max_digits=15, decimal_places=2, default=ZERO)
    claimed_delta_eur = models.DecimalField(max_digits=15, decimal_places=2, default=ZERO)
    paid_delta_eur = models.DecimalField(max_digits=15, decimal_places=2, default=ZERO)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    claim = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("for claim"),
    )
    proof = models.FileField(_("proof"), upload_to="funding/proofs/%Y/", max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    booked_on = models.DateField(_("booked on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "id"]
        indexes = [
            # Figures sum a call's (or a project's) entries by date.
            models.Index(fields=["call", "booked_on"], name="funding_ledger_call_idx"),
            models.Index(fields=["application", "created_at"], name="funding_ledger_app_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_eur__gt=0),
                name="funding_ledger_amount_positive",
                violation_error_message=_("A ledger amount must be positive."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["commitment", "amendment"],
                        committed_delta_eur=F("amount_eur"),
                        claimed_delta_eur=0,
                        paid_delta_eur=0,
                    )
                    | Q(
                        kind="decommitment",
                        committed_delta_eur=-F("amount_eur"),
                        claimed_delta_eur=0,
                        paid_delta_eur=0,
                    )
                    | Q(
                        kind="claim",
                        committed_delta_eur=0,
                        claimed_delta_eur=F("amount_eur"),
                        paid_delta_eur=0,
                    )
                    | Q(
                        kind="payment",
                        committed_delta_eur=0,
                        claimed_delta_eur=0,
                        paid_delta_eur=F("amount_eur"),
                    )
                    | Q(kind="reversal", reverses__isnull=False)
                ),
                name="funding_ledger_deltas_follow_kind",
                violation_error_message=_("The effect of a ledger entry must follow its kind."),
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal") | Q(reverses__isnull=True),
                name="funding_ledger_only_reversals_reverse",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_eur} EUR ({self.application_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValidationError(_("Ledger entries cannot be changed; book a reversal."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Ledger entries cannot be deleted; book a reversal."))


# ---------------------------------------------------------------------------------------
# De minimis


class DeMinimisCeiling(models.Model):
    """The de minimis ceiling in force from a date (data, not code): 200,000 EUR under
    Regulation (EU) 1407/2013, 300,000 EUR from 2024-01-01 under Regulation (EU) 2023/2831,
    over any rolling period of three years."""

    valid_from = models.DateField(_("valid from"), unique=True)
    amount_eur = _money_field(_("ceiling (EUR)"))
    window_years = models.PositiveSmallIntegerField(_("rolling window (years)"), default=3)
    regulation = models.CharField(_("regulation"), max_length=200)

    class Meta:
        verbose_name = _("de minimis ceiling")
        verbose_name_plural = _("de minimis ceilings")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.amount_eur} EUR ({self.regulation}, {self.valid_from})"

    @classmethod
    def in_force_on(cls, day: dt.date) -> DeMinimisCeiling | None:
        return cls.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


class DeMinimisAid(models.Model):
    """De minimis aid granted to one enterprise: by one of our programmes (linked to the
    project) or by another body, as entered by staff."""

    # PROTECT: aid records are evidence for later grants.
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="de_minimis_aid",
        verbose_name=_("enterprise"),
    )
    granted_on = models.DateField(_("granted on"))
    amount_eur = _money_field(_("amount (gross grant equivalent, EUR)"))
    granting_body = models.CharField(_("granted by"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="de_minimis_aid",
        verbose_name=_("project"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("de minimis aid")
        verbose_name_plural = _("de minimis aid")
        ordering = ["-granted_on", "-id"]
        indexes = [
            # The ceiling check sums an undertaking's aid within a date window.
            models.Index(fields=["organisation", "granted_on"], name="funding_deminimis_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_eur__gt=0),
                name="funding_deminimisaid_amount_positive",
                violation_error_message=_("The amount must be positive."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.amount_eur} EUR ({self.granted_on})"


# ---------------------------------------------------------------------------------------
# Output indicators


class Indicator(models.Model):
    """An output indicator (companies supported, jobs created, investments triggered, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class ProjectIndicator(models.Model):
    """A project's target for one indicator and the value it reported."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("project"),
    )
    # PROTECT: an indicator in use stays.
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    target = models.DecimalField(_("target"), max_digits=15, decimal_places=2, default=ZERO)
    realised = models.DecimalField(_("realised"), max_digits=15, decimal_places=2, default=ZERO)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)

    class Meta:
        verbose_name = _("project indicator")
        verbose_name_plural = _("project indicators")
        ordering = ["application", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "indicator"], name="funding_projectindicator_unique"
            ),
            models.CheckConstraint(
                condition=Q(target__gte=0) & Q(realised__gte=0),
                name="funding_projectindicator_not_negative",
                violation_error_message=_("Indicator values cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.realised}/{self.target}"
