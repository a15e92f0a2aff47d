import datetime as dt

import pytest

from schakel.support import sla

D = dt.date


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)), (2027, D(2027, 3, 28))],
)
def test_easter_sunday_follows_the_computus(year, easter):
    assert sla.easter_sunday(year) == easter


def test_belgian_public_holidays_2026():
    # given / when
    holidays = sla.belgian_public_holidays(2026)
    # then
    assert sorted(holidays) == [
        D(2026, 1, 1),
        D(2026, 4, 6),  # Easter Monday
        D(2026, 5, 1),
        D(2026, 5, 14),  # Ascension
        D(2026, 5, 25),  # Whit Monday
        D(2026, 7, 21),
        D(2026, 8, 15),
        D(2026, 11, 1),
        D(2026, 11, 11),
        D(2026, 12, 25),
    ]


def test_belgian_public_holidays_2027_easter_based():
    holidays = sla.belgian_public_holidays(2027)
    assert D(2027, 3, 29) in holidays  # Easter Monday
    assert D(2027, 5, 6) in holidays  # Ascension
    assert D(2027, 5, 17) in holidays  # Whit Monday
    assert D(2027, 3, 28) not in holidays  # Easter Sunday itself is a Sunday anyway
    assert len(holidays) == 10


def test_two_working_days_skip_the_weekend():
    # Thursday 8 Jan 2026 + 2 working days = Monday 12 Jan
    assert sla.add_working_days(D(2026, 1, 8), 2) == D(2026, 1, 12)


def test_working_days_skip_easter_monday_2026():
    # Thursday 2 April 2026: Friday 3 counts, Easter Monday 6 does not, Tuesday 7 does.
    assert sla.add_working_days(D(2026, 4, 2), 2) == D(2026, 4, 7)


def test_working_days_skip_ascension_and_the_day_after_it_is_a_friday_2027():
    # Wednesday 5 May 2027: Thursday 6 is Ascension, Friday 7 counts, Monday 10 counts.
    assert sla.add_working_days(D(2027, 5, 5), 2) == D(2027, 5, 10)


def test_working_days_around_christmas_and_new_year():
    # Wednesday 24 Dec 2025 -> 25 holiday, 26 Fri counts, 29 Mon counts
    assert sla.add_working_days(D(2025, 12, 24), 2) == D(2025, 12, 29)
    # Wednesday 31 Dec 2025 -> 1 Jan holiday, Fri 2 Jan, Mon 5 Jan
    assert sla.add_working_days(D(2025, 12, 31), 2) == D(2026, 1, 5)


def test_working_days_between_counts_after_start_up_to_end():
    assert sla.working_days_between(D(2026, 1, 9), D(2026, 1, 9)) == 0
    assert sla.working_days_between(D(2026, 1, 9), D(2026, 1, 12)) == 1  # Fri -> Mon
    assert sla.working_days_between(D(2026, 4, 3), D(2026, 4, 7)) == 1  # over Easter Monday
    assert sla.working_days_between(D(2026, 1, 12), D(2026, 1, 9)) == -1


def test_first_response_due_reads_the_setting(settings):
    settings.SUPPORT_FIRST_RESPONSE_WORKING_DAYS = 5
    assert sla.first_response_due(D(2026, 1, 5)) == D(2026, 1, 12)
