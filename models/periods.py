"""Evaluation periods: a semester (`2026-S1`) or a quarter (`2026-Q3`) of Bogor's calendar.

Every ACTIVE agreement is due one evaluation per period; how long a period is, is a setting
(`EVALUATION_PERIOD`), the same for every agreement so that "one per period" means one thing.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from models.enums import PeriodLength
from models.errors import DomainError, ErrorCode

MONTHS = {PeriodLength.SEMESTER: 6, PeriodLength.QUARTER: 3}
LETTER = {PeriodLength.SEMESTER: "S", PeriodLength.QUARTER: "Q"}
EXAMPLE = {PeriodLength.SEMESTER: "2026-S1", PeriodLength.QUARTER: "2026-Q1"}
# Any period code, whatever the setting: what a stored evaluation's period looks like.
ANY_PERIOD = re.compile(r"^\d{4}-(S[12]|Q[1-4])$")
FIRST_YEAR, LAST_YEAR = 1945, 2200


@dataclass(frozen=True, order=True)
class Period:
    year: int
    number: int  # 1-based within the year
    length: PeriodLength

    @classmethod
    def parse(cls, code: str, length: PeriodLength, field: str = "period") -> "Period":
        match = re.fullmatch(rf"(\d{{4}})-{LETTER[length]}(\d)", code.strip())
        per_year = 12 // MONTHS[length]
        if match is None or not 1 <= int(match.group(2)) <= per_year:
            raise DomainError(
                ErrorCode.INVALID,
                "the evaluation period is a %(length)s, written like %(example)s",
                field,
                length=length,
                example=EXAMPLE[length],
            )
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise DomainError(ErrorCode.INVALID, "the period's year is out of range", field)
        return cls(year, int(match.group(2)), length)

    @classmethod
    def of_stored(cls, code: str) -> "Period":
        """The period a stored evaluation names, whatever the setting is now."""
        length = PeriodLength.QUARTER if "-Q" in code else PeriodLength.SEMESTER
        return cls.parse(code, length)

    @classmethod
    def containing(cls, day: date, length: PeriodLength) -> "Period":
        return cls(day.year, (day.month - 1) // MONTHS[length] + 1, length)

    @property
    def code(self) -> str:
        return f"{self.year}-{LETTER[self.length]}{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, (self.number - 1) * MONTHS[self.length] + 1, 1)

    @property
    def end(self) -> date:
        month = self.number * MONTHS[self.length]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def previous(self) -> "Period":
        if self.number > 1:
            return Period(self.year, self.number - 1, self.length)
        return Period(self.year - 1, 12 // MONTHS[self.length], self.length)

    def __str__(self) -> str:
        return self.code
