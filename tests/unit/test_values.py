"""Amounts and dates every record keeps, at their limits (models/values.py), through the
same coded validation every record goes through (models/base.py `checked`)."""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import BaseModel

from models.base import checked
from models.errors import DomainErrors, ErrorCode
from models.values import EARLIEST_DATE, LATEST_DATE, MAX_MONEY, CalendarDate, Money


class Valued(BaseModel):
    value: Money | None = None
    on: CalendarDate | None = None


def refusal(data: dict[str, object]) -> tuple[ErrorCode, str | None]:
    with pytest.raises(DomainErrors) as refused:
        checked(Valued, data)
    [error] = refused.value.errors
    return error.code, error.field


@pytest.mark.parametrize(
    "amount",
    ["0", "0.01", "1500000.50", "1000000000000000", "999999999999999.99", Decimal("12.10")],
)
def test_amounts_within_the_limits_are_kept_exactly(amount: str | Decimal) -> None:
    assert checked(Valued, {"value": amount}).value == Decimal(amount)


def test_the_upper_limit_is_a_thousand_trillion_rupiah() -> None:
    assert Decimal("1000000000000000") == MAX_MONEY


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("-0.01", ErrorCode.OUT_OF_RANGE),
        ("1000000000000000.01", ErrorCode.OUT_OF_RANGE),
        ("1" + "0" * 49, ErrorCode.OUT_OF_RANGE),
        ("NaN", ErrorCode.OUT_OF_RANGE),
        ("Infinity", ErrorCode.OUT_OF_RANGE),
        ("-Infinity", ErrorCode.OUT_OF_RANGE),
        ("0.001", ErrorCode.INVALID),  # a tenth of a sen
        ("12.345", ErrorCode.INVALID),
        ("dua juta", ErrorCode.INVALID),
    ],
)
def test_amounts_out_of_range_or_finer_than_a_sen_are_refused(amount: str, code: ErrorCode) -> None:
    assert refusal({"value": amount}) == (code, "value")


@pytest.mark.parametrize("on", [EARLIEST_DATE, LATEST_DATE, date(2026, 2, 28), date(2028, 2, 29)])
def test_dates_within_the_limits_are_kept(on: date) -> None:
    assert checked(Valued, {"on": on.isoformat()}).on == on


def test_the_date_limits_span_the_city_archive_and_the_next_century() -> None:
    assert (date(1900, 1, 1), date(2199, 12, 31)) == (EARLIEST_DATE, LATEST_DATE)


@pytest.mark.parametrize(
    ("on", "code"),
    [
        ("1899-12-31", ErrorCode.OUT_OF_RANGE),
        ("2200-01-01", ErrorCode.OUT_OF_RANGE),
        ("9999-12-31", ErrorCode.OUT_OF_RANGE),
        ("0001-01-01", ErrorCode.OUT_OF_RANGE),
        ("2026-02-29", ErrorCode.INVALID),
        ("2026-13-01", ErrorCode.INVALID),
        ("01-02-2026", ErrorCode.INVALID),
    ],
)
def test_dates_outside_the_limits_or_not_real_are_refused(on: str, code: ErrorCode) -> None:
    assert refusal({"on": on}) == (code, "on")


def test_every_broken_field_is_reported_together() -> None:
    with pytest.raises(DomainErrors) as refused:
        checked(Valued, {"value": "-1", "on": "1800-01-01"})
    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.OUT_OF_RANGE, "value"),
        (ErrorCode.OUT_OF_RANGE, "on"),
    ]
