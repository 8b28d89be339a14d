"""Monitoring across agreements: evaluations due, alerts and the dashboard.

All of them read the agreements' listing rows (models/agreement_listing.py: what these need
of an agreement, without its files and history, with its evaluations marked on it), never
the agreements. The dashboard of every agreement or of one department is read from the
counters kept with the rows (resolvers/counted.py); with any other filter it is one
aggregation over the rows, a `$facet` with a branch per figure. Evaluations due and alerts
read the ACTIVE rows in scope once and work out what is due in Python: the embedded engine
runs every pipeline stage in Python for every row anyway, more slowly.
"""

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from beanie import PydanticObjectId
from bson import ObjectId

from i18n import Text, later
from models import Agreement, AgreementListing
from models.agreement_counters import in_force as listed_in_force
from models.chronology import start_of_day
from models.enums import AgreementStatus, AlertKind, AlertSeverity, EvaluationStatus, PeriodLength
from models.errors import DomainError, ErrorCode
from models.periods import Period
from resolvers import counted, scoped
from resolvers.agreements import AgreementFilter, listing_query
from resolvers.context import Context
from resolvers.pagination import (
    Page,
    PageRequest,
    combine,
    decode_cursor,
    encode_cursor,
    invalid_cursor,
)

DONE = [EvaluationStatus.SUBMITTED.value, EvaluationStatus.REVIEWED.value]
ACTIVE = AgreementStatus.ACTIVE.value
MAX_WITHIN_DAYS = 3650


@dataclass(frozen=True)
class Schedule:
    """Where today falls in the evaluation calendar."""

    today: date
    current: Period
    previous: Period

    @classmethod
    def of(cls, today: date, length: PeriodLength) -> "Schedule":
        current = Period.containing(today, length)
        return cls(today, current, current.previous())


def schedule(ctx: Context) -> Schedule:
    return Schedule.of(ctx.today(), PeriodLength(ctx.settings.evaluation_period))


def in_force_expression(period: Period) -> dict[str, Any]:
    """`in_force` as an aggregation expression (a null sorts before any date: checked)."""
    return {
        "$and": [
            {"$ne": [{"$ifNull": ["$starts", None]}, None]},
            {"$lte": ["$starts", start_of_day(period.end)]},
            {
                "$or": [
                    {"$eq": [{"$ifNull": ["$ends_on", None]}, None]},
                    {"$gte": ["$ends_on", start_of_day(period.start)]},
                ]
            },
        ]
    }


STARTS = {"$ifNull": ["$starts_on", "$signed_on"]}


def evaluated(period: Period, statuses: list[str]) -> dict[str, Any]:
    """An expression: the row's evaluation marks include one of `period` in `statuses`."""
    matching = {
        "$filter": {
            "input": "$evaluations",
            "cond": {
                "$and": [
                    {"$eq": ["$$this.period", period.code]},
                    {"$in": ["$$this.status", statuses]},
                ]
            },
        }
    }
    return {"$gt": [{"$size": matching}, 0]}


def was_in_force(agreement: Agreement, period: Period) -> bool:
    """`in_force` for one loaded agreement."""
    starts = agreement.starts_on or agreement.signed_on
    if starts is None or starts > period.end:
        return False
    return agreement.ends_on is None or agreement.ends_on >= period.start


async def _agreement_scope(ctx: Context, extra: dict[str, Any]) -> dict[str, Any]:
    return combine(await scoped.monitored(ctx.viewer, AgreementListing), extra)


def _as_day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


# --- alerts --------------------------------------------------------------------------------------

SEVERITY_RANK = {AlertSeverity.CRITICAL: 0, AlertSeverity.WARNING: 1, AlertSeverity.INFO: 2}


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    severity: AlertSeverity
    agreement_id: PydanticObjectId
    due_on: date  # the end date, the period's end, the action's due date
    days: int  # until due_on; negative: that many days past it
    # The agreement's listing row, as read: what the alert says of its agreement, and what it
    # shows of it, come from there.
    row: Mapping[str, Any] = field(compare=False, repr=False)
    period: str | None = None
    evaluation_id: PydanticObjectId | None = None
    action_id: PydanticObjectId | None = None
    action_what: str = ""

    @property
    def number(self) -> str:
        return str(self.row["number"])

    @property
    def lead_org_unit_ids(self) -> list[PydanticObjectId]:
        return [PydanticObjectId(u) for u in self.row.get("lead_org_unit_ids") or ()]

    @property
    def key(self) -> str:
        """What the alert is about; it stays the same as long as the condition does."""
        if self.kind == AlertKind.FOLLOW_UP_OVERDUE:
            return f"{self.kind}:{self.evaluation_id}:{self.action_id}"
        if self.kind == AlertKind.EVALUATION_OVERDUE:
            return f"{self.kind}:{self.agreement_id}:{self.period}"
        return f"{self.kind}:{self.agreement_id}:{self.due_on.isoformat()}"

    @property
    def text(self) -> Text:
        """What the alert says, in whatever language it is read in."""
        said = {
            "number": self.number,
            "day": self.due_on,
            "days": self.days,
            "period": self.period,
            "what": self.action_what,
        }
        if self.kind == AlertKind.EXPIRING:
            return later("Agreement %(number)s ends on %(day)s (%(days)s days from now)", **said)
        if self.kind == AlertKind.PAST_END:
            return later(
                "Agreement %(number)s ended on %(day)s but is still recorded as active", **said
            )
        if self.kind == AlertKind.EVALUATION_OVERDUE:
            return later(
                "The evaluation of period %(period)s for agreement %(number)s is not done",
                **said,
            )
        return later(
            "The follow-up of the %(period)s evaluation of agreement %(number)s is past its "
            "due date %(day)s: %(what)s",
            **said,
        )

    @property
    def message(self) -> str:
        return str(self.text)

    def sort_key(self) -> list[Any]:
        return [SEVERITY_RANK[self.severity], self.due_on.isoformat(), self.key]


def severity(kind: AlertKind, days: int) -> AlertSeverity:
    """How urgent: the closer the end or the longer overdue, the more."""
    if kind == AlertKind.EXPIRING:
        if days <= 30:
            return AlertSeverity.CRITICAL
        return AlertSeverity.WARNING if days <= 60 else AlertSeverity.INFO
    if kind == AlertKind.PAST_END:
        return AlertSeverity.CRITICAL
    if kind == AlertKind.EVALUATION_OVERDUE:
        return AlertSeverity.CRITICAL if -days > 90 else AlertSeverity.WARNING
    return AlertSeverity.CRITICAL if -days > 30 else AlertSeverity.WARNING


async def compute_alerts(
    scope: dict[str, Any],
    when: Schedule,
    within_days: int,
    kinds: frozenset[AlertKind] | None = None,
) -> list[Alert]:
    """Every alert on the ACTIVE agreements matching `scope`, most urgent first. Their rows,
    with their evaluations and open follow-up actions marked on them, are read once (whole:
    SecantusDB projects a row more slowly than it sends it); what is alerted is worked out
    here."""
    wanted = kinds or frozenset(AlertKind)
    if not wanted:
        return []
    today = when.today
    horizon = today + timedelta(days=within_days)
    rows = AgreementListing.get_pymongo_collection().find(combine(scope, {"status": ACTIVE}))
    alerts = []
    async for row in rows:
        base = {"agreement_id": PydanticObjectId(row["_id"]), "row": row}
        ends = _as_day(row["ends_on"]) if row.get("ends_on") is not None else None
        if ends is not None and AlertKind.EXPIRING in wanted and today <= ends <= horizon:
            alerts.append(_alert(AlertKind.EXPIRING, base, ends, today))
        if ends is not None and AlertKind.PAST_END in wanted and ends < today:
            alerts.append(_alert(AlertKind.PAST_END, base, ends, today))
        previous = when.previous
        done = any(
            m["period"] == previous.code and m["status"] in DONE for m in row.get("evaluations", [])
        )
        if AlertKind.EVALUATION_OVERDUE in wanted and not done and listed_in_force(row, previous):
            overdue = AlertKind.EVALUATION_OVERDUE
            alerts.append(_alert(overdue, base, previous.end, today, period=previous.code))
        if AlertKind.FOLLOW_UP_OVERDUE in wanted:
            alerts += _follow_ups_overdue(base, row.get("evaluations", []), today)
    return sorted(alerts, key=Alert.sort_key)


def _follow_ups_overdue(
    base: dict[str, Any], marks: list[dict[str, Any]], today: date
) -> list[Alert]:
    """The open follow-up actions past their due date of the submitted (or reviewed)
    evaluations marked on a row."""
    alerts = []
    for mark in marks:
        if mark["status"] not in DONE:
            continue
        for action in mark.get("open_follow_ups", []):
            due = _as_day(action["due_on"])
            if due < today:
                extra = {
                    "period": mark["period"],
                    "evaluation_id": PydanticObjectId(mark["evaluation_id"]),
                    "action_id": PydanticObjectId(action["id"]),
                    "action_what": action["what"],
                }
                alerts.append(_alert(AlertKind.FOLLOW_UP_OVERDUE, base, due, today, **extra))
    return alerts


def _alert(kind: AlertKind, base: dict[str, Any], due: date, today: date, **extra: Any) -> Alert:
    days = (due - today).days
    return Alert(kind=kind, severity=severity(kind, days), due_on=due, days=days, **base, **extra)


@dataclass
class AlertFilter:
    within_days: int | None = None
    kinds: list[AlertKind] | None = None
    severities: list[AlertSeverity] | None = None
    org_unit_id: PydanticObjectId | None = None
    agreement_id: PydanticObjectId | None = None


async def list_alerts(ctx: Context, flt: AlertFilter | None, request: PageRequest) -> Page[Alert]:
    """The viewer's alerts, most urgent first."""
    flt = flt or AlertFilter()
    extra: dict[str, Any] = {}
    if flt.org_unit_id is not None:
        extra["lead_org_unit_ids"] = flt.org_unit_id
    if flt.agreement_id is not None:
        extra["_id"] = flt.agreement_id
    scope = await _agreement_scope(ctx, extra)
    within = ctx.settings.expiring_window_days if flt.within_days is None else flt.within_days
    if not 0 <= within <= MAX_WITHIN_DAYS:
        raise DomainError(
            ErrorCode.INVALID,
            "withinDays is between 0 and %(most)s",
            "withinDays",
            most=MAX_WITHIN_DAYS,
        )
    found = await compute_alerts(
        scope, schedule(ctx), within, frozenset(flt.kinds) if flt.kinds else None
    )
    if flt.severities:
        found = [a for a in found if a.severity in flt.severities]
    return page_of(found, request, ctx)


def page_of(alerts: list[Alert], request: PageRequest, ctx: Context) -> Page[Alert]:
    """A page of a list already sorted by `sort_key`; the cursor is the last row's key."""
    size, backwards = request.size(ctx.settings.default_page_size, ctx.settings.max_page_size)
    if backwards:
        raise DomainError(ErrorCode.INVALID, "alerts page forwards only", "last")
    rows = alerts
    if request.after is not None:
        after = _decode_key(request.after)
        rows = [a for a in alerts if a.sort_key() > after]
    items = rows[:size]
    total = len(alerts)

    async def count() -> int:
        return total

    return Page(
        items=items,
        cursors=[_encode_key(a.sort_key()) for a in items],
        has_next_page=len(rows) > size,
        has_previous_page=request.after is not None,
        count=count,
    )


def _encode_key(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _decode_key(cursor: str) -> list[Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        key = None
    if not (isinstance(key, list) and len(key) == 3):
        raise DomainError(ErrorCode.INVALID_CURSOR, "this cursor is not valid", "after")
    return key


# --- evaluations due -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueEvaluation:
    agreement_id: PydanticObjectId
    period: str
    due_on: date
    overdue: bool
    # The agreement's listing row, as read: the item shows its agreement from it.
    row: Mapping[str, Any] = field(compare=False, repr=False)

    def sort_key(self) -> tuple[date, ObjectId]:
        return (self.due_on, self.agreement_id)


@dataclass
class DueFilter:
    org_unit_id: PydanticObjectId | None = None
    partner_id: PydanticObjectId | None = None
    agreement_id: PydanticObjectId | None = None
    overdue_only: bool = False


async def evaluations_due(
    ctx: Context, flt: DueFilter | None, request: PageRequest
) -> Page[DueEvaluation]:
    """Each ACTIVE agreement in force in the current period without a submitted evaluation
    for it (due at the period's end), and those that let the previous period pass without
    one (overdue); overdue first. Keyset cursors on (due date, agreement id)."""
    flt = flt or DueFilter()
    extra: dict[str, Any] = {"status": ACTIVE}
    if flt.org_unit_id is not None:
        extra["lead_org_unit_ids"] = flt.org_unit_id
    if flt.partner_id is not None:
        extra["partner_ids"] = flt.partner_id
    if flt.agreement_id is not None:
        extra["_id"] = flt.agreement_id
    scope = await _agreement_scope(ctx, extra)
    size, backwards = request.size(ctx.settings.default_page_size, ctx.settings.max_page_size)
    if backwards:
        raise DomainError(ErrorCode.INVALID, "this list pages forwards only", "last")
    when = schedule(ctx)
    slots = [(when.previous, True)] + ([] if flt.overdue_only else [(when.current, False)])
    # The rows in scope, each with its evaluations marked on it, read once (whole, as the
    # alerts read them); what is due is worked out here rather than in pipeline stages, which
    # the embedded engine runs in Python for every row anyway, more slowly.
    due: list[DueEvaluation] = []
    found = AgreementListing.get_pymongo_collection().find(scope)
    async for row in found:
        done = {m["period"] for m in row.get("evaluations", []) if m["status"] in DONE}
        for period, overdue in slots:
            if period.code not in done and listed_in_force(row, period):
                due.append(
                    DueEvaluation(
                        PydanticObjectId(row["_id"]), period.code, period.end, overdue, row
                    )
                )
    due.sort(key=DueEvaluation.sort_key)
    after = due
    if request.after is not None:
        due_on, agreement_id = decode_cursor(request.after, "after")
        if not (isinstance(due_on, datetime) and isinstance(agreement_id, ObjectId)):
            raise invalid_cursor("after")
        after = [d for d in due if d.sort_key() > (due_on.date(), agreement_id)]
    rows = after[:size]
    total = len(due)

    async def count() -> int:
        return total

    return Page(
        items=rows,
        cursors=[encode_cursor(start_of_day(r.due_on), r.agreement_id) for r in rows],
        has_next_page=len(after) > size,
        has_previous_page=request.after is not None,
        count=count,
    )


# --- the dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    key: Any
    count: int


@dataclass(frozen=True)
class UnitScore:
    org_unit_id: PydanticObjectId
    average: float
    evaluations: int


@dataclass(frozen=True)
class Progress:
    period: str
    due: int  # ACTIVE agreements in force this period
    done: int  # of those, with a submitted (or reviewed) evaluation for it
    in_progress: int  # with a DRAFT for it
    overdue_previous: int  # in force last period and never evaluated for it


@dataclass(frozen=True)
class Dashboard:
    agreements: int
    by_status: list[Count]
    by_cooperation_type: list[Count]
    by_form: list[Count]
    by_field: list[Count]
    by_lead_org_unit: list[Count]
    by_partner_kind: list[Count]
    by_signing_year: list[Count]
    expiring_by_month: list[Count]
    average_score_by_org_unit: list[UnitScore]
    progress: Progress


def _counts(rows: list[dict[str, Any]]) -> list[Count]:
    found = [Count(r["_id"], int(r["n"])) for r in rows if r["_id"] is not None]
    return sorted(found, key=lambda c: (-c.count, str(c.key)))


def _months(first: date, count: int) -> list[str]:
    keys = []
    year, month = first.year, first.month
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _month_after(month: str) -> date:
    """The first day of the month after `month` (written YYYY-MM)."""
    year, number = (int(part) for part in month.split("-"))
    return date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)


def _unit_scores(found: dict[str, tuple[int, int]]) -> list[UnitScore]:
    return sorted(
        (
            UnitScore(PydanticObjectId(unit), round(centi / n / 100, 2), n)
            for unit, (n, centi) in found.items()
        ),
        key=lambda s: (-s.average, str(s.org_unit_id)),
    )


async def _counted_dashboard(
    ctx: Context, scope: str, when: Schedule, months: list[str], score_period: str | None
) -> Dashboard:
    """The dashboard of the agreements of a counters' scope, from the counters."""
    found = await counted.read_counters(scope, when.previous, when.today, _month_after(months[0]))

    def counts(dimension: str) -> list[Count]:
        return _counts([{"_id": v, "n": n} for v, n in found.values(dimension).items()])

    expiring = {m: n for m, n in found.values("active_ends").items() if m in months}
    expiring[months[0]] = sum(found.values("ends_day").values())
    due = found.due(when.current)
    return Dashboard(
        agreements=found.n("total"),
        by_status=counts("status"),
        by_cooperation_type=counts("cooperation_type"),
        by_form=counts("form"),
        by_field=counts("field"),
        by_lead_org_unit=[Count(PydanticObjectId(c.key), c.count) for c in counts("unit")],
        by_partner_kind=_counts(
            [{"_id": k, "n": n} for k, n in (await counted.partner_kinds(ctx, found)).items()]
        ),
        by_signing_year=sorted(
            (Count(year, n) for year, n in found.values("signing_year").items()),
            key=lambda c: str(c.key),
        ),
        expiring_by_month=[Count(m, expiring.get(m, 0)) for m in months],
        average_score_by_org_unit=_unit_scores(counted.scores(found, score_period)),
        progress=Progress(
            period=when.current.code,
            due=due,
            done=found.n("done", when.current.code),
            in_progress=found.n("draft", when.current.code),
            overdue_previous=found.due(when.previous) - found.n("done", when.previous.code),
        ),
    )


async def dashboard(
    ctx: Context, flt: AgreementFilter | None, score_period: str | None
) -> Dashboard:
    """The figures of the dashboard: from the counters for every agreement or one lead
    department's, else in one aggregation over the listing rows."""
    scope = await _agreement_scope(ctx, await listing_query(ctx, flt))
    when = schedule(ctx)
    scores_in: dict[str, Any] = {}
    if score_period:
        length = PeriodLength(ctx.settings.evaluation_period)
        scores_in["evaluations.period"] = Period.parse(score_period, length, "period").code
    months = _months(when.today, 12)
    counter = counted.counter_scope(scope)
    if counter is not None:
        return await _counted_dashboard(
            ctx, counter, when, months, scores_in.get("evaluations.period")
        )
    after_last = _month_after(months[-1])
    today = start_of_day(when.today)
    active = {"status": ACTIVE}

    def by(path: Any) -> list[dict[str, Any]]:
        return [{"$group": {"_id": path, "n": {"$sum": 1}}}]

    def both(*flags: str) -> dict[str, Any]:
        return {"$sum": {"$cond": [{"$and": [f"${f}" for f in flags]}, 1, 0]}}

    facets: dict[str, list[dict[str, Any]]] = {
        "total": [{"$count": "n"}],
        "status": by("$status"),
        "cooperation_type": by("$cooperation_type"),
        "form": by("$form"),
        "field": by("$field"),
        "unit": [{"$unwind": "$lead_org_unit_ids"}, *by("$lead_org_unit_ids")],
        # An agreement with two universities counts once for UNIVERSITY. The agreements are
        # counted per set of partners first, so the partners are looked up once per set,
        # not once per agreement.
        "partner_kind": [
            {"$group": {"_id": "$partner_ids", "n": {"$sum": 1}}},
            {
                "$lookup": {
                    "from": "partners",
                    "localField": "_id",
                    "foreignField": "_id",
                    "as": "partners",
                }
            },
            # `$map`, not the path "$partners.kind", which SecantusDB resolves through an
            # array to nothing (docs/engines.md).
            {
                "$project": {
                    "n": 1,
                    "kinds": {
                        "$setUnion": [{"$map": {"input": "$partners", "in": "$$this.kind"}}, []]
                    },
                }
            },
            {"$unwind": "$kinds"},
            {"$group": {"_id": "$kinds", "n": {"$sum": "$n"}}},
        ],
        "signing_year": [
            {"$match": {"signed_on": {"$ne": None}}},
            *by({"$year": "$signed_on"}),
        ],
        "expiring": [
            {
                "$match": {
                    **active,
                    "ends_on": {"$gte": today, "$lt": start_of_day(after_last)},
                }
            },
            *by({"$dateToString": {"format": "%Y-%m", "date": "$ends_on"}}),
        ],
        "progress": [
            {"$match": active},
            {
                "$project": {
                    "due": in_force_expression(when.current),
                    "done": evaluated(when.current, DONE),
                    "draft": evaluated(when.current, [EvaluationStatus.DRAFT.value]),
                    "was_due": in_force_expression(when.previous),
                    "missed": {"$eq": [evaluated(when.previous, DONE), False]},
                }
            },
            {
                "$group": {
                    "_id": None,
                    "due": both("due"),
                    "done": both("due", "done"),
                    "in_progress": both("due", "draft"),
                    "overdue": both("was_due", "missed"),
                }
            },
        ],
        "scores": [
            {"$unwind": "$evaluations"},
            {
                "$match": {
                    "evaluations.status": {"$in": DONE},
                    "evaluations.overall_score": {"$ne": None},
                    **scores_in,
                }
            },
            {"$unwind": "$lead_org_unit_ids"},
            {
                "$group": {
                    "_id": "$lead_org_unit_ids",
                    "average": {"$avg": "$evaluations.overall_score"},
                    "n": {"$sum": 1},
                }
            },
        ],
    }
    pipeline = [
        {"$match": scope},
        {
            "$project": {
                "status": 1,
                "cooperation_type": 1,
                "form": 1,
                "field": 1,
                "lead_org_unit_ids": 1,
                "partner_ids": 1,
                "signed_on": 1,
                "ends_on": 1,
                "starts": STARTS,
                "evaluations": 1,
            }
        },
        {"$facet": facets},
    ]
    collection = AgreementListing.get_pymongo_collection()
    [found] = await (await collection.aggregate(pipeline)).to_list()

    expiring = {r["_id"]: int(r["n"]) for r in found["expiring"]}
    progress = found["progress"][0] if found["progress"] else {}
    return Dashboard(
        agreements=int(found["total"][0]["n"]) if found["total"] else 0,
        by_status=_counts(found["status"]),
        by_cooperation_type=_counts(found["cooperation_type"]),
        by_form=_counts(found["form"]),
        by_field=_counts(found["field"]),
        by_lead_org_unit=_counts(found["unit"]),
        by_partner_kind=_counts(found["partner_kind"]),
        by_signing_year=sorted(
            (Count(str(r["_id"]), int(r["n"])) for r in found["signing_year"]),
            key=lambda c: str(c.key),
        ),
        expiring_by_month=[Count(m, expiring.get(m, 0)) for m in months],
        average_score_by_org_unit=sorted(
            (
                UnitScore(PydanticObjectId(r["_id"]), round(float(r["average"]), 2), int(r["n"]))
                for r in found["scores"]
            ),
            key=lambda s: (-s.average, str(s.org_unit_id)),
        ),
        progress=Progress(
            period=when.current.code,
            due=int(progress.get("due", 0)),
            done=int(progress.get("done", 0)),
            in_progress=int(progress.get("in_progress", 0)),
            overdue_previous=int(progress.get("overdue", 0)),
        ),
    )
