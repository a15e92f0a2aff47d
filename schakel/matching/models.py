"""What staff told us about recommendations: useful or not, with the question asked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchFeedbackQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """Feedback is staff material: agency users see it, nobody else."""
        if getattr(user, "is_authenticated", False) and user.is_active and user.is_agency:
            return self
        return self.none()


class MatchFeedback(models.Model):
    """A staff member's verdict on one recommended offering for one question."""

    query_text = models.TextField(_("question"), max_length=5000)
    context = models.JSONField(_("context"), default=dict, blank=True)
    # CASCADE: feedback on an offering has no meaning once the offering is gone.
    offering = models.ForeignKey(
        "catalog.Offering",
        on_delete=models.CASCADE,
        related_name="match_feedback",
        verbose_name=_("offering"),
    )
    # SET_NULL: the company the question was asked for may leave the register; the
    # verdict still counts for the offering.
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    useful = models.BooleanField(_("useful"))
    # SET_NULL: statistics survive when a staff account goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("given by"),
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MatchFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["offering", "useful"], name="matching_feedback_off_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rank__gte=1), name="matching_feedback_rank_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offering_id}: {'+' if self.useful else '-'}"
