"""Value types with the limits every stored amount and date keeps.

Out of range is OUT_OF_RANGE (see `models/base.py`): a value the database could not store
exactly (a 50-digit amount) or that cannot be meant (a signing date in the year 9999) is
refused with a coded error before anything is written.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated

from beanie import DecimalAnnotation
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

import i18n

# A thousand trillion rupiah: above any budget, and well inside Decimal128's 34 digits.
MAX_MONEY = Decimal(10) ** 15
# History goes back to the city's oldest files; an agreement may run to the next century.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


# The limits go in the error's context as values the reader's language writes its own way
# (`models/validation_messages.py` words the message).
def _money(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= MAX_MONEY:
        raise PydanticCustomError(
            "out_of_range",
            "an amount between {low} and {high}",
            {"low": i18n.Money(0), "high": i18n.Money(MAX_MONEY)},
        )
    if value != value.quantize(Decimal("0.01")):
        raise PydanticCustomError(
            "decimal_max_places", "at most two decimal places (sen)", {"decimal_places": 2}
        )
    return value


def _calendar_date(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise PydanticCustomError(
            "out_of_range",
            "a date between {low} and {high}",
            {"low": EARLIEST_DATE, "high": LATEST_DATE},
        )
    return value


# Rupiah and sen: at most two decimal places.
Money = Annotated[DecimalAnnotation, Field(allow_inf_nan=False), AfterValidator(_money)]
CalendarDate = Annotated[date, AfterValidator(_calendar_date)]
