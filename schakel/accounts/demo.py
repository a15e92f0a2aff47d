"""Demo logins, one per role, all with the demo password (see `schakel.core.demo`).

- admin: administrator (superuser);
- staff: an account manager, who manages part of the demo companies;
- partner: a partner user at Sirris (a real knowledge centre from the reference data);
- company: a company user with mandates for two demo companies.

Runs after the register demo, which creates Sirris and the companies (`DEMO_AFTER`).
"""

from django.apps import apps
from django.db import transaction

from schakel.accounts.models import Mandate, User
from schakel.core.demo import DEMO_PASSWORD, FICTIONAL_SOURCE

DEMO_AFTER = ("schakel.register",)

ADMIN_USERNAME = "admin"
STAFF_USERNAME = "staff"
PARTNER_USERNAME = "partner"
COMPANY_USERNAME = "company"

#: The partner user works at this organisation (its stable `external_id`).
PARTNER_ORGANISATION_ID = "sirris"

_PEOPLE = {
    ADMIN_USERNAME: ("Hanne", "Vercruysse"),
    STAFF_USERNAME: ("Pieter", "Demeulenaere"),
    PARTNER_USERNAME: ("Lotte", "Vanhoutte"),
    COMPANY_USERNAME: ("Wout", "Decoene"),
}


def _ensure_user(username: str, role: str, **fields) -> tuple[User, bool]:
    """Create the user with the demo password, or bring an existing one back to its role."""
    first_name, last_name = _PEOPLE[username]
    fields = {
        "role": role,
        "first_name": first_name,
        "last_name": last_name,
        "email": f"{username}@example.be",
        "is_active": True,
        "language": "nl",
        **fields,
    }
    user = User.objects.filter(username=username).first()
    if user is None:
        return User.objects.create_user(username=username, password=DEMO_PASSWORD, **fields), True
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)
    return user, False


@transaction.atomic
def ensure_agency_users() -> tuple[User, User]:
    """The demo administrator and account manager; the register demo assigns companies to them."""
    admin, _ = _ensure_user(ADMIN_USERNAME, User.Role.ADMIN, is_staff=True, is_superuser=True)
    staff, _ = _ensure_user(STAFF_USERNAME, User.Role.STAFF, is_staff=True, is_superuser=False)
    return admin, staff


@transaction.atomic
def load(options: dict, stdout) -> None:
    Organisation = apps.get_model("register", "Organisation")
    ensure_agency_users()

    partner_org = Organisation.objects.filter(external_id=PARTNER_ORGANISATION_ID).first()
    if partner_org is None:
        raise RuntimeError(
            "The register demo did not create the partner organisation "
            f"{PARTNER_ORGANISATION_ID!r}; the partner login needs it."
        )
    _ensure_user(
        PARTNER_USERNAME,
        User.Role.PARTNER,
        partner_organisation=partner_org,
        is_staff=False,
        is_superuser=False,
    )

    company_user, _ = _ensure_user(
        COMPANY_USERNAME, User.Role.COMPANY, is_staff=False, is_superuser=False
    )
    companies = list(
        Organisation.objects.filter(type="company", source=FICTIONAL_SOURCE)
        .exclude(external_id=None)
        .order_by("external_id")[:2]
    )
    for company in companies:
        Mandate.objects.get_or_create(
            user=company_user, organisation=company, defaults={"capacity": "zaakvoerder"}
        )
    if options.get("verbosity", 1) >= 1:
        stdout.write(
            "Demo users: {users} (company user acts for: {companies})".format(
                users=", ".join(_PEOPLE),
                companies=", ".join(c.name for c in companies) or "-",
            )
        )


def logins() -> list[tuple[str, str]]:
    """(role, username) of each demo login, printed by `schakel demo`."""
    partner = (
        User.objects.filter(username=PARTNER_USERNAME)
        .select_related("partner_organisation")
        .first()
    )
    company = User.objects.filter(username=COMPANY_USERNAME).first()
    mandates = (
        ", ".join(m.organisation.name for m in company.mandates.select_related("organisation"))
        if company
        else ""
    )
    return [
        ("administrator", ADMIN_USERNAME),
        ("staff / account manager", STAFF_USERNAME),
        (
            "partner user ({org})".format(
                org=partner.partner_organisation.name if partner else PARTNER_ORGANISATION_ID
            ),
            PARTNER_USERNAME,
        ),
        ("company user ({companies})".format(companies=mandates or "-"), COMPANY_USERNAME),
    ]
