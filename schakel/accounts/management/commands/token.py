"""`schakel token create|list|revoke`: API tokens for the REST API.

The raw key is printed once, alone on the last line of `create`'s output, so a
script can capture it with `schakel token create alice | tail -n 1`.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.accounts.models import ApiToken


def get_user(username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(_("No user with username %(username)s.") % {"username": username})


def create_token(username: str, name: str = "") -> tuple[ApiToken, str]:
    user = get_user(username)
    if not user.is_active:
        raise CommandError(
            _("User %(username)s is inactive; activate the account first.") % {"username": username}
        )
    return ApiToken.issue(user, name=name)


def list_tokens(username: str):
    return get_user(username).api_tokens.order_by("-created_at", "-id")


@transaction.atomic
def revoke_token(prefix: str) -> ApiToken:
    """Revoke the one active token whose key starts with `prefix` (with or without "sch_")."""
    if prefix.startswith("sch_") and len(prefix) <= 12:
        prefix = prefix[4:]
    if len(prefix) > 8:
        # Someone pasted the whole key: find it by its hash.
        matches = list(ApiToken.objects.find(prefix).select_for_update())
    else:
        matches = list(
            ApiToken.objects.select_for_update().filter(prefix=prefix, revoked_at__isnull=True)
        )
    if not matches:
        raise CommandError(_("No active token has prefix %(prefix)s.") % {"prefix": prefix})
    if len(matches) > 1:
        raise CommandError(
            _("%(count)s active tokens have prefix %(prefix)s; revoke them in the admin.")
            % {"count": len(matches), "prefix": prefix}
        )
    token = matches[0]
    # A conditional update, so two revocations at once cannot both report success.
    won = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not won:
        raise CommandError(_("This token was already revoked."))
    token.refresh_from_db()
    return token


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = sub.add_parser("create", help="Create a token; prints the key once.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")
        listing = sub.add_parser("list", help="List a user's tokens (prefixes only).")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke the active token with this prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            token, raw = create_token(options["username"], options["name"])
            self.stderr.write(
                _(
                    "Token %(prefix)s… created for %(username)s. "
                    "Store it now: it is not shown again."
                )
                % {"prefix": token.prefix, "username": token.user.username}
            )
            self.stdout.write(raw)
        elif action == "list":
            tokens = list_tokens(options["username"])
            if not tokens:
                self.stdout.write(_("No tokens."))
            for token in tokens:
                state = (
                    _("revoked %(at)s") % {"at": _when(token.revoked_at)}
                    if token.revoked_at
                    else _("active")
                )
                used = _when(token.last_used_at) if token.last_used_at else _("never used")
                self.stdout.write(
                    "\t".join(
                        [token.prefix, token.name or "-", _when(token.created_at), used, state]
                    )
                )
        elif action == "revoke":
            token = revoke_token(options["prefix"])
            self.stdout.write(
                _("Token %(prefix)s… of %(username)s revoked.")
                % {"prefix": token.prefix, "username": token.user.username}
            )
