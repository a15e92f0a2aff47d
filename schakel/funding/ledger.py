"""The budget ledger: commitments, amendments, decommitments, claims, payments, reversals.

Every function here takes the call row lock first (`SELECT … FOR UPDATE` on PostgreSQL;
SQLite runs every transaction as IMMEDIATE, which serialises writers), reads the running
totals inside the lock, checks the invariants, writes one immutable `LedgerEntry` and
moves the totals with `F()` expressions in the same transaction:

- the commitments of a call never exceed its budget;
- the payments of a project never exceed its commitment (nor fall below zero);
- a commitment never falls below what was already paid.

The database backs each of these with a `CheckConstraint` on the totals, so even code
that bypassed this module could not break them. Refusals raise `LedgerError` (a
`ValidationError`) with a stable `code` and the figures in `params`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from schakel.core import audit
from schakel.core.models import AuditEvent
from schakel.funding.models import ZERO, Application, Call, LedgerEntry, money


class LedgerError(Exception):
    """A ledger action that would break an invariant. `code` is stable; `params` has the
    figures (Decimals) and `message` the translated explanation with them."""

    def __init__(self, message, code: str, params: dict | None = None):
        self.code = code
        self.params = params or {}
        self._message = message
        super().__init__(str(self.message))

    @property
    def message(self) -> str:
        shown = {k: eur(v) if isinstance(v, Decimal) else v for k, v in self.params.items()}
        return str(self._message) % shown

    @property
    def messages(self) -> list[str]:
        return [self.message]

    def figures(self) -> dict:
        """The figures as decimal strings (for the API)."""
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in self.params.items()}


class BudgetExceeded(LedgerError):
    """The amount does not fit what is left of the call budget."""


def eur(value: Decimal) -> str:
    """An amount as people read it in the active language (125.000,00 in Dutch)."""
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def lock(application: Application) -> tuple[Call, Application]:
    """Lock the call row (always first, so two ledger actions never deadlock), then read
    the project's totals inside the lock."""
    call = Call.objects.select_for_update().get(pk=application.call_id)
    fresh = Application.objects.select_for_update().get(pk=application.pk)
    return call, fresh


def _positive(amount) -> Decimal:
    if amount is None:
        raise LedgerError(_("Give an amount."), "amount_required")
    amount = Decimal(amount)
    if amount != money(amount):
        raise LedgerError(
            _("Amounts are in euro and cent: %(amount)s has too many decimals."),
            "too_many_decimals",
            {"amount": str(amount)},
        )
    if amount <= 0:
        raise LedgerError(_("The amount must be more than zero."), "amount_not_positive")
    return amount


def _check(call: Call, app: Application, committed: Decimal, paid: Decimal, amount: Decimal):
    """Refuse a change that would move the totals by (`committed`, `paid`) past a limit."""
    if committed > 0 and call.committed_eur + committed > call.budget_eur:
        raise BudgetExceeded(
            _(
                "%(amount)s EUR does not fit the remaining budget of the call: "
                "%(remaining)s EUR of %(budget)s EUR is left."
            ),
            "budget_exceeded",
            {
                "amount": amount,
                "remaining": call.budget_eur - call.committed_eur,
                "budget": call.budget_eur,
                "committed": call.committed_eur,
            },
        )
    new_committed = app.committed_eur + committed
    new_paid = app.paid_eur + paid
    if new_paid > new_committed and paid > 0:
        raise LedgerError(
            _(
                "%(amount)s EUR exceeds what is left to pay of the commitment: "
                "%(left)s EUR (committed %(committed)s EUR, paid %(paid)s EUR)."
            ),
            "commitment_exceeded",
            {
                "amount": amount,
                "left": app.committed_eur - app.paid_eur,
                "committed": app.committed_eur,
                "paid": app.paid_eur,
            },
        )
    if new_committed < new_paid or new_committed < 0:
        raise LedgerError(
            _(
                "The commitment cannot fall below what is already paid: %(paid)s EUR is paid "
                "and at most %(left)s EUR can be released."
            ),
            "below_paid",
            {"paid": app.paid_eur, "left": max(app.committed_eur - app.paid_eur, ZERO)},
        )


def _book(
    call: Call,
    app: Application,
    kind: str,
    amount: Decimal,
    actor,
    *,
    committed: Decimal = ZERO,
    claimed: Decimal = ZERO,
    paid: Decimal = ZERO,
    note: str = "",
    proof=None,
    claim: LedgerEntry | None = None,
    reverses: LedgerEntry | None = None,
    booked_on=None,
) -> LedgerEntry:
    entry = LedgerEntry(
        call=call,
        application=app,
        kind=kind,
        amount_eur=amount,
        committed_delta_eur=committed,
        claimed_delta_eur=claimed,
        paid_delta_eur=paid,
        note=note[:500],
        claim=claim,
        reverses=reverses,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if booked_on is not None:
        entry.booked_on = booked_on
    if proof is not None:
        entry.proof = proof
    entry.save()
    # Absolute values computed from the locked rows, not F() arithmetic: SQLite keeps
    # decimals as floating point, and 0.1 + 0.2 must stay 0.30 to the cent.
    Call.objects.filter(pk=call.pk).update(
        committed_eur=call.committed_eur + committed, paid_eur=call.paid_eur + paid
    )
    Application.objects.filter(pk=app.pk).update(
        committed_eur=app.committed_eur + committed,
        claimed_eur=app.claimed_eur + claimed,
        paid_eur=app.paid_eur + paid,
    )
    call.committed_eur += committed
    call.paid_eur += paid
    app.committed_eur += committed
    app.claimed_eur += claimed
    app.paid_eur += paid
    audit.record(
        entry,
        AuditEvent.Action.CREATE,
        actor,
        changes={
            "kind": [None, kind],
            "amount_eur": [None, str(amount)],
            "application": [None, app.reference],
            "committed_eur": [str(app.committed_eur - committed), str(app.committed_eur)],
            "paid_eur": [str(app.paid_eur - paid), str(app.paid_eur)],
        },
        message=f"ledger {kind}",
    )
    return entry


def _sync(application: Application, app: Application) -> None:
    """Bring the caller's instance up to date with the locked one."""
    for name in ("committed_eur", "claimed_eur", "paid_eur", "status"):
        setattr(application, name, getattr(app, name))


@transaction.atomic
def commit(application: Application, amount, actor, note: str = "", booked_on=None):
    """Book the commitment of an approved project (once; later changes are amendments)."""
    amount = _positive(amount)
    call, app = lock(application)
    if app.status != Application.Status.APPROVED:
        raise LedgerError(_("Only an approved project can receive a commitment."), "not_approved")
    open_commitments = app.ledger_entries.filter(
        kind=LedgerEntry.Kind.COMMITMENT, reversed_by__isnull=True
    )
    if open_commitments.exists():
        raise LedgerError(
            _("This project already has a commitment; book an amendment instead."),
            "already_committed",
        )
    _check(call, app, amount, ZERO, amount)
    entry = _book(
        call,
        app,
        LedgerEntry.Kind.COMMITMENT,
        amount,
        actor,
        committed=amount,
        note=note,
        booked_on=booked_on,
    )
    _sync(application, app)
    return entry


def _require_commitment(app: Application):
    if (
        app.status != Application.Status.APPROVED
        or not app.ledger_entries.filter(
            kind=LedgerEntry.Kind.COMMITMENT, reversed_by__isnull=True
        ).exists()
    ):
        raise LedgerError(
            _("This project has no commitment to change or pay from."), "no_commitment"
        )


@transaction.atomic
def amend(application: Application, amount, actor, note: str = "", booked_on=None):
    """Raise the commitment of a project by `amount` (it must fit the call budget)."""
    amount = _positive(amount)
    call, app = lock(application)
    _require_commitment(app)
    _check(call, app, amount, ZERO, amount)
    entry = _book(
        call,
        app,
        LedgerEntry.Kind.AMENDMENT,
        amount,
        actor,
        committed=amount,
        note=note,
        booked_on=booked_on,
    )
    _sync(application, app)
    return entry


@transaction.atomic
def decommit(application: Application, amount, actor, note: str = "", booked_on=None):
    """Release part of a commitment back to the call budget (never below what is paid)."""
    amount = _positive(amount)
    call, app = lock(application)
    _require_commitment(app)
    _check(call, app, -amount, ZERO, amount)
    entry = _book(
        call,
        app,
        LedgerEntry.Kind.DECOMMITMENT,
        amount,
        actor,
        committed=-amount,
        note=note,
        booked_on=booked_on,
    )
    _sync(application, app)
    return entry


@transaction.atomic
def claim(application: Application, amount, actor, proof, note: str = "", booked_on=None):
    """Record a payment claim of the promoter with its proof (a file: cost statement,
    invoices). A claim alone moves no money; payments follow it."""
    amount = _positive(amount)
    if not proof:
        raise LedgerError(_("A payment claim needs its proof."), "proof_required")
    call, app = lock(application)
    _require_commitment(app)
    entry = _book(
        call,
        app,
        LedgerEntry.Kind.CLAIM,
        amount,
        actor,
        claimed=amount,
        note=note,
        proof=proof,
        booked_on=booked_on,
    )
    _sync(application, app)
    return entry


@transaction.atomic
def pay(
    application: Application,
    amount,
    actor,
    claim_entry: LedgerEntry | None = None,
    note: str = "",
    booked_on=None,
):
    """Pay out of the commitment (an advance without claim, or against a claim)."""
    amount = _positive(amount)
    call, app = lock(application)
    _require_commitment(app)
    if claim_entry is not None:
        if (
            claim_entry.application_id != app.pk
            or claim_entry.kind != LedgerEntry.Kind.CLAIM
            or hasattr_reversal(claim_entry)
        ):
            raise LedgerError(_("This claim cannot be paid."), "claim_invalid")
        paid_on_claim = total(
            LedgerEntry.objects.filter(claim=claim_entry, reversed_by__isnull=True), "amount_eur"
        )
        if paid_on_claim + amount > claim_entry.amount_eur:
            raise LedgerError(
                _("Only %(left)s EUR of this claim is unpaid; %(amount)s EUR is too much."),
                "claim_exceeded",
                {"left": claim_entry.amount_eur - paid_on_claim, "amount": amount},
            )
    _check(call, app, ZERO, amount, amount)
    entry = _book(
        call,
        app,
        LedgerEntry.Kind.PAYMENT,
        amount,
        actor,
        paid=amount,
        note=note,
        claim=claim_entry,
        booked_on=booked_on,
    )
    _sync(application, app)
    return entry


def hasattr_reversal(entry: LedgerEntry) -> bool:
    return LedgerEntry.objects.filter(reverses=entry).exists()


@transaction.atomic
def reverse(entry: LedgerEntry, actor, note: str = "", booked_on=None) -> LedgerEntry:
    """Cancel an entry by booking its opposite. Each entry can be reversed once; a reversal
    itself is not reversed (book the original again instead)."""
    call, app = lock(entry.application)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if entry.kind == LedgerEntry.Kind.REVERSAL:
        raise LedgerError(_("A reversal cannot be reversed."), "reversal_of_reversal")
    if hasattr_reversal(entry):
        raise LedgerError(_("This entry is already reversed."), "already_reversed")
    if (
        entry.kind == LedgerEntry.Kind.CLAIM
        and LedgerEntry.objects.filter(claim=entry, reversed_by__isnull=True).exists()
    ):
        raise LedgerError(
            _("Payments were made on this claim; reverse those payments first."),
            "claim_has_payments",
        )
    committed, claimed, paid = (
        -entry.committed_delta_eur,
        -entry.claimed_delta_eur,
        -entry.paid_delta_eur,
    )
    _check(call, app, committed, paid, entry.amount_eur)
    reversal = _book(
        call,
        app,
        LedgerEntry.Kind.REVERSAL,
        entry.amount_eur,
        actor,
        committed=committed,
        claimed=claimed,
        paid=paid,
        reverses=entry,
        note=note or f"reversal of #{entry.pk}",
        booked_on=booked_on,
    )
    return reversal


def totals_from_entries(queryset) -> dict[str, Decimal]:
    """Committed, claimed and paid as the sum of ledger entries (the source of truth)."""
    sums = queryset.aggregate(
        committed=Sum("committed_delta_eur"),
        claimed=Sum("claimed_delta_eur"),
        paid=Sum("paid_delta_eur"),
    )
    return {key: money(value or ZERO) for key, value in sums.items()}


def total(queryset, field: str) -> Decimal:
    """SUM of a money column, exact to the cent (SQLite sums decimals as floats)."""
    return money(queryset.aggregate(total=Sum(field))["total"] or ZERO)
