"""Statistics for analysts and dashboards, grouped by the dimensions the client names."""

from decimal import Decimal
from typing import Any

import strawberry
from beanie import PydanticObjectId

from resolvers import stats
from schema.agreements import AgreementFilter
from schema.context import Info
from schema.enums import (
    AgreementFormEnum,
    AgreementStatusEnum,
    CooperationTypeEnum,
    PartnerKindEnum,
)
from schema.errors import query
from schema.evaluations import EvaluationStatusEnum, IndicatorEnum, RecommendationEnum
from schema.org_units import OrgUnitType

AgreementDimensionEnum = strawberry.enum(
    stats.AgreementDimension,
    name="AgreementDimension",
    description="What agreements can be grouped by. ORG_UNIT and PARTNER_KIND count an "
    "agreement in each of its lead departments' (partners' kinds') groups.",
)


@strawberry.type(
    description="One group: the values of the dimensions asked for (the others are null) and "
    "its agreements."
)
class AgreementGroup:
    cooperation_type: CooperationTypeEnum | None  # type: ignore[valid-type]
    form: AgreementFormEnum | None  # type: ignore[valid-type]
    status: AgreementStatusEnum | None  # type: ignore[valid-type]
    field: str | None
    partner_kind: PartnerKindEnum | None  # type: ignore[valid-type]
    signed_year: int | None
    end_year: int | None
    count: int
    total_value: Decimal = strawberry.field(
        description="The sum of their recorded values, in rupiah (none recorded: 0)."
    )
    org_unit_id: strawberry.Private[PydanticObjectId | None]

    @strawberry.field(description="The lead department, when grouped by ORG_UNIT.")
    async def org_unit(self, info: Info) -> OrgUnitType | None:
        return await _org_unit(info, self.org_unit_id)

    @classmethod
    def from_resolver(cls, group: stats.Group) -> "AgreementGroup":
        key: dict[str, Any] = {d.value: v for d, v in group.key.items()}
        return cls(
            cooperation_type=key.get("cooperation_type"),
            form=key.get("form"),
            status=key.get("status"),
            field=key.get("field"),
            partner_kind=key.get("partner_kind"),
            signed_year=key.get("signed_year"),
            end_year=key.get("end_year"),
            count=group.count,
            total_value=group.total_value,
            org_unit_id=key.get("org_unit_id"),
        )


@strawberry.type
class AgreementStats:
    total: int = strawberry.field(description="Agreements matching the filter.")
    groups: list[AgreementGroup] = strawberry.field(description="Largest first.")


EvaluationDimensionEnum = strawberry.enum(
    stats.EvaluationDimension,
    name="EvaluationDimension",
    description="What evaluations can be grouped by; COOPERATION_TYPE, FIELD and ORG_UNIT are "
    "their agreement's.",
)


async def _org_unit(info: Info, org_unit_id: PydanticObjectId | None) -> OrgUnitType | None:
    if org_unit_id is None:
        return None
    found = await info.context.loaders.org_unit.load(org_unit_id)
    return OrgUnitType.from_model(found) if found else None


@strawberry.type
class IndicatorAverage:
    indicator: IndicatorEnum  # type: ignore[valid-type]
    average: float


@strawberry.type(description="One group of evaluations: the values of the dimensions asked for.")
class EvaluationGroup:
    period: str | None
    status: EvaluationStatusEnum | None  # type: ignore[valid-type]
    recommendation: RecommendationEnum | None  # type: ignore[valid-type]
    cooperation_type: CooperationTypeEnum | None  # type: ignore[valid-type]
    field: str | None
    count: int
    average_score: float | None = strawberry.field(
        description="The mean overall score (1-5) of those scored; null if none is."
    )
    indicators: list[IndicatorAverage] = strawberry.field(
        description="The mean score of each indicator."
    )
    org_unit_id: strawberry.Private[PydanticObjectId | None]

    @strawberry.field(description="The lead department, when grouped by ORG_UNIT.")
    async def org_unit(self, info: Info) -> OrgUnitType | None:
        return await _org_unit(info, self.org_unit_id)

    @classmethod
    def from_resolver(cls, group: stats.EvaluationGroup) -> "EvaluationGroup":
        key: dict[str, Any] = {d.value: v for d, v in group.key.items()}
        return cls(
            period=key.get("period"),
            status=key.get("status"),
            recommendation=key.get("recommendation"),
            cooperation_type=key.get("cooperation_type"),
            field=key.get("field"),
            count=group.count,
            average_score=group.average_score,
            indicators=[
                IndicatorAverage(indicator=i, average=a) for i, a in group.indicators.items()
            ],
            org_unit_id=key.get("org_unit_id"),
        )


@strawberry.type
class EvaluationStats:
    total: int = strawberry.field(description="Evaluations matching the filter.")
    groups: list[EvaluationGroup] = strawberry.field(description="Largest first.")


@strawberry.input
class EvaluationStatsFilter:
    agreements: AgreementFilter | None = strawberry.field(
        default=None, description="Evaluations of these agreements."
    )
    period: str | None = strawberry.field(default=None, description="e.g. 2026-S1")
    status: list[EvaluationStatusEnum] | None = None  # type: ignore[valid-type]
    recommendation: list[RecommendationEnum] | None = None  # type: ignore[valid-type]

    def to_resolver(self) -> stats.EvaluationFilter:
        return stats.EvaluationFilter(
            agreements=self.agreements.to_resolver() if self.agreements else None,
            period=self.period,
            status=self.status,
            recommendation=self.recommendation,
        )


@strawberry.type
class StatsQueries:
    @strawberry.field(
        description="Agreements you may read, counted by the dimensions in groupBy (in one "
        "aggregation); filter as in `agreements`."
    )
    async def agreement_stats(
        self,
        info: Info,
        group_by: list[AgreementDimensionEnum],  # type: ignore[valid-type]
        filter: AgreementFilter | None = None,
    ) -> AgreementStats:
        async def run() -> stats.Stats:
            flt = filter.to_resolver() if filter else None
            return await stats.agreement_stats(info.context, list(group_by), flt)

        result = await query(run())
        return AgreementStats(
            total=result.total, groups=[AgreementGroup.from_resolver(g) for g in result.groups]
        )

    @strawberry.field(
        description="Evaluations you may read (monitoring readers), counted and their scores "
        "averaged by the dimensions in groupBy."
    )
    async def evaluation_stats(
        self,
        info: Info,
        group_by: list[EvaluationDimensionEnum],  # type: ignore[valid-type]
        filter: EvaluationStatsFilter | None = None,
    ) -> EvaluationStats:
        async def run() -> stats.EvaluationStats:
            flt = filter.to_resolver() if filter else None
            return await stats.evaluation_stats(info.context, list(group_by), flt)

        result = await query(run())
        return EvaluationStats(
            total=result.total, groups=[EvaluationGroup.from_resolver(g) for g in result.groups]
        )
