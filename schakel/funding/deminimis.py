"""De minimis aid: the single undertaking, the ceiling in force and the rolling window.

A single undertaking is every enterprise linked to the applicant through register
relations of kind `linked_to` or `subsidiary_of`, in either direction and transitively
(Regulation (EU) 2023/2831, art. 2(2)). The ceiling is data (`DeMinimisCeiling`): the row
in force on the day of the grant, over the rolling window of that row (three years: the
grant day and the years before it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schakel.funding.ledger import LedgerError, total
from schakel.funding.models import ZERO, DeMinimisAid, DeMinimisCeiling
from schakel.register.models import Organisation, Relation

LINK_KINDS = (Relation.Kind.LINKED_TO, Relation.Kind.SUBSIDIARY_OF)


class DeMinimisExceeded(LedgerError):
    """The grant would take the single undertaking over the ceiling."""


def single_undertaking(organisation: Organisation) -> list[int]:
    """The ids of the enterprises that count together with `organisation` (itself first)."""
    seen = [organisation.pk]
    frontier = {organisation.pk}
    while frontier:
        links = Relation.objects.filter(kind__in=LINK_KINDS).filter(
            Q(source_id__in=frontier) | Q(target_id__in=frontier)
        )
        found = set()
        for source_id, target_id in links.values_list("source_id", "target_id"):
            found.update((source_id, target_id))
        frontier = found - set(seen)
        seen.extend(sorted(frontier))
    return seen


def window_start(day: dt.date, years: int) -> dt.date:
    """The first day of the rolling window that ends on `day` (29 February safe)."""
    try:
        start = day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        start = day.replace(year=day.year - years, day=28)
    return start + dt.timedelta(days=1)


@dataclass
class Position:
    """Where an undertaking stands on a day: the ceiling, what it got, what room is left."""

    ceiling: DeMinimisCeiling | None
    window_from: dt.date | None
    granted: Decimal
    undertaking: list[int]

    @property
    def room(self) -> Decimal | None:
        if self.ceiling is None:
            return None
        return max(self.ceiling.amount_eur - self.granted, ZERO)


def position(organisation: Organisation, day: dt.date, exclude_application=None) -> Position:
    undertaking = single_undertaking(organisation)
    ceiling = DeMinimisCeiling.in_force_on(day)
    if ceiling is None:
        return Position(None, None, ZERO, undertaking)
    start = window_start(day, ceiling.window_years)
    aid = DeMinimisAid.objects.filter(
        organisation_id__in=undertaking, granted_on__gte=start, granted_on__lte=day
    )
    if exclude_application is not None:
        aid = aid.exclude(application=exclude_application)
    granted = total(aid, "amount_eur")
    return Position(ceiling, start, granted, undertaking)


def check(organisation: Organisation, amount: Decimal, day: dt.date) -> Position:
    """Refuse (DeMinimisExceeded, with the figures) aid that takes the undertaking over."""
    where = position(organisation, day)
    if where.ceiling is None:
        raise LedgerError(
            _("No de minimis ceiling is in force on %(day)s; record one first."),
            "no_ceiling",
            {"day": day.isoformat()},
        )
    if where.granted + amount > where.ceiling.amount_eur:
        raise DeMinimisExceeded(
            _(
                "This grant would take the undertaking over the de minimis ceiling: "
                "%(granted)s EUR already received since %(since)s, %(amount)s EUR now, "
                "ceiling %(ceiling)s EUR (%(regulation)s); at most %(room)s EUR fits."
            ),
            "de_minimis_ceiling",
            {
                "granted": where.granted,
                "amount": amount,
                "ceiling": where.ceiling.amount_eur,
                "room": where.room,
                "since": where.window_from.isoformat(),
                "regulation": where.ceiling.regulation,
            },
        )
    return where
