"""Helpers that let API views use the `visible_to(user, action)` gates."""

from django.db.models import QuerySet


def gate_allows_any(queryset: QuerySet) -> bool:
    """Whether a gate's answer can contain rows at all (`.none()` means no), without a query.

    Used for actions that are not about one row, such as create: the gate says
    `none()` to users who may never do it.
    """
    return not queryset.query.is_empty()
