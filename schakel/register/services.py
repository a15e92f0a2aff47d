"""Actions on the register, shared by views, the API, imports and other apps.

Each function takes model instances and the acting user, runs in one
transaction and writes the audit trail, so every entry point behaves alike.
"""

from django.db import transaction
from django.utils import timezone

from schakel.core import audit
from schakel.core.models import AuditEvent
from schakel.register.models import Activity, Contact, Organisation, Relation

# Fields the KBO import may fill; staff edits to these are remembered in
# Organisation.manual_fields so the next import leaves them alone.
KBO_FIELDS = (
    "name",
    "legal_form",
    "street",
    "postal_code",
    "municipality",
    "main_nace",
    "start_date",
)


@transaction.atomic
def create_organisation(organisation: Organisation, actor, m2m: dict | None = None) -> Organisation:
    organisation.full_clean()
    organisation.save()
    for field, values in (m2m or {}).items():
        getattr(organisation, field).set(values)
    audit.record_create(organisation, actor)
    return organisation


@transaction.atomic
def update_organisation(
    organisation: Organisation, before: dict, actor, m2m: dict | None = None, by_hand: bool = True
) -> Organisation:
    """Save changes to `organisation` (already applied) against the snapshot `before`."""
    organisation.full_clean()
    if by_hand:
        changed = [
            name
            for name in KBO_FIELDS
            if before.get(name) != audit.plain_value(getattr(organisation, name))
        ]
        organisation.manual_fields = sorted(set(organisation.manual_fields) | set(changed))
    organisation.save()
    for field, values in (m2m or {}).items():
        getattr(organisation, field).set(values)
    audit.record_update(organisation, before, actor)
    return organisation


@transaction.atomic
def save_contact(contact: Contact, actor, before: dict | None = None) -> Contact:
    contact.full_clean()
    contact.save()
    if before is None:
        audit.record_create(contact, actor)
    else:
        audit.record_update(contact, before, actor)
    return contact


# Functions (contact, actor) run inside `erase_contact`'s transaction.
ERASURE_HOOKS: list = []


@transaction.atomic
def erase_contact(contact: Contact, actor) -> Contact:
    """GDPR erasure: personal data replaced, the record (and statistics) kept."""
    contact.first_name = "—"
    contact.last_name = "—"
    contact.job_title = ""
    contact.email = ""
    contact.phone = ""
    contact.newsletter_consent = False
    contact.erased_at = timezone.now()
    contact.save()
    audit.record(contact, AuditEvent.Action.ERASE, actor, message="GDPR erasure")
    # Apps that copy a contact's personal data (support questions) blank their
    # copies too; they register in AppConfig.ready, as register imports none of them.
    for hook in ERASURE_HOOKS:
        hook(contact, actor)
    return contact


def export_contact(contact: Contact) -> dict:
    """Everything the register holds about a contact (GDPR access request)."""
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "role": contact.job_title,
        "email": contact.email,
        "phone": contact.phone,
        "language": contact.language,
        "newsletter_consent": contact.newsletter_consent,
        "newsletter_consent_at": contact.newsletter_consent_at.isoformat()
        if contact.newsletter_consent_at
        else None,
        "organisation": {"id": contact.organisation_id, "name": contact.organisation.name},
        "activities": [
            {"when": a.occurred_at.isoformat(), "kind": a.kind, "title": a.title, "details": a.body}
            for a in contact.activities.all()
        ],
        "created_at": contact.created_at.isoformat(),
    }


def add_timeline_entry(
    organisation: Organisation,
    kind: str,
    title: str,
    actor=None,
    body: str = "",
    link_url: str = "",
    is_internal: bool = True,
    occurred_at=None,
    contact: Contact | None = None,
) -> Activity:
    """The one way other apps (questions, bookings, funding) write to a company's timeline."""
    return Activity.objects.create(
        organisation=organisation,
        kind=kind,
        title=title[:200],
        body=body,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        link_url=link_url,
        is_internal=is_internal,
        occurred_at=occurred_at or timezone.now(),
        contact=contact,
    )


@transaction.atomic
def add_relation(
    source: Organisation, target: Organisation, kind: str, actor, since=None, note: str = ""
) -> Relation:
    """Link two organisations; both audit trails show the new relation."""
    relation = Relation(source=source, target=target, kind=kind, since=since, note=note)
    relation.full_clean()
    relation.save()
    for organisation in (source, target):
        audit.record(
            organisation,
            AuditEvent.Action.UPDATE,
            actor,
            changes={"relations": [None, str(relation)]},
            message="Relation added",
        )
    return relation


@transaction.atomic
def remove_relation(relation: Relation, actor) -> None:
    description = str(relation)
    for organisation in (relation.source, relation.target):
        audit.record(
            organisation,
            AuditEvent.Action.UPDATE,
            actor,
            changes={"relations": [description, None]},
            message="Relation removed",
        )
    relation.delete()
