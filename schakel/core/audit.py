"""Named functions that write the audit trail (no signals: the call site shows what is kept)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from schakel.core.models import AuditEvent


def plain_value(value):
    """Make a field value JSON-safe and readable in the log."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    return value


def snapshot(instance: models.Model, m2m: bool = True) -> dict:
    """The current values of an instance's concrete fields (and many-to-many sets)."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in ("updated_at", "created_at", "search_text"):
            continue
        values[field.name] = plain_value(getattr(instance, field.name))
    if m2m and instance.pk:
        for field in instance._meta.many_to_many:
            values[field.name] = sorted(str(o) for o in getattr(instance, field.name).all())
    return values


def diff(before: dict, after: dict) -> dict:
    """Fields whose value changed, as {field: [old, new]}."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(instance, action: str, actor=None, changes: dict | None = None, message: str = ""):
    """Write one audit event for `instance`."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(instance.__class__),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        action=action,
        actor=user,
        changes=changes or {},
        message=message[:300],
    )


def record_create(instance, actor=None, message: str = ""):
    return record(instance, AuditEvent.Action.CREATE, actor, diff({}, snapshot(instance)), message)


def record_update(instance, before: dict, actor=None, message: str = ""):
    """Record the fields that changed since `before` (a snapshot); nothing if none did."""
    changes = diff(before, snapshot(instance))
    if not changes:
        return None
    return record(instance, AuditEvent.Action.UPDATE, actor, changes, message)


def events_for(instance):
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(instance.__class__),
        object_id=str(instance.pk),
    ).select_related("actor")
