"""Counters: how many agreements fall under each figure of the dashboard, kept as they change.

Reading every listing row to count them costs, on the embedded engine, time in proportion to
the archive; these counters are read instead, a bounded number of small documents whatever
the number of agreements. Each counter counts the rows of one scope (every agreement, `*`,
or one lead department's, so an officer's dashboard is exact) under one dimension and value:
a status, a cooperation type, a signing year, a month or a day on which ACTIVE agreements
end, a period for which ACTIVE agreements in force were evaluated, ...

What a row adds to the counters is a function of the row alone (`contributions`); a write of
a row adds the difference between its new and its old contributions, in the transaction that
writes the row (`write_counters`). `rebuild_counters` counts them again from all the rows.
Date-dependent figures (expiring within months, in force in a period) are sums of a bounded
number of these buckets, worked out in resolvers/monitoring.py.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar

import pymongo
from beanie import Document
from pymongo import IndexModel, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from models.enums import AgreementStatus, EvaluationStatus
from models.periods import Period

ALL = "*"
ACTIVE = AgreementStatus.ACTIVE.value
DONE = (EvaluationStatus.SUBMITTED.value, EvaluationStatus.REVIEWED.value)
DRAFT = EvaluationStatus.DRAFT.value
INSERT_BATCH = 500
# Counters per month of a date: when ACTIVE agreements begin and end.
DATED = frozenset({"starts", "started_ends", "active_ends"})

type Key = tuple[str, str, str]  # scope, dimension, value
type Tally = dict[Key, tuple[int, int]]  # → agreements counted, sum of scores in hundredths


class AgreementCounter(Document):
    """One counter; `_id` is its scope, dimension and value joined by `/`."""

    id: str  # type: ignore[assignment]
    scope: str
    dimension: str
    value: str
    # The month of a dated counter (one of `DATED`), which is its value, and "" for any other
    # (before every month, and no null, which some engines' ranges match): a dashboard reads
    # the dated counters from a month on in one range of the index on (scope, on).
    on: str = ""
    n: int = 0
    # Dimension `score` only: the sum of the overall scores counted, in hundredths (a score
    # has two decimals, so the sum stays exact however often it goes up and down).
    centi: int = 0

    class Settings:
        name = "agreement_counters"
        indexes: ClassVar = [
            IndexModel(
                [
                    ("scope", pymongo.ASCENDING),
                    ("dimension", pymongo.ASCENDING),
                    ("value", pymongo.ASCENDING),
                ]
            ),
            IndexModel([("scope", pymongo.ASCENDING), ("on", pymongo.ASCENDING)]),
        ]


def day_of(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def month_of(value: date | datetime) -> str:
    return day_of(value).isoformat()[:7]


def in_force(row: Mapping[str, Any], period: Period) -> bool:
    """Whether the row's agreement was in force at some time in `period`."""
    starts = row.get("starts_on") or row.get("signed_on")
    ends = row.get("ends_on")
    if starts is None or day_of(starts) > period.end:
        return False
    return ends is None or day_of(ends) >= period.start


def contributions(row: Mapping[str, Any] | None) -> Tally:
    """What one listing row (as stored) adds to the counters; nothing for no row."""
    if row is None:
        return {}
    counted: list[tuple[str, str, int, int]] = [
        ("total", "", 1, 0),
        ("status", row["status"], 1, 0),
        ("cooperation_type", row["cooperation_type"], 1, 0),
        ("form", row["form"], 1, 0),
        ("field", row["field"], 1, 0),
        ("partners", ",".join(sorted(str(p) for p in row["partner_ids"])), 1, 0),
    ]
    units = [str(unit) for unit in row["lead_org_unit_ids"]]
    counted += [("unit", unit, 1, 0) for unit in units]
    if row.get("signed_on") is not None:
        counted.append(("signing_year", str(day_of(row["signed_on"]).year), 1, 0))
    if row["status"] == ACTIVE:
        counted += _active(row)
    marks = row.get("evaluations", [])
    if marks:
        counted.append(("evaluations", "", len(marks), 0))
    for mark in marks:
        if mark["status"] in DONE and mark.get("overall_score") is not None:
            centi = round(mark["overall_score"] * 100)
            counted += [("score", f"{unit}|{mark['period']}", 1, centi) for unit in units]
    return _summed(
        ((scope, dimension, value), (n, centi))
        for scope in dict.fromkeys([ALL, *units])
        for dimension, value, n, centi in counted
    )


def _summed(counts: Iterable[tuple[Key, tuple[int, int]]]) -> Tally:
    """The counts added up by counter; none left at zero."""
    total: Tally = defaultdict(lambda: (0, 0))
    for key, (n, centi) in counts:
        before = total[key]
        total[key] = (before[0] + n, before[1] + centi)
    return {key: value for key, value in total.items() if value != (0, 0)}


def _active(row: Mapping[str, Any]) -> list[tuple[str, str, int, int]]:
    """An ACTIVE row's ends (for what expires when), its span (for what is in force in a
    period: see resolvers/counted.py `Counted.due`) and the periods in force it was evaluated
    for. Months suffice for the span: every period starts on a month's first day and ends on
    a month's last."""
    counted: list[tuple[str, str, int, int]] = []
    starts = row.get("starts_on") or row.get("signed_on")
    ends = row.get("ends_on")
    if ends is not None:
        counted += [
            ("active_ends", month_of(ends), 1, 0),
            ("ends_day", day_of(ends).isoformat(), 1, 0),
        ]
    if starts is not None:
        counted += [("started", "", 1, 0), ("starts", month_of(starts), 1, 0)]
        if ends is not None:
            counted += [("started_ended", "", 1, 0), ("started_ends", month_of(ends), 1, 0)]
            if day_of(ends) < day_of(starts):
                counted.append(("backwards", f"{month_of(starts)}|{month_of(ends)}", 1, 0))
    for mark in row.get("evaluations", []):
        if not in_force(row, Period.of_stored(mark["period"])):
            continue
        if mark["status"] in DONE:
            counted.append(("done", mark["period"], 1, 0))
        elif mark["status"] == DRAFT:
            counted.append(("draft", mark["period"], 1, 0))
    return counted


def difference(old: Tally, new: Tally) -> Tally:
    """What turns the counters of `old` into those of `new`."""
    changed: Tally = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key, (0, 0)), new.get(key, (0, 0))
        if before != after:
            changed[key] = (after[0] - before[0], after[1] - before[1])
    return changed


def counter_id(key: Key) -> str:
    return "/".join(key)


def identity(key: Key) -> dict[str, Any]:
    """What names a counter, as stored."""
    scope, dimension, value = key
    return {
        "scope": scope,
        "dimension": dimension,
        "value": value,
        "on": value if dimension in DATED else "",
    }


async def write_counters(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, session: AsyncClientSession
) -> None:
    """Move the counters from row `old` to row `new`, in the transaction writing the row."""
    changed = difference(contributions(old), contributions(new))
    if not changed:
        return
    await AgreementCounter.get_pymongo_collection().bulk_write(
        [
            UpdateOne(
                {"_id": counter_id(key)},
                {
                    "$inc": {"n": n, "centi": centi},
                    "$setOnInsert": identity(key),
                },
                upsert=True,
            )
            for key, (n, centi) in changed.items()
        ],
        ordered=True,
        session=session,
    )


def tally(rows: Iterable[Mapping[str, Any]]) -> Tally:
    """The counters of all `rows` together."""
    return _summed(item for row in rows for item in contributions(row).items())


async def rebuild_counters(rows: Iterable[Mapping[str, Any]]) -> None:
    """Replace every counter with a count of `rows` (all the listing rows)."""
    collection = AgreementCounter.get_pymongo_collection()
    documents = [
        {"_id": counter_id(key), **identity(key), "n": n, "centi": centi}
        for key, (n, centi) in tally(rows).items()
    ]
    await collection.delete_many({})
    for first in range(0, len(documents), INSERT_BATCH):
        await collection.insert_many(documents[first : first + INSERT_BATCH], ordered=False)
