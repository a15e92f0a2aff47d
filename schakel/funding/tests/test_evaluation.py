"""Evaluation: conflicts of interest block access, scores consolidate by the call's
weights and thresholds, and the ranking follows."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from schakel.core.models import AuditEvent
from schakel.funding import services
from schakel.funding.models import Application

D = Decimal


def scores_for(call, innovation, impact):
    innovation_c, impact_c = call.criteria.order_by("position")
    return {
        innovation_c.pk: (D(innovation), "Motivated"),
        impact_c.pk: (D(impact), "Motivated"),
    }


def evaluate(application, evaluator, manager, innovation, impact):
    assignment = services.assign_evaluator(application, evaluator, manager)
    services.declare(assignment, evaluator, has_conflict=False)
    services.save_scores(assignment, evaluator, scores_for(application.call, innovation, impact))
    return assignment


def test_a_declared_conflict_blocks_the_file(client, call, submitted, manager, evaluator):
    application = submitted(call)
    assignment = services.assign_evaluator(application, evaluator, manager)
    client.force_login(evaluator)
    # before the declaration: the declaration form, not the file
    page = client.get(f"/funding/evaluations/{assignment.pk}/")
    assert "Declaration" in page.content.decode() or "Verklaring" in page.content.decode()
    assert "We automate welding." not in page.content.decode()
    # declaring a conflict
    client.post(
        f"/funding/evaluations/{assignment.pk}/", {"has_conflict": "yes", "note": "Former employer"}
    )
    assignment.refresh_from_db()
    assert assignment.has_conflict is True
    # then the evaluation page refuses, the application page is out of reach, scoring fails
    assert client.get(f"/funding/evaluations/{assignment.pk}/").status_code == 403
    assert client.get(f"/funding/applications/{application.pk}/").status_code == 404
    assert not Application.objects.visible_to(evaluator).filter(pk=application.pk).exists()
    with pytest.raises(PermissionDenied):
        services.save_scores(assignment, evaluator, scores_for(call, "8", "8"))
    with pytest.raises(ValidationError):
        services.declare(assignment, evaluator, has_conflict=False)


def test_partner_evaluator_sees_the_file_only_after_declaring(
    client, call, submitted, manager, partner_user
):
    application = submitted(call)
    assignment = services.assign_evaluator(application, partner_user, manager)
    assert not Application.objects.visible_to(partner_user).filter(pk=application.pk).exists()
    services.declare(assignment, partner_user, has_conflict=False)
    assert Application.objects.visible_to(partner_user).filter(pk=application.pk).exists()
    client.force_login(partner_user)
    page = client.get(f"/funding/evaluations/{assignment.pk}/")
    assert page.status_code == 200
    assert "We automate welding." in page.content.decode()


def test_scores_need_every_criterion_with_a_motivation(call, submitted, manager, evaluator):
    application = submitted(call)
    assignment = services.assign_evaluator(application, evaluator, manager)
    services.declare(assignment, evaluator, has_conflict=False)
    innovation, impact = call.criteria.order_by("position")
    with pytest.raises(ValidationError) as refused:
        services.save_scores(
            assignment, evaluator, {innovation.pk: (D("11"), "x"), impact.pk: (D("5"), "")}
        )
    assert set(refused.value.message_dict) == {
        f"criterion_{innovation.pk}",
        f"criterion_{impact.pk}",
    }
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_consolidation_weights_and_thresholds(call, submitted, manager, evaluator, make_user):
    # given two evaluators: innovation (weight 2) 8 and 6 → 7; impact (weight 1) 9 and 5 → 7
    application = submitted(call)
    second = make_user("second", "staff", is_staff=True)
    evaluate(application, evaluator, manager, "8", "9")
    evaluate(application, second, manager, "6", "5")
    result = services.consolidate(application)
    # then the total is (2*7/10 + 1*7/10) / 3 * 100 = 70.00, above 60 and every minimum
    assert result.evaluations == 2
    assert result.total == D("70.00")
    assert result.passed is True
    assert AuditEvent.objects.filter(message="score").count() == 4


def test_ranking_orders_by_score_and_marks_threshold_failures(
    make_call, submitted, manager, evaluator
):
    call = make_call(code="rank", budget="100000.00")
    low = submitted(call, title="Low")  # innovation 4 < minimum 5
    high = submitted(call, title="High")
    middle = submitted(call, title="Middle")
    not_yet = submitted(call, title="Waiting")
    evaluate(low, evaluator, manager, "4", "10")
    evaluate(high, evaluator, manager, "9", "9")
    evaluate(middle, evaluator, manager, "7", "7")
    ranking = services.ranking(call)
    assert [r.application.title for r in ranking] == ["High", "Middle", "Low", "Waiting"]
    assert [r.rank for r in ranking] == [1, 2, None, None]
    assert ranking[2].failed == ["Innovation"]
    # the funding line: 60,000 + 60,000 exceeds the 100,000 budget at rank 2
    assert [r.fits_budget for r in ranking[:2]] == [True, False]
    assert ranking[3].total is None
    assert not_yet.status == "submitted"
