"""Working days in Belgium: weekends and the ten legal public holidays do not count.

Pure date arithmetic (no database), so the service level can be computed and
tested on its own. Easter Sunday comes from the Gregorian computus
(the anonymous "Meeus/Jones/Butcher" algorithm).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday of `year`."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def belgian_public_holidays(year: int) -> frozenset[dt.date]:
    """The ten Belgian legal public holidays of `year`."""
    easter = easter_sunday(year)
    return frozenset(
        {
            dt.date(year, 1, 1),  # New Year
            easter + dt.timedelta(days=1),  # Easter Monday
            dt.date(year, 5, 1),  # Labour Day
            easter + dt.timedelta(days=39),  # Ascension Day
            easter + dt.timedelta(days=50),  # Whit Monday
            dt.date(year, 7, 21),  # National Day
            dt.date(year, 8, 15),  # Assumption
            dt.date(year, 11, 1),  # All Saints
            dt.date(year, 11, 11),  # Armistice
            dt.date(year, 12, 25),  # Christmas
        }
    )


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in belgian_public_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier.

    A question received on Friday and answered on Monday took 1 working day;
    answered the same day, 0.
    """
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return sign * count


def first_response_due(received: dt.date) -> dt.date:
    """Last day for the first response: SUPPORT_FIRST_RESPONSE_WORKING_DAYS after receipt."""
    days = getattr(settings, "SUPPORT_FIRST_RESPONSE_WORKING_DAYS", 2)
    return add_working_days(received, days)
