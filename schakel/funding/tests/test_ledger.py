"""The ledger: every entry is immutable, money adds up, and no invariant can be broken."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schakel.core.models import AuditEvent
from schakel.funding import ledger, services
from schakel.funding.ledger import BudgetExceeded, LedgerError
from schakel.funding.models import Application, Call, LedgerEntry, Programme

D = Decimal


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def proof():
    return SimpleUploadedFile("claim.pdf", b"%PDF-1.4 cost statement", "application/pdf")


def approved(call, submitted, manager, amount="50000.00", **kwargs):
    application = submitted(call, **kwargs)
    return services.decide(application, "approved", manager, amount=D(amount))


def test_approval_books_a_commitment_and_moves_the_totals(call, submitted, manager):
    # given a submitted application asking 60,000 EUR
    application = submitted(call)
    # when the fund manager approves 50,000 EUR
    services.decide(application, "approved", manager, amount=D("50000.00"))
    # then one commitment is booked and the call's totals follow the ledger
    entry = LedgerEntry.objects.get(application=application)
    assert (entry.kind, entry.amount_eur, entry.committed_delta_eur) == (
        "commitment",
        D("50000.00"),
        D("50000.00"),
    )
    call.refresh_from_db()
    assert (call.committed_eur, call.paid_eur, call.remaining_eur) == (
        D("50000.00"),
        D("0.00"),
        D("450000.00"),
    )
    assert (
        AuditEvent.objects.filter(object_id=str(entry.pk), message="ledger commitment").count() == 1
    )


def test_entries_cannot_be_changed_or_deleted(call, submitted, manager):
    application = approved(call, submitted, manager)
    entry = application.ledger_entries.get()
    entry.amount_eur = D("1.00")
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount_eur == D("50000.00")


def test_payment_above_the_commitment_is_refused_with_the_figures(call, submitted, manager):
    application = approved(call, submitted, manager)
    ledger.pay(application, D("30000.00"), manager)
    with pytest.raises(LedgerError) as refused:
        ledger.pay(application, D("20000.01"), manager)
    assert refused.value.code == "commitment_exceeded"
    assert refused.value.params["left"] == D("20000.00")
    application.refresh_from_db()
    assert application.paid_eur == D("30000.00")
    assert application.ledger_entries.count() == 2


def test_decommitment_below_paid_is_refused(call, submitted, manager):
    application = approved(call, submitted, manager)
    ledger.pay(application, D("45000.00"), manager)
    with pytest.raises(LedgerError) as refused:
        ledger.decommit(application, D("5000.01"), manager)
    assert refused.value.code == "below_paid"
    ledger.decommit(application, D("5000.00"), manager)
    application.refresh_from_db()
    assert (application.committed_eur, application.paid_eur) == (D("45000.00"), D("45000.00"))


def test_amendment_must_fit_the_call_budget(make_call, submitted, manager):
    call = make_call(code="small", budget="60000.00")
    application = approved(call, submitted, manager, amount="50000.00")
    with pytest.raises(BudgetExceeded) as refused:
        ledger.amend(application, D("10000.01"), manager)
    assert refused.value.params["remaining"] == D("10000.00")
    ledger.amend(application, D("10000.00"), manager)
    call.refresh_from_db()
    assert call.committed_eur == call.budget_eur == D("60000.00")


def test_reversal_cancels_an_entry_once(call, submitted, manager):
    application = approved(call, submitted, manager)
    payment = ledger.pay(application, D("1000.00"), manager)
    reversal = ledger.reverse(payment, manager, note="paid twice")
    assert (reversal.kind, reversal.paid_delta_eur, reversal.reverses_id) == (
        "reversal",
        D("-1000.00"),
        payment.pk,
    )
    with pytest.raises(LedgerError) as again:
        ledger.reverse(payment, manager)
    assert again.value.code == "already_reversed"
    with pytest.raises(LedgerError) as of_reversal:
        ledger.reverse(reversal, manager)
    assert of_reversal.value.code == "reversal_of_reversal"
    application.refresh_from_db()
    assert application.paid_eur == D("0.00")


def test_claim_needs_proof_and_payments_follow_the_claim(call, submitted, manager):
    application = approved(call, submitted, manager)
    with pytest.raises(LedgerError):
        ledger.claim(application, D("10000.00"), manager, proof=None)
    claim = ledger.claim(application, D("10000.00"), manager, proof=proof())
    ledger.pay(application, D("8000.00"), manager, claim_entry=claim)
    with pytest.raises(LedgerError) as refused:
        ledger.pay(application, D("2000.01"), manager, claim_entry=claim)
    assert refused.value.code == "claim_exceeded"
    with pytest.raises(LedgerError) as busy:
        ledger.reverse(claim, manager)
    assert busy.value.code == "claim_has_payments"


def test_the_database_refuses_totals_that_break_the_invariants(call, submitted, manager):
    # given an approved project; when code bypasses the ledger module
    application = approved(call, submitted, manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(committed_eur=call.budget_eur + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(paid_eur=D("50000.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=call.programme_id).update(allocated_eur=D("1000000.01"))


def test_calls_never_exceed_the_programme_envelope(make_call, programme):
    make_call(code="a", budget="600000.00")
    with pytest.raises(ValidationError) as refused:
        make_call(code="b", budget="400000.01")
    assert "400.000,00" in str(refused.value) or "400,000.00" in str(refused.value)
    make_call(code="b", budget="400000.00")
    programme.refresh_from_db()
    assert programme.allocated_eur == programme.envelope_eur


# --- property-based: random sequences keep every invariant ---------------------------------

amounts = st.decimals(min_value=D("0.01"), max_value=D("80000.00"), places=2)
operations = st.lists(
    st.tuples(
        st.sampled_from(["amend", "decommit", "claim", "pay", "reverse"]),
        amounts,
        st.integers(min_value=0, max_value=30),
    ),
    max_size=25,
)


def _check_invariants(call, applications):
    call.refresh_from_db()
    totals = ledger.totals_from_entries(LedgerEntry.objects.filter(call=call))
    assert call.committed_eur == totals["committed"]
    assert call.paid_eur == totals["paid"]
    assert D("0") <= call.committed_eur <= call.budget_eur
    for application in applications:
        application.refresh_from_db()
        own = ledger.totals_from_entries(application.ledger_entries.all())
        assert application.committed_eur == own["committed"]
        assert application.paid_eur == own["paid"]
        assert application.claimed_eur == own["claimed"]
        assert D("0") <= application.paid_eur <= application.committed_eur


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations, budget=st.decimals(min_value=D("60000"), max_value=D("200000"), places=2))
def test_random_ledger_sequences_keep_the_invariants(ops, budget, make_call, submitted, manager):
    # every example runs in its own savepoint, so examples do not pile up in the database
    savepoint = transaction.savepoint()
    try:
        _run_sequence(ops, budget, make_call, submitted, manager)
    finally:
        transaction.savepoint_rollback(savepoint)


def _run_sequence(ops, budget, make_call, submitted, manager):
    # given a call with two approved projects
    call = make_call(code="prop", budget=str(budget))
    first = approved(call, submitted, manager, amount="30000.00")
    second = approved(call, submitted, manager, amount="25000.00", title="Second")
    projects = [first, second]
    # when random entries are booked (refusals included)
    for kind, amount, pick in ops:
        application = projects[pick % 2]
        entries = list(LedgerEntry.objects.filter(call=call).order_by("id"))
        entries_before = len(entries)
        try:
            if kind == "amend":
                ledger.amend(application, amount, manager)
            elif kind == "decommit":
                ledger.decommit(application, amount, manager)
            elif kind == "claim":
                ledger.claim(application, amount, manager, proof=proof())
            elif kind == "pay":
                ledger.pay(application, amount, manager)
            else:
                ledger.reverse(entries[pick % len(entries)], manager)
        except LedgerError:
            # then a refusal leaves nothing behind
            assert LedgerEntry.objects.filter(call=call).count() == entries_before
        # and every invariant holds after every step
        _check_invariants(call, projects)
