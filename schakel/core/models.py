"""Shared building blocks: timestamps, the audit log, the background job table, the outbox."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds creation and modification moments to a model."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One change to a record: who, when, which fields, old and new value.

    Rows are written by the named functions in `schakel.core.audit`, never by
    signals, so each call site shows what it records.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        IMPORT = "import", _("imported")
        ERASE = "erase", _("erased (GDPR)")
        OTHER = "other", _("other")

    # PROTECT is wrong for an audit trail; CASCADE on the content type only
    # goes when a whole model is removed from the code base.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("record type")
    )
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # SET_NULL keeps the trail when a user account is removed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The record page lists the trail of one object, newest first.
            models.Index(
                fields=["content_type", "object_id", "-created_at"], name="core_audit_object_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


class Job(models.Model):
    """A unit of background work, claimed by `schakel worker` (see core.jobs)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    log = models.TextField(_("log"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=5)
    run_after = models.DateTimeField(_("run after"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [
            # `schakel worker` polls for the oldest queued job that is due.
            models.Index(
                fields=["run_after"],
                condition=models.Q(status="queued"),
                name="core_job_queued_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class OutgoingEmailQuerySet(models.QuerySet):
    def about(self, obj):
        """The e-mails linked to `obj` (a case, a booking, an application ...)."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=obj.pk,
        )


class OutgoingEmail(models.Model):
    """One e-mail in the outbox: written in the caller's transaction, sent by `schakel worker`.

    The text is rendered in the recipient's language when it is queued (see
    `schakel.core.outbox`). `about` links the e-mail to the record it concerns, so a
    case or booking page can list its e-mails; core knows nothing of those apps.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        RETRYING = "retrying", _("retrying")
        FAILED = "failed", _("failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # SET_NULL: a content type only goes when a model leaves the code base; the
    # e-mail stays in the outbox history without its link.
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about (type)"),
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A case or booking page lists the e-mails about it, newest first.
            models.Index(
                fields=["content_type", "object_id", "-created_at"],
                name="core_email_about_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
