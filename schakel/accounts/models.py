"""Users, their role, the companies they act for (mandates), API tokens and login throttling."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. The role decides what they may see and do, per object."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        STAFF = "staff", _("staff member")
        PARTNER = "partner", _("partner user")
        COMPANY = "company", _("company user")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.COMPANY)
    # PROTECT: a partner organisation with users must be unlinked before removal.
    partner_organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_users",
        verbose_name=_("partner organisation"),
        help_text=_("For partner users: the organisation whose referrals they handle."),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_("Language of the interface and of the e-mails we send."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="partner") | models.Q(partner_organisation__isnull=False),
                name="accounts_user_partner_has_organisation",
                violation_error_message=_(
                    "A partner user must be linked to a partner organisation."
                ),
            )
        ]

    @property
    def is_agency(self) -> bool:
        """Admins and staff work for the agency and see the whole register."""
        return self.is_active and (
            self.role in (self.Role.ADMIN, self.Role.STAFF) or self.is_superuser
        )

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == self.Role.ADMIN or self.is_superuser)

    @property
    def is_partner(self) -> bool:
        return self.is_active and self.role == self.Role.PARTNER

    @property
    def is_company_user(self) -> bool:
        return self.is_active and self.role == self.Role.COMPANY

    def represented_company_ids(self) -> list[int]:
        return list(self.mandates.active().values_list("organisation_id", flat=True))


class MandateQuerySet(models.QuerySet):
    def active(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day),
        )


class Mandate(models.Model):
    """A user's right to act for one company; one person may represent several."""

    # CASCADE: a mandate has no meaning without its user or its company.
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="mandates", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        related_name="mandates",
        verbose_name=_("company"),
    )
    capacity = models.CharField(
        _("capacity"),
        max_length=100,
        blank=True,
        help_text=_("E.g. manager, employee, accountant."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_mandate_unique_user_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def find(self, raw: str):
        return self.filter(key_hash=_hash_token(raw), revoked_at__isnull=True).select_related(
            "user"
        )


class ApiToken(models.Model):
    """A bearer token for the REST API; only its hash is stored."""

    # CASCADE: a token dies with its user.
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(_("hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user, name: str = "") -> tuple["ApiToken", str]:
        """Create a token and return it with the raw key, which is shown only once."""
        # A fixed, letter-first prefix: keys are recognisable in logs and secret
        # scanners, and never start with "-" (which a command line reads as an option).
        body = secrets.token_urlsafe(32)
        while body.startswith("-"):  # the prefix is typed as a command argument (revoke)
            body = secrets.token_urlsafe(32)
        raw = "sch_" + body
        token = cls.objects.create(
            user=user, name=name, prefix=raw[4:12], key_hash=_hash_token(raw)
        )
        return token, raw


class LoginFailure(models.Model):
    """A failed login, kept for a short window to throttle password guessing."""

    username = models.CharField(_("username"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
