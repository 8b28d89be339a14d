"""Registry numbers for agreements the system drafts itself (from an approved proposal).

The number follows the registry's format (AGREEMENT_NUMBER_FORMAT, e.g. `119/007-KS/2026`)
with a counter per year; a number already taken by an agreement entered by hand is skipped.
The cooperation unit may still change it on the draft.
"""

from pymongo.asynchronous.client_session import AsyncClientSession

from models.agreement import Agreement
from models.sequence import next_value

# Far more than hand-entered numbers could ever take in a row.
MAX_SKIPS = 1000


def number_counter(year: int) -> str:
    return f"agreement-number:{year}"


async def next_agreement_number(
    number_format: str, year: int, session: AsyncClientSession | None = None
) -> str:
    for _attempt in range(MAX_SKIPS):
        sequence = await next_value(number_counter(year), session)
        number = number_format.format(sequence=sequence, year=year)
        taken = await Agreement.get_pymongo_collection().find_one(
            {"number": number}, {"_id": 1}, session=session
        )
        if taken is None:
            return number
    raise RuntimeError(f"no free agreement number in {number_format!r} for {year}")
