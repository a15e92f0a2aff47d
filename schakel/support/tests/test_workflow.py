import pytest
from django.core.exceptions import PermissionDenied

from schakel.core.audit import events_for
from schakel.register.models import Activity
from schakel.support import services
from schakel.support.models import CaseEvent, Question
from schakel.support.workflow import IllegalTransition, StaleVersion, State


def test_triage_assigns_owner_and_moves_new_to_triaged(question_a, staff_user):
    # given
    assert question_a.state == State.NEW
    assert question_a.version == 1
    # when
    services.triage(question_a, staff_user, 1, owner=staff_user)
    # then
    question_a.refresh_from_db()
    assert question_a.state == State.TRIAGED
    assert question_a.owner == staff_user
    assert question_a.version == 2
    kinds = list(question_a.events.values_list("kind", flat=True))
    assert kinds == ["received", "assigned", "triaged"]
    assert events_for(question_a).filter(action="update").count() == 1


def test_transition_through_the_loop_and_close(question_a, staff_user):
    services.triage(question_a, staff_user, 1, owner=staff_user)
    services.transition(question_a, State.IN_PROGRESS, staff_user, 2)
    services.transition(question_a, State.WAITING, staff_user, 3)
    services.transition(question_a, State.CLOSED, staff_user, 4, closure_reason="resolved")
    question_a.refresh_from_db()
    assert question_a.state == State.CLOSED
    assert question_a.closure_reason == "resolved"
    assert question_a.closed_at is not None
    # waiting_for_company counts as the first response to the company
    assert question_a.first_responded_at is not None
    transitions = CaseEvent.objects.filter(question=question_a, kind="transition")
    assert [e.data["target"] for e in transitions] == [
        "in_progress",
        "waiting_for_company",
        "closed",
    ]
    assert Activity.objects.filter(organisation=question_a.organisation, kind="case").count() == 4


def test_illegal_transition_is_refused_and_nothing_changes(question_a, staff_user):
    # given: a new case cannot go straight to "referred"
    events_before = question_a.events.count()
    # when / then
    with pytest.raises(IllegalTransition, match="cannot go from"):
        services.transition(question_a, State.REFERRED, staff_user, 1)
    question_a.refresh_from_db()
    assert question_a.state == State.NEW
    assert question_a.version == 1
    assert question_a.events.count() == events_before


def test_closing_needs_a_reason(question_a, staff_user):
    with pytest.raises(IllegalTransition):
        services.transition(question_a, State.CLOSED, staff_user, 1)
    assert Question.objects.get(pk=question_a.pk).state == State.NEW


def test_reopen_is_logged_as_reopened(question_a, staff_user):
    services.transition(question_a, State.CLOSED, staff_user, 1, closure_reason="withdrawn")
    services.transition(question_a, State.IN_PROGRESS, staff_user, 2, comment="They called back")
    question_a.refresh_from_db()
    assert question_a.state == State.IN_PROGRESS
    assert question_a.closure_reason == ""
    assert question_a.closed_at is None
    event = question_a.events.get(kind="reopened")
    assert event.data["source"] == "closed"
    assert event.data["comment"] == "They called back"


def test_stale_version_names_who_changed_the_case(question_a, staff_user, admin_user):
    # given: admin changed the case after staff loaded version 1
    admin_user.first_name, admin_user.last_name = "Ann", "Admin"
    admin_user.save()
    services.triage(question_a, admin_user, 1, owner=admin_user)
    stale = Question.objects.get(pk=question_a.pk)
    # when / then
    with pytest.raises(StaleVersion, match="changed by Ann Admin"):
        services.transition(stale, State.IN_PROGRESS, staff_user, 1)
    stale.refresh_from_db()
    assert stale.state == State.TRIAGED
    assert stale.version == 2
    assert stale.events.filter(kind="transition").count() == 0


def test_stale_triage_does_not_overwrite_the_owner(question_a, staff_user, admin_user):
    services.triage(question_a, admin_user, 1, owner=admin_user)
    with pytest.raises(StaleVersion):
        services.triage(question_a, staff_user, 1, owner=staff_user)
    assert Question.objects.get(pk=question_a.pk).owner == admin_user


def test_only_agency_staff_may_transition(question_a, company_user):
    with pytest.raises(PermissionDenied):
        services.transition(question_a, State.TRIAGED, company_user, 1)
    assert Question.objects.get(pk=question_a.pk).state == State.NEW


def test_routing_rule_proposes_owner_by_priority(make_question, company_a, staff_user, admin_user):
    from schakel.places.models import Domain
    from schakel.support.models import RoutingRule

    # given
    domain = Domain.objects.create(code="fof", name_nl="Fabriek van de toekomst")
    RoutingRule.objects.create(owner=admin_user, priority=0)  # catch-all
    RoutingRule.objects.create(owner=staff_user, domain=domain, priority=10)
    # when
    with_domain = make_question(company_a, domain=domain)
    without = make_question(company_a, email="other@alfa.be")
    # then
    assert with_domain.proposed_owner == staff_user
    assert without.proposed_owner == admin_user
