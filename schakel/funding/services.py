"""Actions on funding: programmes and calls, applications, evaluation and decisions.

Plain functions taking model instances and the acting user, each in one transaction, each
writing the audit trail; views, the API, the demo and tests call the same code. Money
moves only through `schakel.funding.ledger`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from schakel.catalog import services as catalog_services
from schakel.catalog.models import Offering, OfferingKind
from schakel.core import audit, outbox
from schakel.core.models import AuditEvent
from schakel.core.outbox import absolute_url
from schakel.funding import deminimis, ledger
from schakel.funding.eligibility import reasons_not_eligible
from schakel.funding.ledger import LedgerError, eur
from schakel.funding.models import (
    HUNDRED,
    ZERO,
    Application,
    ApplicationDocument,
    ApplicationPartner,
    BudgetLine,
    Call,
    CostCategory,
    DeMinimisAid,
    EvaluatorAssignment,
    FinancingLine,
    FinancingSource,
    Indicator,
    Programme,
    ProjectIndicator,
    Score,
    money,
)
from schakel.register.models import Activity, Organisation
from schakel.register.services import add_timeline_entry


class NotDecidable(Exception):
    """The application is not in a state to decide (400 in the API)."""

    def __init__(self, status: str):
        self.status = status
        super().__init__(
            gettext("An application with status “%(status)s” cannot be decided.")
            % {"status": dict(Application.Status.choices)[status]}
        )


def _changes(instance, before):
    return audit.record_update(instance, before) if before is not None else None


def _status_event(application: Application, old: str, new: str, actor, message: str = ""):
    audit.record(
        application,
        AuditEvent.Action.UPDATE,
        actor,
        changes={"status": [old, new]},
        message=message or f"status {new}",
    )


# ---------------------------------------------------------------------------------------
# E-mail through the worker


def queue_email(user, subject, template: str, context: dict, about=None):
    """Render `funding/email/<template>.txt` in the user's language now; the worker sends it
    through the core outbox, linked to `about` (the application)."""
    if not user or not user.email:
        return None
    return outbox.queue_template(
        user.email,
        subject,
        f"funding/email/{template}.txt",
        {**context, "user": user},
        language=user.language,
        about=about,
    )


def applicant_users(application: Application):
    """Who hears about an application: users acting for the promoter, and who drafted it."""
    from schakel.accounts.models import Mandate, User

    users = {}
    for mandate in (
        Mandate.objects.active()
        .filter(organisation=application.applicant, user__is_active=True)
        .select_related("user")
    ):
        users[mandate.user_id] = mandate.user
    for user in User.objects.filter(is_active=True, partner_organisation=application.applicant):
        users[user.pk] = user
    for user in (application.created_by, application.submitted_by):
        if user is not None and user.is_active:
            users[user.pk] = user
    return list(users.values())


# ---------------------------------------------------------------------------------------
# Programmes and calls


@transaction.atomic
def save_programme(programme: Programme, actor, before: dict | None = None) -> Programme:
    if before is not None or programme.pk:
        locked = Programme.objects.select_for_update().filter(pk=programme.pk).first()
        if locked is not None:
            programme.allocated_eur = locked.allocated_eur
    programme.full_clean()
    programme.save()
    if before is None:
        audit.record_create(programme, actor)
    else:
        audit.record_update(programme, before, actor)
    return programme


@transaction.atomic
def save_call(call: Call, actor, before: dict | None = None, m2m: dict | None = None) -> Call:
    """Create or change a call. The calls of a programme never exceed its envelope: the
    programme row is locked while the other calls' budgets are summed."""
    programme = Programme.objects.select_for_update().get(pk=call.programme_id)
    if call.pk:
        current = Call.objects.select_for_update().get(pk=call.pk)
        call.committed_eur, call.paid_eur = current.committed_eur, current.paid_eur
        if current.programme_id != call.programme_id and current.committed_eur:
            raise ValidationError(
                {"programme": _("A call with commitments cannot move to another programme.")}
            )
    call.full_clean()
    others = ledger.total(
        Call.objects.filter(programme=programme).exclude(pk=call.pk), "budget_eur"
    )
    if others + call.budget_eur > programme.envelope_eur:
        raise ValidationError(
            {
                "budget_eur": _(
                    "The calls of %(programme)s would take %(total)s EUR of an envelope of "
                    "%(envelope)s EUR; at most %(room)s EUR is left for this call."
                )
                % {
                    "programme": programme.name,
                    "total": eur(others + call.budget_eur),
                    "envelope": eur(programme.envelope_eur),
                    "room": eur(programme.envelope_eur - others),
                }
            }
        )
    old_programme_id = None
    if call.pk:
        old_programme_id = Call.objects.filter(pk=call.pk).values_list("programme_id", flat=True)[0]
    call.save()
    for name, values in (m2m or {}).items():
        getattr(call, name).set(values)
    for pk in {programme.pk, old_programme_id} - {None}:
        allocated = ledger.total(Call.objects.filter(programme_id=pk), "budget_eur")
        Programme.objects.filter(pk=pk).update(allocated_eur=allocated)
    if before is None:
        audit.record_create(call, actor)
    else:
        audit.record_update(call, before, actor)
    sync_call_offering(call, actor)
    return call


def offering_id_for(call: Call) -> str:
    return f"funding-call-{call.code}"[:80].lower()


@transaction.atomic
def sync_call_offering(call: Call, actor=None) -> Offering:
    """Keep the call's catalogue offering in step with the call: kind funding, the funding
    body as provider, the call budget, the submission window as open period; a closed call's
    offering is archived. Matching and reverse matching then work on open calls."""
    offering = call.offering or Offering.objects.filter(external_id=offering_id_for(call)).first()
    before = audit.snapshot(offering) if offering else None
    if offering is None:
        offering = Offering(external_id=offering_id_for(call))
    programme = call.programme
    offering.kind = OfferingKind.FUNDING
    offering.provider = programme.funder
    offering.title_nl = call.title[:300]
    offering.description_nl = call.description or programme.description or call.title
    offering.budget_eur = call.budget_eur
    offering.open_from = timezone.localtime(call.opens_at).date()
    offering.open_until = timezone.localtime(call.closes_at).date()
    offering.audience_sizes = list(call.eligible_sizes or [])
    offering.audience_stages = list(call.eligible_stages or [])
    offering.is_archived = call.status == Call.Status.CLOSED
    offering.source = programme.source[:500]
    offering.url = absolute_url(reverse("funding:call_detail", args=[call.pk]))[:500]
    offering.themes = offering.themes or ["subsidie"]
    clusters = list(call.eligible_clusters.all())
    catalog_services.save_offering(offering, actor, before=before, m2m={"clusters": clusters})
    if call.offering_id != offering.pk:
        Call.objects.filter(pk=call.pk).update(offering=offering)
        call.offering = offering
    return offering


def sync_all_offerings(actor=None) -> int:
    """Re-sync every call's offering (e.g. daily, so closed calls leave the catalogue)."""
    count = 0
    for call in Call.objects.select_related("programme__funder", "offering"):
        sync_call_offering(call, actor)
        count += 1
    return count


# ---------------------------------------------------------------------------------------
# Applications


def _check_edit(application: Application):
    if not application.is_draft:
        raise ValidationError(
            _("A submitted application is frozen; create a new version to change it."),
            code="frozen",
        )


@transaction.atomic
def create_application(
    call: Call, applicant: Organisation, actor, title: str, moment=None
) -> Application:
    """Start a draft; the number is the next one in the call (under the call lock)."""
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.status_at(moment) == Call.Status.CLOSED:
        raise ValidationError(_("This call is closed."), code="call_closed")
    number = (locked.applications.aggregate(n=Max("number"))["n"] or 0) + 1
    application = Application(
        call=locked, applicant=applicant, number=number, title=title, created_by=actor
    )
    application.full_clean()
    application.save()
    audit.record_create(application, actor)
    return application


@dataclass
class Content:
    """What an applicant edits: texts, partners, budget by category, financing by source
    and indicator targets. Amounts are Decimals; missing means zero."""

    title: str
    description: str = ""
    planned_outputs: str = ""
    starts_on: object = None
    ends_on: object = None
    budget: dict = field(default_factory=dict)
    financing: dict = field(default_factory=dict)
    partners: list = field(default_factory=list)  # [(organisation, role)]
    targets: dict = field(default_factory=dict)  # {indicator code: Decimal}


def overheads_for(programme: Programme, budget: dict) -> Decimal:
    """Overheads at the programme's flat rate on personnel costs (rounded to the cent)."""
    personnel = Decimal(budget.get(CostCategory.PERSONNEL) or 0)
    return money(personnel * programme.overhead_flat_rate_pct / HUNDRED)


@transaction.atomic
def save_content(application: Application, content: Content, actor) -> Application:
    """Replace the editable content of a draft. Overheads are computed, never typed."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_edit(application)
    before = audit.snapshot(application)
    programme = application.call.programme
    application.title = content.title
    application.description = content.description
    application.planned_outputs = content.planned_outputs
    application.starts_on = content.starts_on
    application.ends_on = content.ends_on
    budget = {k: money(v) for k, v in content.budget.items() if v not in (None, "")}
    budget.pop(CostCategory.OVERHEADS, None)
    if programme.overhead_flat_rate_pct and CostCategory.OVERHEADS in (
        programme.eligible_categories or []
    ):
        budget[CostCategory.OVERHEADS] = overheads_for(programme, budget)
    financing = {k: money(v) for k, v in content.financing.items() if v not in (None, "")}
    application.full_clean()
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, category=k, amount_eur=v)
        for k, v in budget.items()
        if v
    )
    application.financing_lines.all().delete()
    FinancingLine.objects.bulk_create(
        FinancingLine(application=application, source=k, amount_eur=v)
        for k, v in financing.items()
        if v
    )
    application.partners.all().delete()
    for organisation, role in content.partners:
        if organisation.pk == application.applicant_id:
            raise ValidationError(
                {"partners": _("The promoter cannot also be a partner.")}, code="partner_self"
            )
        ApplicationPartner.objects.create(
            application=application, organisation=organisation, role=role
        )
    indicators = {i.code: i for i in Indicator.objects.all()}
    for code, target in content.targets.items():
        if code not in indicators:
            continue
        ProjectIndicator.objects.update_or_create(
            application=application,
            indicator=indicators[code],
            defaults={"target": money(target or 0)},
        )
    application.total_cost_eur = sum(budget.values(), ZERO)
    application.requested_eur = sum(
        (v for k, v in financing.items() if k != FinancingSource.OWN), ZERO
    )
    application.save()
    changes = audit.diff(before, audit.snapshot(application))
    changes["budget"] = [None, {k: str(v) for k, v in budget.items()}]
    changes["financing"] = [None, {k: str(v) for k, v in financing.items()}]
    audit.record(application, AuditEvent.Action.UPDATE, actor, changes, "content saved")
    return application


def submission_errors(application: Application, moment=None) -> dict[str, list[str]]:
    """Everything a fund manager checks before accepting an application, keyed by the part
    of the form it concerns. Empty means it may be submitted at `moment` (server time)."""
    moment = moment or timezone.now()
    call = application.call
    programme = call.programme
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(str(message))

    status = call.status_at(moment)
    if status == Call.Status.UPCOMING:
        add(
            "__all__",
            _("The call opens on %(moment)s; it does not accept applications yet.")
            % {"moment": timezone.localtime(call.opens_at).strftime("%d/%m/%Y %H:%M")},
        )
    elif status == Call.Status.CLOSED:
        add(
            "__all__",
            _("The call closed on %(moment)s; applications are no longer accepted.")
            % {"moment": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M")},
        )
    for reason in reasons_not_eligible(application.applicant, call):
        add("applicant", reason)
    if not application.title.strip():
        add("title", _("Give the project a title."))
    if not application.description.strip():
        add("description", _("Describe the project."))

    budget = {line.category: line.amount_eur for line in application.budget_lines.all()}
    financing = {line.source: line.amount_eur for line in application.financing_lines.all()}
    labels = dict(CostCategory.choices)
    for category in budget:
        if category not in (programme.eligible_categories or []):
            add(
                f"budget_{category}",
                _("%(category)s are not eligible in %(programme)s.")
                % {"category": labels[category], "programme": programme.name},
            )
    if CostCategory.OVERHEADS in budget:
        expected = overheads_for(programme, budget)
        if budget[CostCategory.OVERHEADS] != expected:
            add(
                "budget_overheads",
                _("Overheads are %(rate)s%% of personnel costs: %(expected)s EUR.")
                % {"rate": programme.overhead_flat_rate_pct, "expected": eur(expected)},
            )
    total = sum(budget.values(), ZERO)
    if total <= 0:
        add("budget", _("The budget is empty."))
    financed = sum(financing.values(), ZERO)
    if financed != total:
        add(
            "financing",
            _(
                "The financing plan (%(financed)s EUR) must equal the budget (%(total)s EUR) "
                "to the cent; the difference is %(difference)s EUR."
            )
            % {
                "financed": eur(financed),
                "total": eur(total),
                "difference": eur(financed - total),
            },
        )
    if total > 0:
        limits = programme.source_limits()
        source_labels = dict(FinancingSource.choices)
        public = ZERO
        for source, amount in financing.items():
            if source == FinancingSource.OWN:
                continue
            public += amount
            if source not in limits:
                add(
                    f"financing_{source}",
                    _("%(programme)s does not draw on %(source)s.")
                    % {"programme": programme.name, "source": source_labels[source]},
                )
                continue
            rate = amount * HUNDRED / total
            if rate > limits[source]:
                add(
                    f"financing_{source}",
                    _(
                        "%(source)s may cover at most %(max)s%% of the costs "
                        "(%(limit)s EUR); the plan asks %(rate)s%%."
                    )
                    % {
                        "source": source_labels[source],
                        "max": limits[source],
                        "limit": eur(money(total * limits[source] / HUNDRED)),
                        "rate": money(rate),
                    },
                )
        if public * HUNDRED / total > programme.max_cofinancing_pct:
            add(
                "financing",
                _(
                    "Public funding may cover at most %(max)s%% of the costs (%(limit)s EUR); "
                    "the plan asks %(public)s EUR."
                )
                % {
                    "max": programme.max_cofinancing_pct,
                    "limit": eur(money(total * programme.max_cofinancing_pct / HUNDRED)),
                    "public": eur(public),
                },
            )
    requested = sum((v for k, v in financing.items() if k != FinancingSource.OWN), ZERO)
    if call.max_grant_eur is not None and requested > call.max_grant_eur:
        add(
            "financing",
            _("The call grants at most %(max)s EUR per project.")
            % {"max": eur(call.max_grant_eur)},
        )
    documents = set(application.documents.values_list("name", flat=True))
    for name in call.required_documents or []:
        if name not in documents:
            add("documents", _("Attach the required document “%(name)s”.") % {"name": name})
    if (
        application.starts_on
        and application.ends_on
        and application.starts_on > application.ends_on
    ):
        add("ends_on", _("The project cannot end before it starts."))
    return errors


def application_content(application: Application) -> dict:
    """The frozen content of a submitted application (also the base of the PDF)."""
    return {
        "reference": application.reference,
        "call": application.call.code,
        "applicant": {
            "id": application.applicant_id,
            "name": application.applicant.name,
            "enterprise_number": application.applicant.enterprise_number or "",
        },
        "title": application.title,
        "description": application.description,
        "planned_outputs": application.planned_outputs,
        "starts_on": application.starts_on.isoformat() if application.starts_on else None,
        "ends_on": application.ends_on.isoformat() if application.ends_on else None,
        "partners": [
            {"id": p.organisation_id, "name": p.organisation.name, "role": p.role}
            for p in application.partners.select_related("organisation")
        ],
        "budget": {line.category: str(line.amount_eur) for line in application.budget_lines.all()},
        "financing": {
            line.source: str(line.amount_eur) for line in application.financing_lines.all()
        },
        "targets": {
            pi.indicator.code: str(pi.target)
            for pi in application.indicators.select_related("indicator")
        },
        "documents": [{"name": d.name, "file": d.file.name} for d in application.documents.all()],
        "total_cost_eur": str(application.total_cost_eur),
        "requested_eur": str(application.requested_eur),
    }


@transaction.atomic
def submit(application: Application, actor, moment=None) -> Application:
    """Submit a draft: every check passes at the server's clock, then the content is frozen
    (snapshot + fingerprint) and an earlier version is superseded."""
    Call.objects.select_for_update().get(pk=application.call_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_draft:
        raise ValidationError(_("This application was already submitted."), code="not_draft")
    # Views and the API never pass `moment`: the deadline is checked on the server's clock.
    now = moment or timezone.now()
    errors = submission_errors(application, now)
    if errors:
        raise ValidationError(errors)
    snapshot = application_content(application)
    won = Application.objects.filter(pk=application.pk, status=Application.Status.DRAFT).update(
        status=Application.Status.SUBMITTED,
        submitted_at=now,
        submitted_by=actor,
        snapshot=snapshot,
        snapshot_sha256=hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest(),
    )
    if not won:
        raise ValidationError(_("This application was already submitted."), code="not_draft")
    application.refresh_from_db()
    _status_event(application, Application.Status.DRAFT, application.status, actor)
    if application.previous_id:
        previous = application.previous
        old = previous.status
        Application.objects.filter(pk=previous.pk).update(status=Application.Status.SUPERSEDED)
        _status_event(previous, old, Application.Status.SUPERSEDED, actor)
    add_timeline_entry(
        application.applicant,
        Activity.Kind.FUNDING,
        gettext("Funding application %(reference)s submitted to %(call)s")
        % {"reference": application.reference, "call": application.call.title},
        actor=actor,
        link_url=reverse("funding:application_detail", args=[application.pk]),
        is_internal=False,
    )
    for user in applicant_users(application):
        queue_email(
            user,
            lambda a=application: (
                gettext("Application %(reference)s received") % {"reference": a.reference}
            ),
            "submitted",
            {
                "application": application,
                "url": absolute_url(reverse("funding:application_detail", args=[application.pk])),
            },
            about=application,
        )
    return application


@transaction.atomic
def new_version(application: Application, actor) -> Application:
    """Copy a submitted (not yet evaluated) application into a new draft version while the
    call is open; submitting the new version supersedes this one."""
    call = Call.objects.select_for_update().get(pk=application.call_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted application that is not yet evaluated gets a new version."),
            code="no_new_version",
        )
    if not call.is_open():
        raise ValidationError(_("The call is closed; no new version is possible."), code="closed")
    if Application.objects.filter(previous=application).exists():
        raise ValidationError(_("A new version already exists."), code="version_exists")
    copy = Application.objects.create(
        call=call,
        applicant=application.applicant,
        number=application.number,
        version=application.version + 1,
        previous=application,
        title=application.title,
        description=application.description,
        planned_outputs=application.planned_outputs,
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        created_by=actor,
        requested_eur=application.requested_eur,
        total_cost_eur=application.total_cost_eur,
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(application=copy, category=b.category, amount_eur=b.amount_eur)
        for b in application.budget_lines.all()
    )
    FinancingLine.objects.bulk_create(
        FinancingLine(application=copy, source=f.source, amount_eur=f.amount_eur)
        for f in application.financing_lines.all()
    )
    ApplicationPartner.objects.bulk_create(
        ApplicationPartner(application=copy, organisation_id=p.organisation_id, role=p.role)
        for p in application.partners.all()
    )
    ProjectIndicator.objects.bulk_create(
        ProjectIndicator(application=copy, indicator_id=i.indicator_id, target=i.target)
        for i in application.indicators.all()
    )
    ApplicationDocument.objects.bulk_create(
        ApplicationDocument(
            application=copy, name=d.name, file=d.file.name, uploaded_by=d.uploaded_by
        )
        for d in application.documents.all()
    )
    audit.record_create(copy, actor, message=f"new version of {application.reference}")
    return copy


@transaction.atomic
def withdraw(application: Application, actor) -> Application:
    allowed = (
        Application.Status.DRAFT,
        Application.Status.SUBMITTED,
        Application.Status.UNDER_EVALUATION,
    )
    old = application.status
    won = Application.objects.filter(pk=application.pk, status__in=allowed).update(
        status=Application.Status.WITHDRAWN
    )
    if not won:
        raise ValidationError(_("This application can no longer be withdrawn."), code="final")
    application.refresh_from_db()
    _status_event(application, old, application.status, actor)
    return application


@transaction.atomic
def add_document(application: Application, name: str, upload, actor) -> ApplicationDocument:
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_edit(application)
    document = ApplicationDocument(
        application=application, name=name.strip()[:200], file=upload, uploaded_by=actor
    )
    document.full_clean()
    document.save()
    audit.record(
        application,
        AuditEvent.Action.UPDATE,
        actor,
        changes={"documents": [None, document.name]},
        message="document added",
    )
    return document


# ---------------------------------------------------------------------------------------
# Evaluation


def may_evaluate(user) -> bool:
    """Evaluators are agency staff or external experts with a partner account."""
    return bool(user and user.is_active and (user.is_agency or user.is_partner))


@transaction.atomic
def assign_evaluator(application: Application, evaluator, actor) -> EvaluatorAssignment:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (
        Application.Status.SUBMITTED,
        Application.Status.UNDER_EVALUATION,
    ):
        raise ValidationError(
            _("Evaluators are assigned to submitted applications only."), code="not_submitted"
        )
    if not may_evaluate(evaluator):
        raise ValidationError(
            {"evaluator": _("Evaluators are staff members or external experts (partner users).")}
        )
    if evaluator.is_partner and evaluator.partner_organisation_id == application.applicant_id:
        raise ValidationError(
            {"evaluator": _("Somebody from the promoter cannot evaluate its application.")}
        )
    if EvaluatorAssignment.objects.filter(application=application, evaluator=evaluator).exists():
        raise ValidationError({"evaluator": _("This evaluator is already assigned.")})
    assignment = EvaluatorAssignment.objects.create(
        application=application, evaluator=evaluator, assigned_by=actor
    )
    audit.record_create(assignment, actor)
    if application.status == Application.Status.SUBMITTED:
        Application.objects.filter(pk=application.pk).update(
            status=Application.Status.UNDER_EVALUATION
        )
        _status_event(
            application, Application.Status.SUBMITTED, Application.Status.UNDER_EVALUATION, actor
        )
    queue_email(
        evaluator,
        lambda: (
            gettext("You are asked to evaluate %(reference)s")
            % {"reference": application.reference}
        ),
        "assigned",
        {
            "application": application,
            "url": absolute_url(reverse("funding:evaluation", args=[assignment.pk])),
        },
        about=application,
    )
    return assignment


@transaction.atomic
def declare(assignment: EvaluatorAssignment, actor, has_conflict: bool, note: str = ""):
    """The evaluator's declaration of (no) conflict of interest; made once, before access."""
    if actor.pk != assignment.evaluator_id:
        raise PermissionDenied
    won = EvaluatorAssignment.objects.filter(pk=assignment.pk, declared_at__isnull=True).update(
        declared_at=timezone.now(), has_conflict=has_conflict, conflict_note=note[:2000]
    )
    if not won:
        raise ValidationError(_("The declaration was already made."), code="declared")
    assignment.refresh_from_db()
    audit.record(
        assignment,
        AuditEvent.Action.UPDATE,
        actor,
        changes={"has_conflict": [None, has_conflict]},
        message="conflict of interest declared" if has_conflict else "no conflict declared",
    )
    return assignment


@transaction.atomic
def save_scores(assignment: EvaluatorAssignment, actor, scores: dict, final: bool = True):
    """Store the evaluator's scores {criterion_id: (score, motivation)}; with `final` every
    criterion must be scored and the evaluation is closed."""
    assignment = EvaluatorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if actor.pk != assignment.evaluator_id:
        raise PermissionDenied
    if not assignment.may_see_file:
        raise PermissionDenied
    if assignment.submitted_at:
        raise ValidationError(_("These scores were already submitted."), code="submitted")
    if assignment.application.status != Application.Status.UNDER_EVALUATION:
        raise ValidationError(_("The evaluation of this application is closed."), code="closed")
    criteria = list(assignment.application.call.criteria.all())
    errors = {}
    for criterion in criteria:
        value, motivation = scores.get(criterion.pk, (None, ""))
        key = f"criterion_{criterion.pk}"
        if value is None or value == "":
            if final:
                errors[key] = _("Score “%(name)s”.") % {"name": criterion.name}
            continue
        value = Decimal(value)
        if value < 0 or value > criterion.max_score:
            errors[key] = _("A score lies between 0 and %(max)s.") % {"max": criterion.max_score}
            continue
        if not (motivation or "").strip():
            errors[key] = _("Motivate the score for “%(name)s”.") % {"name": criterion.name}
            continue
        existing = Score.objects.filter(assignment=assignment, criterion=criterion).first()
        before = str(existing.score) if existing else None
        Score.objects.update_or_create(
            assignment=assignment,
            criterion=criterion,
            defaults={
                "score": value,
                "motivation": motivation.strip(),
                "scored_at": timezone.now(),
            },
        )
        if before != str(value):
            audit.record(
                assignment,
                AuditEvent.Action.UPDATE,
                actor,
                changes={f"score {criterion.name}"[:60]: [before, str(value)]},
                message="score",
            )
    if errors:
        raise ValidationError(errors)
    if final:
        EvaluatorAssignment.objects.filter(pk=assignment.pk).update(submitted_at=timezone.now())
        audit.record(assignment, AuditEvent.Action.UPDATE, actor, message="scores submitted")
    assignment.refresh_from_db()
    return assignment


@dataclass
class Consolidated:
    """The consolidated evaluation of one application."""

    application: Application
    evaluations: int
    averages: dict  # {criterion_id: Decimal}
    total: Decimal | None  # weighted, out of 100
    failed: list  # names of criteria under their threshold (+ the total)
    passed: bool
    rank: int | None = None
    cumulative_requested: Decimal = ZERO
    fits_budget: bool = False


def consolidate(application: Application, criteria=None) -> Consolidated:
    """Average each criterion over the submitted evaluations (evaluators with a conflict
    never score), weight the averages as the call says and test the thresholds."""
    call = application.call
    criteria = list(criteria if criteria is not None else call.criteria.all())
    done = [
        a
        for a in application.assignments.all()
        if a.submitted_at is not None and a.has_conflict is False
    ]
    if not done or not criteria:
        return Consolidated(application, 0, {}, None, [], False)
    by_criterion: dict[int, list[Decimal]] = {c.pk: [] for c in criteria}
    for assignment in done:
        for score in assignment.scores.all():
            if score.criterion_id in by_criterion:
                by_criterion[score.criterion_id].append(score.score)
    averages = {
        pk: (sum(values, ZERO) / len(values)).quantize(Decimal("0.01")) if values else None
        for pk, values in by_criterion.items()
    }
    weights = sum((c.weight for c in criteria), ZERO)
    total = sum(
        (c.weight * (averages[c.pk] or ZERO) / c.max_score for c in criteria),
        ZERO,
    )
    total = (total * HUNDRED / weights).quantize(Decimal("0.01"))
    failed = [
        c.name
        for c in criteria
        if c.threshold is not None and (averages[c.pk] is None or averages[c.pk] < c.threshold)
    ]
    if total < call.pass_threshold:
        failed.append(str(_("total score")))
    return Consolidated(application, len(done), averages, total, failed, not failed)


def ranking(call: Call) -> list[Consolidated]:
    """The applications of a call in ranking order: those that pass every threshold by
    total score (highest first; ties by earliest submission), then those that fail, then
    those not yet evaluated. The cumulative amount requested shows the funding line."""
    criteria = list(call.criteria.all())
    applications = (
        call.applications.filter(
            status__in=[
                Application.Status.SUBMITTED,
                Application.Status.UNDER_EVALUATION,
                Application.Status.APPROVED,
                Application.Status.REJECTED,
            ]
        )
        .select_related("applicant", "call")
        .prefetch_related("assignments__scores")
    )
    results = [consolidate(a, criteria) for a in applications]

    def key(r: Consolidated):
        group = 0 if r.passed else (1 if r.total is not None else 2)
        return (
            group,
            -(r.total or ZERO),
            r.application.submitted_at or timezone.now(),
            r.application.pk,
        )

    results.sort(key=key)
    running = ZERO
    for position, result in enumerate(results, start=1):
        if result.passed:
            result.rank = position
            running += result.application.requested_eur
            result.cumulative_requested = running
            result.fits_budget = running <= call.budget_eur
    return results


# ---------------------------------------------------------------------------------------
# Decision


def _lock_undertaking(organisation: Organisation) -> None:
    """Serialise de minimis checks of one single undertaking (ids in order: no deadlock)."""
    ids = sorted(deminimis.single_undertaking(organisation))
    list(Organisation.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def decide(
    application: Application, decision: str, actor, amount=None, motivation: str = "", day=None
):
    """Approve with an amount (booked as the commitment) or reject with a motivation.

    Raises NotDecidable when the application is not submitted or under evaluation,
    BudgetExceeded / DeMinimisExceeded (LedgerError) when the amount does not fit, and
    ValidationError for bad input. The call row is locked before anything is read, so
    concurrent approvals on one call are decided one after the other.
    """
    call = Call.objects.select_for_update().get(pk=application.call_id)
    application = (
        Application.objects.select_for_update()
        .select_related("call__programme", "applicant")
        .get(pk=application.pk)
    )
    if not application.is_decidable:
        raise NotDecidable(application.status)
    old = application.status
    today = day or timezone.localdate()
    if decision == Application.Status.APPROVED:
        if amount is None:
            raise ValidationError({"amount_eur": _("Give the amount granted.")})
        amount = Decimal(amount)
        if amount <= 0 or amount != money(amount):
            raise ValidationError(
                {"amount_eur": _("The amount must be positive, in euro and cent.")}
            )
        if amount > call.remaining_eur:
            raise ledger.BudgetExceeded(
                _(
                    "%(amount)s EUR does not fit the remaining budget of the call: "
                    "%(remaining)s EUR of %(budget)s EUR is left."
                ),
                "budget_exceeded",
                {
                    "amount": amount,
                    "remaining": call.remaining_eur,
                    "budget": call.budget_eur,
                    "committed": call.committed_eur,
                },
            )
        if call.programme.is_de_minimis and application.applicant.type == "company":
            _lock_undertaking(application.applicant)
            deminimis.check(application.applicant, amount, today)
        if amount > application.requested_eur:
            raise ValidationError(
                {
                    "amount_eur": _(
                        "The amount granted cannot exceed the amount requested (%(requested)s EUR)."
                    )
                    % {"requested": eur(application.requested_eur)}
                }
            )
    elif decision == Application.Status.REJECTED:
        if not (motivation or "").strip():
            raise ValidationError({"motivation": _("Motivate the rejection.")})
    else:
        raise ValidationError({"decision": _("Decide “approved” or “rejected”.")})

    won = Application.objects.filter(pk=application.pk, status=old).update(
        status=decision,
        decided_at=timezone.now(),
        decided_by=actor,
        decision_motivation=(motivation or "").strip(),
    )
    if not won:
        raise NotDecidable(old)
    application.refresh_from_db()
    _status_event(application, old, decision, actor, message=f"decision {decision}")
    if decision == Application.Status.APPROVED:
        ledger.commit(application, amount, actor, note=gettext("Approval"), booked_on=today)
        if call.programme.is_de_minimis and application.applicant.type == "company":
            aid = DeMinimisAid.objects.create(
                organisation=application.applicant,
                granted_on=today,
                amount_eur=amount,
                granting_body=call.programme.funder.name[:200],
                description=f"{application.reference} {application.title}"[:300],
                application=application,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit.record_create(aid, actor)
        title = gettext("Funding application %(reference)s approved: %(amount)s EUR") % {
            "reference": application.reference,
            "amount": eur(amount),
        }
    else:
        title = gettext("Funding application %(reference)s rejected") % {
            "reference": application.reference
        }
    add_timeline_entry(
        application.applicant,
        Activity.Kind.FUNDING,
        title,
        actor=actor,
        body=application.decision_motivation,
        link_url=reverse("funding:application_detail", args=[application.pk]),
        is_internal=False,
    )
    for user in applicant_users(application):
        queue_email(
            user,
            lambda a=application: (
                gettext("Decision on application %(reference)s") % {"reference": a.reference}
            ),
            "decided",
            {
                "application": application,
                "amount": eur(application.committed_eur) if decision == "approved" else "",
                "url": absolute_url(reverse("funding:application_detail", args=[application.pk])),
            },
            about=application,
        )
    return application


def record_payment(
    application: Application, amount, actor, claim_entry=None, note="", booked_on=None
):
    """Pay a project, and note it on the company's timeline."""
    with transaction.atomic():
        entry = ledger.pay(
            application, amount, actor, claim_entry=claim_entry, note=note, booked_on=booked_on
        )
        add_timeline_entry(
            application.applicant,
            Activity.Kind.FUNDING,
            gettext("Payment of %(amount)s EUR for %(reference)s")
            % {"amount": eur(entry.amount_eur), "reference": application.reference},
            actor=actor,
            link_url=reverse("funding:application_detail", args=[application.pk]),
            is_internal=False,
        )
    return entry


# ---------------------------------------------------------------------------------------
# De minimis and indicators


@transaction.atomic
def record_other_aid(organisation, granted_on, amount, granting_body, description, actor):
    """Staff record de minimis aid another body granted (it counts against the ceiling)."""
    aid = DeMinimisAid(
        organisation=organisation,
        granted_on=granted_on,
        amount_eur=amount,
        granting_body=granting_body,
        description=description,
        created_by=actor,
    )
    aid.full_clean()
    aid.save()
    audit.record_create(aid, actor)
    return aid


@transaction.atomic
def report_indicator(project_indicator: ProjectIndicator, realised, actor, reported_on=None):
    before = audit.snapshot(project_indicator)
    project_indicator.realised = money(realised)
    project_indicator.reported_on = reported_on or timezone.localdate()
    project_indicator.full_clean()
    project_indicator.save()
    audit.record_update(project_indicator, before, actor)
    return project_indicator


__all__ = [
    "LedgerError",
    "NotDecidable",
    "assign_evaluator",
    "consolidate",
    "create_application",
    "decide",
    "declare",
    "new_version",
    "ranking",
    "save_call",
    "save_content",
    "save_scores",
    "submission_errors",
    "submit",
]
