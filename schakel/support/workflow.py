"""The case state machine: which transitions are allowed, and the errors when they are not.

The table is data; `services.transition` applies it with a conditional UPDATE
on (state, version), so two people acting at once cannot both win.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    NEW = "new", _("new")
    TRIAGED = "triaged", _("triaged")
    IN_PROGRESS = "in_progress", _("in progress")
    REFERRED = "referred", _("referred")
    WAITING = "waiting_for_company", _("waiting for the company")
    CLOSED = "closed", _("closed")


class ClosureReason(models.TextChoices):
    RESOLVED = "resolved", _("resolved")
    NOT_RESOLVED = "not_resolved", _("not resolved")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_STATES = (State.NEW, State.TRIAGED, State.IN_PROGRESS, State.REFERRED, State.WAITING)

TRANSITIONS: dict[str, frozenset[str]] = {
    State.NEW: frozenset({State.TRIAGED, State.IN_PROGRESS, State.CLOSED}),
    State.TRIAGED: frozenset({State.IN_PROGRESS, State.REFERRED, State.WAITING, State.CLOSED}),
    State.IN_PROGRESS: frozenset({State.REFERRED, State.WAITING, State.CLOSED}),
    State.REFERRED: frozenset({State.IN_PROGRESS, State.WAITING, State.CLOSED}),
    State.WAITING: frozenset({State.IN_PROGRESS, State.REFERRED, State.CLOSED}),
    # Reopening: a closed case goes back to work (logged as "reopened").
    State.CLOSED: frozenset({State.IN_PROGRESS}),
}


def allowed_targets(state: str) -> list[str]:
    """Targets reachable from `state`, in the order of the State choices."""
    targets = TRANSITIONS.get(state, frozenset())
    return [value for value in State.values if value in targets]


def is_allowed(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


class WorkflowError(Exception):
    """A refused action on a case; `str()` is the translated message for the user."""

    code = "workflow_error"

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class IllegalTransition(WorkflowError):
    code = "illegal_transition"


class StaleVersion(WorkflowError):
    """Someone else changed the record since the form was loaded."""

    code = "stale_version"
