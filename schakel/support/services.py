"""Support actions shared by the web views, the API, commands and tests.

Each function takes model instances and the acting user, runs in one
transaction, writes an explicit `CaseEvent` and the audit log, adds the
company timeline entry and queues e-mail (sent after commit by the worker).
State changes are conditional UPDATEs on (state, version): a stale form or a
concurrent change loses cleanly instead of overwriting.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import zipfile
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from schakel.core import audit
from schakel.core.models import AuditEvent, OutgoingEmail
from schakel.core.validators import normalize_enterprise_number
from schakel.register.models import Activity, Contact, Organisation, OrganisationType
from schakel.register.services import add_timeline_entry
from schakel.support import sla
from schakel.support.emails import absolute_url, queue_email
from schakel.support.models import (
    Attachment,
    CaseEvent,
    Channel,
    Message,
    Note,
    Outcome,
    Question,
    Referral,
    RoutingRule,
    Task,
    hash_address,
)
from schakel.support.workflow import (
    ClosureReason,
    IllegalTransition,
    StaleVersion,
    State,
    WorkflowError,
    is_allowed,
)

RATE_LIMIT_PER_HOUR = 5


class RateLimited(WorkflowError):
    code = "rate_limited"


# --- events ---------------------------------------------------------------------------


def record_event(question, kind, actor=None, is_internal=True, **data) -> CaseEvent:
    """Write one explicit case event (the case's own history)."""
    return CaseEvent.objects.create(
        question=question,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data={key: (str(value) if value is not None else None) for key, value in data.items()},
        is_internal=is_internal,
    )


def _case_url(question) -> str:
    return reverse("support:case_detail", args=[question.pk])


def _company_url(question) -> str:
    return reverse("support:my_detail", args=[question.pk])


def _timeline(question, kind, title, actor=None, body="", is_internal=True, link=None):
    return add_timeline_entry(
        question.organisation,
        kind,
        title,
        actor=actor,
        body=body,
        link_url=link or _case_url(question),
        is_internal=is_internal,
        contact=question.contact,
    )


# --- intake ---------------------------------------------------------------------------


def find_or_create_organisation(enterprise_number: str, name: str, actor=None):
    """The organisation with this number, or a new one PENDING staff confirmation.

    Returns (organisation, created). Never creates a second row for a known number.
    """
    digits = normalize_enterprise_number(enterprise_number)
    organisation = Organisation.objects.filter(enterprise_number=digits).first()
    if organisation is not None:
        return organisation, False
    organisation = Organisation(
        name=name.strip()[:200],
        type=OrganisationType.COMPANY,
        status=Organisation.Status.PENDING,
        enterprise_number=digits,
        source=_("Support question (to be confirmed)"),
    )
    organisation.full_clean()
    organisation.save()
    audit.record_create(organisation, actor, message="support intake")
    return organisation, True


def find_or_create_contact(organisation, first_name, last_name, email, phone, language, actor):
    """The contact with this e-mail at this organisation, or a new contact."""
    contact = None
    if email:
        contact = (
            organisation.contacts.filter(email__iexact=email, erased_at__isnull=True)
            .order_by("id")
            .first()
        )
    if contact is not None:
        return contact, False
    contact = Contact(
        organisation=organisation,
        # A portal user may have no last name on their account.
        first_name=first_name.strip()[:100] or "—",
        last_name=last_name.strip()[:100] or "—",
        email=email,
        phone=phone,
        language=language if language in Contact.Language.values else Contact.Language.NL,
    )
    contact.full_clean()
    contact.save()
    audit.record_create(contact, actor, message="support intake")
    return contact, True


def check_rate_limit(address_hash: str, email: str, now=None) -> None:
    """At most RATE_LIMIT_PER_HOUR questions per address and per e-mail in the last hour.

    Counted from the stored questions, so the limit holds across processes and restarts.
    """
    since = (now or timezone.now()) - timedelta(hours=1)
    recent = Question.objects.filter(received_at__gte=since)
    by_address = recent.filter(submitted_from=address_hash).count() if address_hash else 0
    by_email = recent.filter(contact_email__iexact=email).count() if email else 0
    if by_address >= RATE_LIMIT_PER_HOUR or by_email >= RATE_LIMIT_PER_HOUR:
        raise RateLimited(
            _("You have asked several questions in the last hour. Please try again later.")
        )


def propose_owner(question):
    """The owner proposed by the routing rules (highest priority, then most specific)."""
    rules = RoutingRule.objects.filter(is_active=True, owner__is_active=True).select_related(
        "owner"
    )
    rules = rules.filter(Q(region__isnull=True) | Q(region_id=question.region_id))
    rules = rules.filter(Q(cluster__isnull=True) | Q(cluster_id=question.cluster_id))
    rules = rules.filter(Q(domain__isnull=True) | Q(domain_id=question.domain_id))
    candidates = sorted(rules, key=lambda r: (-r.priority, -r.specificity, r.pk))
    return candidates[0].owner if candidates else None


@dataclass
class Asker:
    first_name: str
    last_name: str
    email: str
    phone: str = ""
    language: str = "nl"


@transaction.atomic
def submit_question(
    *,
    organisation: Organisation,
    asker: Asker,
    text: str,
    channel: str = Channel.WEB,
    actor=None,
    company_name_given: str = "",
    domain=None,
    cluster=None,
    themes=(),
    address: str | None = None,
    received_at=None,
) -> Question:
    """Record a question (any channel), propose an owner and confirm it to the asker."""
    contact, _created = find_or_create_contact(
        organisation,
        asker.first_name,
        asker.last_name,
        asker.email,
        asker.phone,
        asker.language,
        actor,
    )
    received_at = received_at or timezone.now()
    question = Question(
        organisation=organisation,
        contact=contact,
        contact_first_name=asker.first_name,
        contact_last_name=asker.last_name,
        contact_email=asker.email,
        contact_phone=asker.phone,
        company_name_given=company_name_given or organisation.name,
        language=asker.language,
        text=text,
        channel=channel,
        domain=domain,
        cluster=cluster,
        region=organisation.municipality.region if organisation.municipality_id else None,
        received_at=received_at,
        first_response_due=sla.first_response_due(timezone.localdate(received_at)),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        last_changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_from=hash_address(address),
    )
    question.full_clean(exclude=["reference"])
    question.save()
    question.reference = f"Q-{timezone.localdate(received_at).year}-{question.pk:06d}"
    question.proposed_owner = propose_owner(question)
    question.save(update_fields=["reference", "proposed_owner"])
    if themes:
        question.themes.set(themes)
    record_event(question, CaseEvent.Kind.RECEIVED, actor, is_internal=False, channel=channel)
    audit.record_create(question, actor)
    _timeline(
        question,
        Activity.Kind.QUESTION,
        _("Question %(reference)s received") % {"reference": question.reference},
        actor,
        body=text,
        is_internal=False,
    )
    queue_email(
        asker.email,
        lambda: _("Your question %(reference)s") % {"reference": question.reference},
        "confirmation",
        {"question": question, "url": absolute_url(_company_url(question))},
        language=asker.language,
        question=question,
    )
    return question


# --- case changes ---------------------------------------------------------------------


def _stale(question) -> StaleVersion:
    current = Question.objects.select_related("last_changed_by").get(pk=question.pk)
    who = current.last_changed_by
    name = (who.get_full_name() or who.username) if who else _("someone")
    when = formats.date_format(timezone.localtime(current.last_changed_at), "DATETIME_FORMAT")
    return StaleVersion(
        _("This case was changed by %(name)s at %(when)s — reload the page and try again.")
        % {"name": name, "when": when}
    )


def _guarded_update(question, version, actor, expected_state=None, **fields) -> None:
    """UPDATE the case only if nobody changed it since `version` (and it is in `expected_state`)."""
    qs = Question.objects.filter(pk=question.pk, version=version)
    if expected_state is not None:
        qs = qs.filter(state=expected_state)
    won = qs.update(
        version=F("version") + 1,
        last_changed_by=actor,
        last_changed_at=timezone.now(),
        **fields,
    )
    if not won:
        current = Question.objects.get(pk=question.pk)
        if current.version != version:
            raise _stale(question)
        raise IllegalTransition(
            _("This case is now %(state)s; reload the page.")
            % {"state": current.get_state_display()}
        )
    question.refresh_from_db()


def _require_agency(actor):
    if not getattr(actor, "is_agency", False):
        raise PermissionDenied(_("Only agency staff may do this."))


def _mark_first_response(question, when=None) -> None:
    Question.objects.filter(pk=question.pk, first_responded_at__isnull=True).update(
        first_responded_at=when or timezone.now()
    )
    question.refresh_from_db(fields=["first_responded_at"])


@transaction.atomic
def triage(
    question,
    actor,
    version: int,
    *,
    owner=None,
    domain=None,
    cluster=None,
    region=None,
    themes=None,
) -> Question:
    """Assign the owner and classify the case; a new question becomes a triaged case."""
    _require_agency(actor)
    if owner is not None and not owner.is_agency:
        raise ValidationError({"owner": _("The owner must be an agency staff member.")})
    before = audit.snapshot(question)
    old_owner_id = question.owner_id
    was_new = question.state == State.NEW
    fields = {"owner": owner, "domain": domain, "cluster": cluster, "region": region}
    if was_new:
        fields["state"] = State.TRIAGED
    _guarded_update(question, version, actor, expected_state=question.state, **fields)
    if themes is not None:
        question.themes.set(themes)
    if old_owner_id != question.owner_id:
        record_event(question, CaseEvent.Kind.ASSIGNED, actor, owner=owner)
        _timeline(
            question,
            Activity.Kind.CASE,
            _("Case %(reference)s assigned to %(owner)s")
            % {"reference": question.reference, "owner": owner or "—"},
            actor,
        )
    if was_new:
        record_event(question, CaseEvent.Kind.TRIAGED, actor, domain=domain, cluster=cluster)
    audit.record_update(question, before, actor, message="triage")
    return question


@transaction.atomic
def transition(
    question, to: str, actor, version: int, closure_reason: str = "", comment: str = ""
) -> Question:
    """Move the case to state `to`; illegal moves and stale versions are refused."""
    _require_agency(actor)
    source = question.state
    if to not in State.values:
        raise IllegalTransition(_("Unknown state %(state)s.") % {"state": to})
    if not is_allowed(source, to):
        raise IllegalTransition(
            _("A case cannot go from %(source)s to %(target)s.")
            % {"source": State(source).label, "target": State(to).label}
        )
    fields = {"state": to}
    if to == State.CLOSED:
        if closure_reason not in ClosureReason.values:
            raise IllegalTransition(_("Choose why the case is closed."))
        fields.update(closure_reason=closure_reason, closed_at=timezone.now())
    else:
        fields.update(closure_reason="", closed_at=None)
    before = audit.snapshot(question)
    _guarded_update(question, version, actor, expected_state=source, **fields)
    reopened = source == State.CLOSED
    kind = CaseEvent.Kind.REOPENED if reopened else CaseEvent.Kind.TRANSITION
    record_event(
        question,
        kind,
        actor,
        is_internal=False,
        source=source,
        target=to,
        closure_reason=closure_reason or None,
        comment=comment or None,
    )
    if to in (State.CLOSED, State.WAITING):
        _mark_first_response(question)
    audit.record_update(question, before, actor, message=kind)
    if reopened:
        title = _("Case %(reference)s reopened") % {"reference": question.reference}
    else:
        title = _("Case %(reference)s: %(state)s") % {
            "reference": question.reference,
            "state": question.get_state_display(),
        }
    _timeline(question, Activity.Kind.CASE, title, actor, body=comment, is_internal=False)
    return question


@transaction.atomic
def add_note(question, body: str, actor) -> Note:
    _require_agency(actor)
    note = Note.objects.create(question=question, author=actor, body=body)
    record_event(question, CaseEvent.Kind.NOTE, actor, note=note.pk)
    audit.record_create(note, actor)
    return note


@transaction.atomic
def add_task(question, title: str, due_on: dt.date, actor, assignee=None) -> Task:
    _require_agency(actor)
    task = Task.objects.create(
        question=question, title=title, due_on=due_on, assignee=assignee or question.owner
    )
    record_event(question, CaseEvent.Kind.TASK, actor, task=task.title, due_on=due_on)
    audit.record_create(task, actor)
    return task


@transaction.atomic
def complete_task(task: Task, actor) -> Task:
    _require_agency(actor)
    won = Task.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now())
    if not won:
        raise WorkflowError(_("This task was already done."))
    task.refresh_from_db()
    record_event(task.question, CaseEvent.Kind.TASK_DONE, actor, task=task.title)
    return task


# --- attachments ----------------------------------------------------------------------

ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
    "csv": "text/csv",
}


def _looks_like(extension: str, head: bytes, upload) -> bool:
    """Does the content start with the magic bytes its extension promises?"""
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension in ("docx", "xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            names = set(zipfile.ZipFile(upload).namelist())
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        return ("word/document.xml" if extension == "docx" else "xl/workbook.xml") in names
    if extension in ("txt", "csv"):
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character may be cut at the end of the sample.
            if exc.start < len(head) - 4:
                try:
                    head.decode("cp1252")
                except UnicodeDecodeError:
                    return False
        return True
    return False


def validate_upload(upload) -> str:
    """Check the name, size and content of an uploaded file; returns the extension."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s: only %(types)s files are accepted.")
            % {"name": name, "types": ", ".join(sorted(set(ALLOWED_TYPES)))},
            code="attachment_type",
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(max)s MB.")
            % {"name": name, "max": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="attachment_size",
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if not _looks_like(extension, head, upload):
        raise ValidationError(
            _("%(name)s does not look like a %(type)s file.")
            % {"name": name, "type": extension.upper()},
            code="attachment_content",
        )
    return extension


@transaction.atomic
def add_attachment(question, upload, actor, is_internal: bool = False) -> Attachment:
    """Store a checked file under MEDIA_ROOT/support/ with a random name."""
    extension = validate_upload(upload)
    if not getattr(actor, "is_agency", False):
        is_internal = False
    attachment = Attachment(
        question=question,
        original_name=upload.name.replace("/", "_")[-200:],
        content_type=ALLOWED_TYPES[extension],
        size=upload.size,
        is_internal=is_internal,
        uploaded_by=actor,
    )
    folder = settings.MEDIA_ROOT / "support"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / attachment.stored_name
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        attachment.save()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    record_event(
        question,
        CaseEvent.Kind.ATTACHMENT,
        actor,
        is_internal=is_internal,
        name=attachment.original_name,
    )
    audit.record_create(attachment, actor)
    return attachment


def guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


# --- messages -------------------------------------------------------------------------


@transaction.atomic
def send_message(question, body: str, actor) -> Message:
    """A message from staff to the company: e-mailed to the asker and logged on the case."""
    _require_agency(actor)
    email = queue_email(
        question.contact_email,
        lambda: _("About your question %(reference)s") % {"reference": question.reference},
        "message",
        {"question": question, "body": body, "url": absolute_url(_company_url(question))},
        language=question.language,
        question=question,
    )
    message = Message.objects.create(
        question=question,
        direction=Message.Direction.TO_COMPANY,
        author=actor,
        body=body,
        email=email,
    )
    _mark_first_response(question)
    record_event(question, CaseEvent.Kind.MESSAGE_SENT, actor, is_internal=False)
    _timeline(
        question,
        Activity.Kind.EMAIL,
        _("Message about %(reference)s sent") % {"reference": question.reference},
        actor,
        body=body,
        is_internal=False,
    )
    return message


@transaction.atomic
def company_reply(question, body: str, actor) -> Message:
    """A company user adds information; the owner is told by e-mail."""
    if not Question.objects.visible_to(actor, "reply").filter(pk=question.pk).exists():
        raise PermissionDenied
    message = Message.objects.create(
        question=question, direction=Message.Direction.FROM_COMPANY, author=actor, body=body
    )
    record_event(question, CaseEvent.Kind.MESSAGE_RECEIVED, actor, is_internal=False)
    notify = question.owner or question.proposed_owner
    if notify is not None:
        queue_email(
            notify.email,
            lambda: _("New information on %(reference)s") % {"reference": question.reference},
            "company_reply",
            {"question": question, "body": body, "url": absolute_url(_case_url(question))},
            language=notify.language,
            question=question,
        )
    _timeline(
        question,
        Activity.Kind.QUESTION,
        _("The company added information to %(reference)s") % {"reference": question.reference},
        actor,
        body=body,
        is_internal=False,
    )
    return message


# --- referrals ------------------------------------------------------------------------


def _partner_addresses(partner: Organisation) -> list[str]:
    addresses = [
        u.email for u in partner.partner_users.filter(is_active=True, role="partner") if u.email
    ]
    if not addresses and partner.email:
        addresses = [partner.email]
    return addresses


@transaction.atomic
def refer(
    question,
    partner: Organisation,
    actor,
    message: str,
    *,
    share_question: bool = True,
    share_contact: bool = True,
    attachments=(),
    offering=None,
    consent_channel: str = "",
) -> Referral:
    """Refer the case to a partner. Nothing reaches the partner before the company consents.

    Staff who took the consent by phone (or at a visit) pass `consent_channel`;
    otherwise the company is asked to consent in the portal.
    """
    _require_agency(actor)
    if question.state == State.CLOSED:
        raise IllegalTransition(_("A closed case cannot be referred; reopen it first."))
    if partner.pk == question.organisation_id:
        raise ValidationError({"partner": _("A company cannot be referred to itself.")})
    if Referral.objects.filter(question=question, partner=partner).exists():
        raise ValidationError(
            {"partner": _("This case was already referred to %(partner)s.") % {"partner": partner}}
        )
    if offering is not None and offering.provider_id != partner.pk:
        raise ValidationError({"partner": _("The offering is provided by another organisation.")})
    foreign = [a for a in attachments if a.question_id != question.pk]
    if foreign:
        raise ValidationError({"attachments": _("Choose attachments of this case only.")})
    referral = Referral.objects.create(
        question=question,
        partner=partner,
        message=message,
        share_question=share_question,
        share_contact=share_contact,
        offering=offering,
        created_by=actor,
    )
    referral.shared_attachments.set(attachments)
    record_event(question, CaseEvent.Kind.REFERRAL, actor, is_internal=False, partner=partner.name)
    audit.record_create(referral, actor)
    _timeline(
        question,
        Activity.Kind.REFERRAL,
        _("%(reference)s referred to %(partner)s")
        % {"reference": question.reference, "partner": partner.name},
        actor,
        body=message,
        is_internal=False,
    )
    if is_allowed(question.state, State.REFERRED):
        question.refresh_from_db()
        transition(question, State.REFERRED, actor, question.version)
    _mark_first_response(question)
    if consent_channel:
        record_consent(referral, actor, consent_channel)
    else:
        queue_email(
            question.contact_email,
            lambda: (
                _("May we pass on your question %(reference)s?") % {"reference": question.reference}
            ),
            "consent_request",
            {
                "question": question,
                "referral": referral,
                "url": absolute_url(_company_url(question)),
            },
            language=question.language,
            question=question,
        )
    return referral


@transaction.atomic
def record_consent(referral: Referral, actor, channel: str = Referral.ConsentChannel.PORTAL):
    """The company agrees to what is shared; only now the partner sees the referral."""
    question = referral.question
    if actor.is_agency:
        if channel not in Referral.ConsentChannel.values:
            raise ValidationError({"consent_channel": _("Say how the consent was given.")})
    elif Referral.objects.visible_to(actor, "consent").filter(pk=referral.pk).exists():
        channel = Referral.ConsentChannel.PORTAL
    else:
        raise PermissionDenied
    now = timezone.now()
    won = Referral.objects.filter(pk=referral.pk, state=Referral.State.AWAITING_CONSENT).update(
        state=Referral.State.SENT,
        consent_given_at=now,
        consent_channel=channel,
        consent_recorded_by=actor,
    )
    if not won:
        raise WorkflowError(_("Consent for this referral was already recorded."))
    referral.refresh_from_db()
    record_event(
        question,
        CaseEvent.Kind.CONSENT,
        actor,
        is_internal=False,
        partner=referral.partner.name,
        channel=channel,
    )
    audit.record(referral, AuditEvent.Action.UPDATE, actor, message="consent " + channel)
    for address in _partner_addresses(referral.partner):
        queue_email(
            address,
            lambda: (
                _("New referral from POM West-Vlaanderen: %(company)s")
                % {"company": question.organisation.name}
            ),
            "referral_to_partner",
            {
                "referral": referral,
                "question": question,
                "url": absolute_url(reverse("support:partner_detail", args=[referral.pk])),
            },
            language="nl",
            question=question,
        )
    return referral


def _require_partner_of(referral, actor):
    if not Referral.objects.visible_to(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied
    if not (actor.is_agency or actor.is_partner):
        raise PermissionDenied


@transaction.atomic
def respond_to_referral(referral: Referral, actor, accept: bool, reason: str = "") -> Referral:
    """The partner accepts or declines (a decline needs a reason)."""
    _require_partner_of(referral, actor)
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why you decline this referral.")})
    target = Referral.State.ACCEPTED if accept else Referral.State.DECLINED
    won = Referral.objects.filter(pk=referral.pk, state=Referral.State.SENT).update(
        state=target, responded_at=timezone.now(), responded_by=actor, response_reason=reason
    )
    if not won:
        raise WorkflowError(_("This referral was already answered."))
    referral.refresh_from_db()
    question = referral.question
    kind = CaseEvent.Kind.ACCEPTED if accept else CaseEvent.Kind.DECLINED
    record_event(question, kind, actor, is_internal=False, partner=referral.partner.name)
    audit.record(referral, AuditEvent.Action.UPDATE, actor, message=target)
    _timeline(
        question,
        Activity.Kind.REFERRAL,
        (
            _("%(partner)s accepted the referral of %(reference)s")
            if accept
            else _("%(partner)s declined the referral of %(reference)s")
        )
        % {"partner": referral.partner.name, "reference": question.reference},
        actor,
        body=reason,
        is_internal=not accept,
    )
    if accept:
        queue_email(
            question.contact_email,
            lambda: _("%(partner)s will contact you") % {"partner": referral.partner.name},
            "referral_accepted",
            {"question": question, "referral": referral},
            language=question.language,
            question=question,
        )
    if question.owner and question.owner.email:
        queue_email(
            question.owner.email,
            lambda: _("Referral of %(reference)s answered") % {"reference": question.reference},
            "referral_answered",
            {
                "question": question,
                "referral": referral,
                "url": absolute_url(_case_url(question)),
            },
            language=question.owner.language,
            question=question,
        )
    return referral


@transaction.atomic
def report_outcome(
    referral: Referral, actor, outcome: str, outcome_on: dt.date, note: str = ""
) -> Referral:
    """What came of an accepted referral (learning for future referrals)."""
    _require_partner_of(referral, actor)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": _("The outcome date cannot be in the future.")})
    won = Referral.objects.filter(pk=referral.pk, state=Referral.State.ACCEPTED, outcome="").update(
        outcome=outcome, outcome_on=outcome_on, outcome_note=note
    )
    if not won:
        raise WorkflowError(_("An outcome can be reported once, on an accepted referral."))
    referral.refresh_from_db()
    question = referral.question
    record_event(
        question,
        CaseEvent.Kind.OUTCOME,
        actor,
        partner=referral.partner.name,
        outcome=outcome,
        outcome_on=outcome_on,
    )
    audit.record(referral, AuditEvent.Action.UPDATE, actor, message="outcome " + outcome)
    _timeline(
        question,
        Activity.Kind.REFERRAL,
        _("%(partner)s reported: %(outcome)s")
        % {"partner": referral.partner.name, "outcome": referral.get_outcome_display()},
        actor,
        body=note,
        is_internal=True,
    )
    return referral


# --- GDPR -----------------------------------------------------------------------------


@transaction.atomic
def erase_contact_data(contact: Contact, actor=None) -> int:
    """Blank the personal data copied from `contact` into questions and queued e-mail.

    Called from `register.services.erase_contact`; the questions themselves (and the
    statistics built on them) stay. Returns how many questions were blanked.
    """
    questions = Question.objects.filter(contact=contact)
    addresses = set(questions.exclude(contact_email="").values_list("contact_email", flat=True))
    count = questions.update(
        contact_first_name="—",
        contact_last_name="—",
        contact_email="",
        contact_phone="",
        submitted_from="",
    )
    if addresses:
        emails = OutgoingEmail.objects.filter(support_question__contact=contact, to__in=addresses)
        emails.filter(
            status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.RETRYING]
        ).update(status=OutgoingEmail.Status.FAILED, last_error="erased (GDPR)")
        emails.update(to="erased@invalid", body="")
    return count
