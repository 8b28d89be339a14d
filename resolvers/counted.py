"""The dashboard's figures and the agreement list's count read from the agreement counters
(models/agreement_counters.py).

A handful of queries on the counters' index, each returning a number of small documents
bounded by the calendar and the city's categories, not by the number of agreements. Only the
scopes the counters keep can be read this way: every agreement, or one lead department's
(an officer's, or anyone's dashboard of one department), and for a list's count also those
scopes' agreements of some statuses, types, forms or one field, or ACTIVE and ending within a
range of days; any other filter is counted over the listing rows (resolvers/monitoring.py
`dashboard`, resolvers/agreements.py `list_agreements`).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from beanie import PydanticObjectId
from bson import ObjectId

from models import AgreementCounter, Partner
from models.agreement_counters import ACTIVE, ALL, counter_id, month_of
from models.chronology import start_of_day
from models.periods import Period
from resolvers import scoped
from resolvers.context import Context
from resolvers.scoped import Use

# The counters read whole: one document per category, signing year, partner set, period.
WHOLE = [
    "total",
    "status",
    "cooperation_type",
    "form",
    "field",
    "unit",
    "partners",
    "signing_year",
    "started",
    "started_ended",
    "backwards",
    "done",
    "draft",
    "score",
]


def counter_scope(query: dict[str, Any]) -> str | None:
    """The counters' scope that counts exactly the agreements `query` matches, if any."""
    if not query:
        return ALL
    unit = query.get("lead_org_unit_ids")
    if list(query) == ["lead_org_unit_ids"] and isinstance(unit, ObjectId):
        return str(unit)
    return None


# Listing-row fields whose every value has a counter (of the same name): a list filtered on one
# of them is counted by adding up the counters of the values it keeps (a row has one value).
BY_VALUE = frozenset({"status", "cooperation_type", "form", "field"})
# Range operators on a date, and the same on its ISO day (a day counter's value).
DAY_RANGES = frozenset({"$gte", "$gt", "$lte", "$lt"})


def counters_counting(query: dict[str, Any]) -> dict[str, Any] | None:
    """A query on the counters whose matches add up to exactly the number of agreements
    `query` matches, if there is one: every agreement or one department's (`counter_scope`),
    possibly of some values of one `BY_VALUE` field, or ACTIVE and ending within a range of
    days (the expiring list)."""
    rest = dict(query)
    unit = rest.pop("lead_org_unit_ids", None)
    scope = ALL if unit is None else counter_scope({"lead_org_unit_ids": unit})
    if scope is None:
        return None
    if not rest:
        return {"_id": counter_id((scope, "total", ""))}
    ends = rest.pop("ends_on", None)
    if ends is not None:
        days = _day_range(ends)
        if rest != {"status": ACTIVE} or days is None:
            return None
        return {"scope": scope, "dimension": "ends_day", "value": days}
    if len(rest) != 1:
        return None
    [(name, condition)] = rest.items()
    if isinstance(condition, str):
        values = [condition]
    elif isinstance(condition, dict) and list(condition) == ["$in"]:
        values = condition["$in"]
    else:
        return None
    if name not in BY_VALUE or not all(isinstance(v, str) for v in values):
        return None
    return {"_id": {"$in": [counter_id((scope, name, value)) for value in values]}}


def _day_range(condition: Any) -> dict[str, str] | None:
    """A range of stored days (midnight, as `CalendarDate` stores them) as a range of ISO
    days; None for anything else."""
    if not isinstance(condition, dict) or not condition or not set(condition) <= DAY_RANGES:
        return None
    if not all(isinstance(b, datetime) and b == start_of_day(b.date()) for b in condition.values()):
        return None
    return {op: bound.date().isoformat() for op, bound in condition.items()}


async def count_of(counters: dict[str, Any]) -> int:
    """The sum of the counters `counters` matches: a list's `totalCount` (of agreements, or
    with the dimension `evaluations` of their evaluations)."""
    found = AgreementCounter.get_pymongo_collection().find(counters, {"n": 1})
    return sum([int(counter["n"]) async for counter in found])


@dataclass
class Counted:
    """The counters of one scope a dashboard reads: dimension → value → (n, centi)."""

    counters: dict[str, dict[str, tuple[int, int]]]

    def n(self, dimension: str, value: str = "") -> int:
        return self.counters.get(dimension, {}).get(value, (0, 0))[0]

    def values(self, dimension: str) -> dict[str, int]:
        return {v: n for v, (n, _) in self.counters.get(dimension, {}).items() if n}

    def total(self, dimension: str, keep: Callable[[str], bool]) -> int:
        return sum(n for value, n in self.values(dimension).items() if keep(value))

    def due(self, period: Period) -> int:
        """ACTIVE agreements in force at some time in `period`: those begun by its end,
        less those of them that ended before its start. Counted from the months after the
        period (agreements begin, and end, later than the archive's start), so the sums run
        over a bounded number of months whatever the number of agreements."""
        first, last = month_of(period.start), month_of(period.end)
        begun = self.n("started") - self.total("starts", lambda m: m > last)
        ended_before = self.n("started_ended") - self.total("started_ends", lambda m: m >= first)
        # Counted in both: begun after the period's end yet ended before its start.
        both = self.total("backwards", lambda v: v.split("|")[0] > last and v.split("|")[1] < first)
        return begun - ended_before + both


async def read_counters(scope: str, previous: Period, today: date, next_month: date) -> Counted:
    """The counters a dashboard reads, in three queries on the counters' indexes."""
    collection = AgreementCounter.get_pymongo_collection()
    queries: list[dict[str, Any]] = [
        {"dimension": {"$in": WHOLE}},
        # The months from the previous period's on: when ACTIVE agreements begin (after
        # either period) and end (in either period or later, or in the next twelve months).
        {"on": {"$gte": month_of(previous.start)}},
        {
            "dimension": "ends_day",
            "value": {"$gte": today.isoformat(), "$lt": next_month.isoformat()},
        },
    ]
    counters: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for query in queries:
        async for raw in collection.find({"scope": scope, **query}):
            counters[raw["dimension"]][raw["value"]] = (int(raw["n"]), int(raw["centi"]))
    return Counted(dict(counters))


async def partner_kinds(ctx: Context, counted: Counted) -> dict[str, int]:
    """Agreements per kind of partner: an agreement with two universities counts once for
    UNIVERSITY. Counted per set of partners, whose partners are read in one query."""
    sets = {value: n for value, n in counted.values("partners").items() if value}
    named = sorted({PydanticObjectId(p) for value in sets for p in value.split(",")})
    partners = await scoped.by_ids(ctx.viewer, Partner, named, Use.NAMED)
    kind_of = {str(p.id): str(p.kind) for p in partners if p is not None}
    kinds: dict[str, int] = defaultdict(int)
    for value, n in sets.items():
        for kind in {kind_of[p] for p in value.split(",") if p in kind_of}:
            kinds[kind] += n
    return dict(kinds)


def scores(counted: Counted, period: str | None) -> dict[str, tuple[int, int]]:
    """Per lead department: submitted or reviewed evaluations with a score, and the sum of
    their scores in hundredths; of one period, or of all."""
    found: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for value, (n, centi) in counted.counters.get("score", {}).items():
        unit, of = value.split("|")
        if n and (period is None or of == period):
            before = found[unit]
            found[unit] = (before[0] + n, before[1] + centi)
    return dict(found)
