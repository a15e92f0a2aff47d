"""Support: questions (which become cases), their events, notes, tasks, attachments,
messages, referrals to partners and routing rules. E-mail about a case goes through the
core outbox (`core.OutgoingEmail`, linked to the question; `question.emails`).

A question and its case are one row (`Question`): it is a question while it is
new and a case once it is triaged; the reference number stays the same.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.support.workflow import OPEN_STATES, ClosureReason, State

QUESTION_MAX_CHARS = 5000


def hash_address(address: str | None) -> str:
    """A keyed hash of an IP address: enough to rate-limit, useless to identify anyone."""
    if not address:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    PORTAL = "portal", _("portal")
    PHONE = "phone", _("phone")
    VISIT = "visit", _("company visit")
    EMAIL = "email", _("e-mail")


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The one gate for questions and cases.

        Staff see and change everything; a company user sees the questions of the
        companies they hold a mandate for and may only add information to them;
        partners never see a case (they see referrals, see `Referral`).
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_agency:
            return self
        if user.is_company_user and action in ("view", "reply", "create"):
            return self.filter(organisation_id__in=user.represented_company_ids())
        return self.none()

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def awaiting_first_response(self):
        return self.filter(first_responded_at__isnull=True).exclude(state=State.CLOSED)


class Question(models.Model):
    """A company's question; once triaged, the case staff work on (same row, same reference)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True)
    # PROTECT: a company with questions is never deleted by accident.
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("company"),
    )
    # SET_NULL: statistics survive when a contact is removed.
    contact = models.ForeignKey(
        "register.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("contact"),
    )
    # What the asker typed, kept as given (blanked on GDPR erasure of the contact).
    contact_first_name = models.CharField(_("first name"), max_length=100, blank=True)
    contact_last_name = models.CharField(_("last name"), max_length=100, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    company_name_given = models.CharField(_("company name as given"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="nl"
    )
    text = models.TextField(_("question"), max_length=QUESTION_MAX_CHARS)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    # PROTECT: taxonomy in use stays.
    domain = models.ForeignKey(
        "places.Domain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("domain"),
    )
    cluster = models.ForeignKey(
        "places.Cluster",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cluster"),
    )
    themes = models.ManyToManyField(
        "places.Theme", blank=True, related_name="+", verbose_name=_("technology themes")
    )
    region = models.ForeignKey(
        "places.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.NEW, db_index=True
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=16, choices=ClosureReason.choices, blank=True
    )
    # SET_NULL: the case stays when a staff account goes.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_cases",
        verbose_name=_("owner"),
    )
    proposed_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed owner"),
        help_text=_("Proposed by the routing rules."),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    first_response_due = models.DateField(_("first response due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Optimistic locking: every change bumps the version; a stale form is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    last_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    last_changed_at = models.DateTimeField(_("last changed at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    submitted_from = models.CharField(
        _("submitted from (hashed address)"), max_length=32, blank=True, db_index=True
    )

    # The outbox rows about this case; deleting a question deletes its e-mails, as before.
    emails = GenericRelation("core.OutgoingEmail", related_query_name="support_question")

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The inbox lists open cases by owner and state, newest first.
            models.Index(fields=["owner", "state", "-received_at"], name="support_q_owner_idx"),
            # The company's own list.
            models.Index(fields=["organisation", "-received_at"], name="support_q_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | ~Q(closure_reason=""),
                name="support_question_closed_has_reason",
                violation_error_message=_("A closed case needs a closure reason."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference or _("question %(pk)s") % {"pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED

    @property
    def contact_name(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}".strip()

    def sla_status(self, today=None) -> str:
        """ "overdue", "due_soon" (one working day left or less), "ok" or "" (answered)."""
        from schakel.support.sla import working_days_between

        if self.first_responded_at or self.state == State.CLOSED or not self.first_response_due:
            return ""
        today = today or timezone.localdate()
        left = working_days_between(today, self.first_response_due)
        if left < 0:
            return "overdue"
        if left <= 1:
            return "due_soon"
        return "ok"


class CaseEvent(models.Model):
    """One thing that happened on a case, written by a named function in `services`."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("question received")
        TRIAGED = "triaged", _("triaged")
        ASSIGNED = "assigned", _("owner assigned")
        TRANSITION = "transition", _("state changed")
        REOPENED = "reopened", _("reopened")
        NOTE = "note", _("note added")
        TASK = "task", _("task added")
        TASK_DONE = "task_done", _("task done")
        ATTACHMENT = "attachment", _("attachment added")
        MESSAGE_SENT = "message_sent", _("message to the company")
        MESSAGE_RECEIVED = "message_received", _("message from the company")
        REFERRAL = "referral", _("referred to a partner")
        CONSENT = "consent", _("consent recorded")
        ACCEPTED = "accepted", _("referral accepted")
        DECLINED = "declined", _("referral declined")
        OUTCOME = "outcome", _("outcome reported")
        EMAIL_FAILED = "email_failed", _("e-mail could not be sent")

    # CASCADE: events belong to their case.
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict, blank=True)
    is_internal = models.BooleanField(_("internal"), default=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.question})"


class Note(models.Model):
    """An internal note on a case; never shown to companies or partners."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("note"), max_length=10000)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:60]


class Task(models.Model):
    """A to-do on a case with a due date; the worker e-mails a reminder when it is due."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("case")
    )
    title = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_tasks",
        verbose_name=_("assignee"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done_at", "due_on", "id"]
        indexes = [
            # The reminder job looks for open tasks that are due and not yet reminded.
            models.Index(
                fields=["due_on"],
                condition=Q(done_at__isnull=True, reminder_sent_at__isnull=True),
                name="support_task_reminder_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def _random_name() -> str:
    return secrets.token_hex(16)


class Attachment(models.Model):
    """A file on a case, stored under MEDIA_ROOT/support/ with a random name.

    Served only by `views.staff.attachment_download`, which checks the gate below.
    """

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case")
    )
    original_name = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(max_length=80, unique=True, default=_random_name)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    is_internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Internal files are not shown to the company.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def path(self):
        return settings.MEDIA_ROOT / "support" / self.stored_name


class Message(models.Model):
    """A message between the agency and the company on a case (not internal)."""

    class Direction(models.TextChoices):
        TO_COMPANY = "to_company", _("to the company")
        FROM_COMPANY = "from_company", _("from the company")

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="messages", verbose_name=_("case")
    )
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=QUESTION_MAX_CHARS)
    email = models.ForeignKey(
        "core.OutgoingEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("e-mail"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Outcome(models.TextChoices):
    PROJECT_STARTED = "project_started", _("project started")
    QUOTE_SENT = "quote_sent", _("quote sent")
    ADVICE_GIVEN = "advice_given", _("advice given")
    NO_FIT = "no_fit", _("no fit")
    OTHER = "other", _("other")


# Outcomes that count as "the referral led to a result".
RESULT_OUTCOMES = (Outcome.PROJECT_STARTED, Outcome.QUOTE_SENT, Outcome.ADVICE_GIVEN)


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """Staff: all. Partner users: referrals to their organisation once the company
        consented. Company users: referrals on their companies' questions (view only)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_agency:
            return self
        if user.is_partner and user.partner_organisation_id:
            return self.filter(partner_id=user.partner_organisation_id).exclude(
                state=Referral.State.AWAITING_CONSENT
            )
        if user.is_company_user and action in ("view", "consent"):
            return self.filter(question__organisation_id__in=user.represented_company_ids())
        return self.none()


class Referral(models.Model):
    """A case handed to a partner organisation, with the company's consent to what is shared."""

    class State(models.TextChoices):
        AWAITING_CONSENT = "awaiting_consent", _("awaiting the company's consent")
        SENT = "sent", _("sent to the partner")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    class ConsentChannel(models.TextChoices):
        PORTAL = "portal", _("in the portal")
        PHONE = "phone", _("by phone")
        EMAIL = "email", _("by e-mail")
        VISIT = "visit", _("at a visit")

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case")
    )
    # PROTECT: a partner with referrals stays in the register.
    partner = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="support_referrals",
        verbose_name=_("partner"),
    )
    # SET_NULL: the referral (and its learning value per partner) outlives an offering.
    offering = models.ForeignKey(
        "catalog.Offering",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_referrals",
        verbose_name=_("recommended offering"),
        help_text=_("Set when the referral followed a recommended offering."),
    )
    message = models.TextField(_("message to the partner"), max_length=QUESTION_MAX_CHARS)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.AWAITING_CONSENT,
        db_index=True,
    )
    share_question = models.BooleanField(_("share the question"), default=True)
    share_contact = models.BooleanField(_("share the contact details"), default=True)
    shared_attachments = models.ManyToManyField(
        Attachment, blank=True, related_name="referrals", verbose_name=_("shared attachments")
    )
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_channel = models.CharField(
        _("consent given"), max_length=8, choices=ConsentChannel.choices, blank=True
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    response_reason = models.CharField(_("reason"), max_length=500, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred by"),
    )
    created_at = models.DateTimeField(_("referred at"), default=timezone.now)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The partner inbox lists one partner's referrals, newest first.
            models.Index(fields=["partner", "-created_at"], name="support_ref_partner_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "partner"],
                name="support_referral_unique_question_partner",
                violation_error_message=_("This case was already referred to this partner."),
            ),
            models.CheckConstraint(
                condition=Q(state="awaiting_consent") | Q(consent_given_at__isnull=False),
                name="support_referral_sent_has_consent",
                violation_error_message=_("A referral is only sent after the company consents."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} → {self.partner}"

    @property
    def led_to_result(self) -> bool:
        return self.outcome in RESULT_OUTCOMES


class RoutingRule(models.Model):
    """Data, not code: which account manager is proposed for a question.

    A rule matches when each of its filled-in criteria equals the question's;
    among matching rules the highest priority wins (then the most specific).
    """

    region = models.ForeignKey(
        "places.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    cluster = models.ForeignKey(
        "places.Cluster",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cluster"),
    )
    domain = models.ForeignKey(
        "places.Domain",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("domain"),
    )
    # CASCADE: a rule pointing at a removed user is meaningless.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("proposed owner"),
        limit_choices_to={"role__in": ["admin", "staff"]},
    )
    priority = models.IntegerField(_("priority"), default=0, help_text=_("Higher wins."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        parts = [str(p) for p in (self.region, self.cluster, self.domain) if p]
        return f"{' / '.join(parts) or _('everything')} → {self.owner}"

    @property
    def specificity(self) -> int:
        return sum(1 for v in (self.region_id, self.cluster_id, self.domain_id) if v)
