"""Evaluation periods: how they are written and which days they hold (models/periods.py)."""

from datetime import date

import pytest

from models.enums import PeriodLength
from models.errors import DomainError, ErrorCode
from models.periods import Period

SEMESTER, QUARTER = PeriodLength.SEMESTER, PeriodLength.QUARTER


@pytest.mark.parametrize(
    ("code", "length", "start", "end"),
    [
        ("2026-S1", SEMESTER, date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-S2", SEMESTER, date(2026, 7, 1), date(2026, 12, 31)),
        ("2028-Q1", QUARTER, date(2028, 1, 1), date(2028, 3, 31)),
        ("2026-Q4", QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
        (" 1945-S1 ", SEMESTER, date(1945, 1, 1), date(1945, 6, 30)),
        ("2200-Q2", QUARTER, date(2200, 4, 1), date(2200, 6, 30)),
    ],
)
def test_a_period_holds_its_months(code: str, length: PeriodLength, start: date, end: date) -> None:
    period = Period.parse(code, length)
    assert (period.start, period.end) == (start, end)
    assert period.code == code.strip()
    assert Period.containing(start, length) == Period.containing(end, length) == period


@pytest.mark.parametrize(
    ("code", "length"),
    [
        ("2026-S3", SEMESTER),
        ("2026-S0", SEMESTER),
        ("2026-Q5", QUARTER),
        ("2026-Q1", SEMESTER),  # a quarter where the setting is a semester
        ("2026-S1", QUARTER),
        ("26-S1", SEMESTER),
        ("2026S1", SEMESTER),
        ("1944-S2", SEMESTER),
        ("2201-Q1", QUARTER),
    ],
)
def test_other_codes_are_refused(code: str, length: PeriodLength) -> None:
    with pytest.raises(DomainError) as refused:
        Period.parse(code, length)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "period")


@pytest.mark.parametrize(
    ("code", "previous"),
    [
        ("2026-S2", "2026-S1"),
        ("2026-S1", "2025-S2"),
        ("2026-Q1", "2025-Q4"),
        ("2026-Q3", "2026-Q2"),
    ],
)
def test_the_previous_period_crosses_the_year(code: str, previous: str) -> None:
    assert Period.of_stored(code).previous().code == previous
