"""Statistics for analysts: counts grouped by any mix of dimensions, computed by the database
in one aggregation over the agreements (or evaluations) the viewer may read.

An agreement with two lead departments (or partners of two kinds) counts once in each of
their groups, so the groups of ORG_UNIT and PARTNER_KIND may add up to more than `total`.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bson import Decimal128

from models import Agreement, Evaluation, Partner
from models.enums import EvaluationStatus, Indicator, Recommendation
from models.errors import DomainError, ErrorCode
from models.periods import Period
from resolvers import scoped
from resolvers.agreements import AgreementFilter, agreement_query
from resolvers.context import Context
from resolvers.evaluations import period_length
from resolvers.pagination import combine


class AgreementDimension(StrEnum):
    COOPERATION_TYPE = "cooperation_type"
    FORM = "form"
    STATUS = "status"
    FIELD = "field"
    ORG_UNIT = "org_unit_id"
    PARTNER_KIND = "partner_kind"
    SIGNED_YEAR = "signed_year"
    END_YEAR = "end_year"


# What each dimension groups on, after the stages below have run.
GROUP_KEYS: dict[AgreementDimension, Any] = {
    AgreementDimension.COOPERATION_TYPE: "$cooperation_type",
    AgreementDimension.FORM: "$form",
    AgreementDimension.STATUS: "$status",
    AgreementDimension.FIELD: "$field",
    AgreementDimension.ORG_UNIT: "$lead_org_unit_ids",
    AgreementDimension.PARTNER_KIND: "$partner_kinds",
    AgreementDimension.SIGNED_YEAR: {"$year": "$signed_on"},
    AgreementDimension.END_YEAR: {"$year": "$ends_on"},
}
# Only what the groups need travels through the pipeline (not files or history).
PROJECTION = {
    "cooperation_type": 1,
    "form": 1,
    "status": 1,
    "field": 1,
    "lead_org_unit_ids": 1,
    "partner_ids": 1,
    "signed_on": 1,
    "ends_on": 1,
    "value": 1,
}


@dataclass
class Group:
    key: dict[AgreementDimension, Any]
    count: int
    total_value: Decimal


@dataclass
class Stats:
    total: int
    groups: list[Group]


async def scoped_match(ctx: Context, flt: AgreementFilter | None) -> dict[str, Any]:
    """The viewer's agreements under the filter, as a `$match`."""
    return combine(
        await scoped.readable(ctx.viewer, Agreement), await agreement_query(flt, ctx.today())
    )


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal128):
        return value.to_decimal()
    return Decimal(value or 0)


async def agreement_stats(
    ctx: Context, dimensions: list[AgreementDimension], flt: AgreementFilter | None
) -> Stats:
    if len(set(dimensions)) != len(dimensions):
        raise DomainError(ErrorCode.INVALID, "a dimension is listed twice", "groupBy")
    match = await scoped_match(ctx, flt)
    stages: list[dict[str, Any]] = [{"$project": PROJECTION}]
    if AgreementDimension.PARTNER_KIND in dimensions:
        stages += [
            {
                "$lookup": {
                    "from": Partner.get_collection_name(),
                    "localField": "partner_ids",
                    "foreignField": "_id",
                    "as": "partners",
                }
            },
            # Two partners of one kind put the agreement once in that kind's group. `$map`
            # rather than the path "$partners.kind": SecantusDB resolves such a path through
            # an array to nothing (docs/engines.md).
            {
                "$addFields": {
                    "partner_kinds": {
                        "$setUnion": [{"$map": {"input": "$partners", "in": "$$this.kind"}}, []]
                    }
                }
            },
            {"$unwind": "$partner_kinds"},
        ]
    if AgreementDimension.ORG_UNIT in dimensions:
        stages.append({"$unwind": "$lead_org_unit_ids"})
    stages.append(
        {
            "$group": {
                "_id": {d.value: GROUP_KEYS[d] for d in dimensions},
                "count": {"$sum": 1},
                "value": {"$sum": "$value"},
            }
        }
    )
    pipeline = [{"$match": match}, {"$facet": {"total": [{"$count": "n"}], "groups": stages}}]
    cursor = await Agreement.get_pymongo_collection().aggregate(pipeline)
    [facets] = await cursor.to_list()
    groups = [
        Group(
            key={d: row["_id"].get(d.value) for d in dimensions},
            count=row["count"],
            total_value=_decimal(row["value"]),
        )
        for row in facets["groups"]
    ]
    groups.sort(key=lambda g: (-g.count, [(v is None, str(v)) for v in g.key.values()]))
    return Stats(total=facets["total"][0]["n"] if facets["total"] else 0, groups=groups)


# --- evaluations (monitoring) ------------------------------------------------------------------


class EvaluationDimension(StrEnum):
    PERIOD = "period"
    STATUS = "status"
    RECOMMENDATION = "recommendation"
    COOPERATION_TYPE = "cooperation_type"
    FIELD = "field"
    ORG_UNIT = "org_unit_id"


EVALUATION_KEYS: dict[EvaluationDimension, str] = {
    EvaluationDimension.PERIOD: "$period",
    EvaluationDimension.STATUS: "$status",
    EvaluationDimension.RECOMMENDATION: "$recommendation",
    EvaluationDimension.COOPERATION_TYPE: "$agreement.cooperation_type",
    EvaluationDimension.FIELD: "$agreement.field",
    EvaluationDimension.ORG_UNIT: "$agreement.lead_org_unit_ids",
}
AGREEMENT_DIMENSIONS = frozenset(
    {
        EvaluationDimension.COOPERATION_TYPE,
        EvaluationDimension.FIELD,
        EvaluationDimension.ORG_UNIT,
    }
)


@dataclass
class EvaluationFilter:
    agreements: AgreementFilter | None = None
    period: str | None = None
    status: list[EvaluationStatus] | None = None
    recommendation: list[Recommendation] | None = None


async def evaluation_match(ctx: Context, flt: EvaluationFilter | None) -> dict[str, Any]:
    """The evaluations the viewer may read (of agreements it may monitor) under the filter."""
    flt = flt or EvaluationFilter()
    agreements = combine(
        await scoped.monitored(ctx.viewer), await agreement_query(flt.agreements, ctx.today())
    )
    ids = await scoped.ids(ctx.viewer, Agreement, agreements)
    query: dict[str, Any] = {}
    if ids is not None:
        query["agreement_id"] = {"$in": ids}
    if flt.period:
        query["period"] = Period.parse(flt.period, period_length(ctx)).code
    if flt.status:
        query["status"] = {"$in": [s.value for s in flt.status]}
    if flt.recommendation:
        query["recommendation"] = {"$in": [r.value for r in flt.recommendation]}
    return query


@dataclass
class EvaluationGroup:
    key: dict[EvaluationDimension, Any]
    count: int
    average_score: float | None
    indicators: dict[Indicator, float]


@dataclass
class EvaluationStats:
    total: int
    groups: list[EvaluationGroup]


async def evaluation_stats(
    ctx: Context, dimensions: list[EvaluationDimension], flt: EvaluationFilter | None
) -> EvaluationStats:
    """Counts, the mean overall score and the mean of each indicator, per group; scores of
    evaluations not scored yet are left out of the means."""
    if len(set(dimensions)) != len(dimensions):
        raise DomainError(ErrorCode.INVALID, "a dimension is listed twice", "groupBy")
    match = await evaluation_match(ctx, flt)
    stages: list[dict[str, Any]] = [
        {"$match": match},
        {
            "$project": {
                "period": 1,
                "status": 1,
                "recommendation": 1,
                "overall_score": 1,
                "scores": 1,
                "agreement_id": 1,
            }
        },
    ]
    if AGREEMENT_DIMENSIONS & set(dimensions):
        stages += [
            {
                "$lookup": {
                    "from": Agreement.get_collection_name(),
                    "localField": "agreement_id",
                    "foreignField": "_id",
                    "pipeline": [
                        {"$project": {"cooperation_type": 1, "field": 1, "lead_org_unit_ids": 1}}
                    ],
                    "as": "agreement",
                }
            },
            {"$unwind": "$agreement"},
        ]
    if EvaluationDimension.ORG_UNIT in dimensions:
        stages.append({"$unwind": "$agreement.lead_org_unit_ids"})
    keys = {d.value: EVALUATION_KEYS[d] for d in dimensions}
    stages.append(
        {
            "$facet": {
                "groups": [
                    {
                        "$group": {
                            "_id": keys,
                            "count": {"$sum": 1},
                            "average": {"$avg": "$overall_score"},
                        }
                    }
                ],
                "indicators": [
                    {"$unwind": "$scores"},
                    {
                        "$group": {
                            "_id": {"key": keys, "indicator": "$scores.indicator"},
                            "average": {"$avg": "$scores.score"},
                        }
                    },
                ],
            }
        }
    )
    collection = Evaluation.get_pymongo_collection()
    total = await collection.count_documents(match)
    [facets] = await (await collection.aggregate(stages)).to_list()
    by_key: dict[str, dict[Indicator, float]] = {}
    for row in facets["indicators"]:
        indicators = by_key.setdefault(repr(sorted(row["_id"]["key"].items())), {})
        indicators[Indicator(row["_id"]["indicator"])] = round(row["average"], 2)
    groups = [
        EvaluationGroup(
            key={d: row["_id"].get(d.value) for d in dimensions},
            count=row["count"],
            average_score=round(row["average"], 2) if row["average"] is not None else None,
            indicators=by_key.get(repr(sorted(row["_id"].items())), {}),
        )
        for row in facets["groups"]
    ]
    groups.sort(key=lambda g: (-g.count, [(v is None, str(v)) for v in g.key.values()]))
    return EvaluationStats(total=total, groups=groups)
