"""Alerts and the dashboard: what needs attention, and the figures for dashboard frontends."""

from datetime import date

import strawberry
from beanie import PydanticObjectId

from models import Evaluation
from models.enums import AlertKind, AlertSeverity
from resolvers import fixity, monitoring
from resolvers.agreements import AgreementFilter as AgreementQuery
from resolvers.pagination import Page, PageRequest
from schema.agreements import AgreementType
from schema.context import Info
from schema.enums import AgreementFormEnum, AgreementStatusEnum, CooperationTypeEnum
from schema.errors import query
from schema.evaluations import EvaluationType, FollowUpActionType
from schema.fixity import FixityRunType
from schema.org_units import OrgUnitType
from schema.relay import Connection, optional_id

AlertKindEnum = strawberry.enum(AlertKind, name="AlertKind")
AlertSeverityEnum = strawberry.enum(AlertSeverity, name="AlertSeverity")


@strawberry.type(name="Alert", description="Something about an agreement that needs attention.")
class AlertType:
    id: strawberry.ID = strawberry.field(
        description="Stable while the condition lasts (the reminder job notifies once per id "
        "and severity)."
    )
    kind: AlertKindEnum  # type: ignore[valid-type]
    severity: AlertSeverityEnum  # type: ignore[valid-type]
    message: str
    due_on: date = strawberry.field(
        description="The end date, the evaluation period's end or the action's due date."
    )
    days_left: int = strawberry.field(description="Until dueOn; negative: days past it.")
    period: str | None
    item: strawberry.Private[monitoring.Alert]

    @strawberry.field
    def agreement(self) -> AgreementType | None:
        return AgreementType.from_row(self.item.row)

    @strawberry.field(description="For FOLLOW_UP_OVERDUE: the evaluation that asked for it.")
    async def evaluation(self, info: Info) -> EvaluationType | None:
        found = await self._evaluation(info)
        return EvaluationType.from_model(found) if found else None

    @strawberry.field(description="For FOLLOW_UP_OVERDUE: the action.")
    async def follow_up_action(self, info: Info) -> FollowUpActionType | None:
        found = await self._evaluation(info)
        if found is None or self.item.action_id is None:
            return None
        return FollowUpActionType.from_model(found.action(self.item.action_id))

    async def _evaluation(self, info: Info) -> Evaluation | None:
        if self.item.evaluation_id is None:
            return None
        return await info.context.loaders.evaluation.load(self.item.evaluation_id)

    @classmethod
    def from_model(cls, item: monitoring.Alert) -> "AlertType":
        return cls(
            id=strawberry.ID(item.key),
            kind=item.kind,
            severity=item.severity,
            message=item.message,
            due_on=item.due_on,
            days_left=item.days,
            period=item.period,
            item=item,
        )


@strawberry.input
class AlertFilter:
    within_days: int | None = strawberry.field(
        default=None, description="Expiring: ending within N days (default 90, the setting)."
    )
    kinds: list[AlertKindEnum] | None = None  # type: ignore[valid-type]
    severities: list[AlertSeverityEnum] | None = None  # type: ignore[valid-type]
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="A lead department."
    )
    agreement_id: strawberry.ID | None = None


@strawberry.type(description="How many agreements have this value.")
class CountBy:
    key: str
    count: int


@strawberry.type
class MonthCount:
    month: str = strawberry.field(description="YYYY-MM")
    count: int


@strawberry.type
class OrgUnitCount:
    count: int
    org_unit_id: strawberry.Private[PydanticObjectId]

    @strawberry.field
    async def org_unit(self, info: Info) -> OrgUnitType | None:
        found = await info.context.loaders.org_unit.load(self.org_unit_id)
        return OrgUnitType.from_model(found) if found else None


@strawberry.type
class OrgUnitScore:
    average_score: float
    evaluations: int
    org_unit_id: strawberry.Private[PydanticObjectId]

    @strawberry.field
    async def org_unit(self, info: Info) -> OrgUnitType | None:
        found = await info.context.loaders.org_unit.load(self.org_unit_id)
        return OrgUnitType.from_model(found) if found else None


@strawberry.type(description="Evaluations due and done in the current period.")
class EvaluationProgress:
    period: str
    due: int = strawberry.field(description="ACTIVE agreements in force this period.")
    done: int = strawberry.field(description="Of those, with a submitted evaluation.")
    in_progress: int = strawberry.field(description="Of those, with a DRAFT.")
    not_started: int
    overdue_previous: int = strawberry.field(
        description="In force last period and never evaluated for it."
    )


@strawberry.type(description="Figures for dashboards, computed by the database.")
class Dashboard:
    agreement_count: int
    by_status: list[CountBy]
    by_cooperation_type: list[CountBy]
    by_form: list[CountBy]
    by_field: list[CountBy] = strawberry.field(description="An empty key: no field recorded.")
    by_partner_kind: list[CountBy] = strawberry.field(
        description="Agreements with at least one partner of the kind."
    )
    by_signing_year: list[CountBy]
    by_lead_org_unit: list[OrgUnitCount]
    expiring_by_month: list[MonthCount] = strawberry.field(
        description="ACTIVE agreements ending in each of the next 12 months (from today)."
    )
    average_score_by_org_unit: list[OrgUnitScore] = strawberry.field(
        description="Mean overall score of submitted evaluations of the units' agreements."
    )
    evaluation_progress: EvaluationProgress

    @strawberry.field(
        description="The newest fixity run (ADMIN and EXECUTIVE; null for the others)."
    )
    async def last_fixity_run(self, info: Info) -> FixityRunType | None:
        run = await fixity.last_run(info.context)
        return FixityRunType.from_model(run) if run else None

    @classmethod
    def from_model(cls, d: monitoring.Dashboard) -> "Dashboard":
        def counts(items: list[monitoring.Count]) -> list[CountBy]:
            return [CountBy(key=str(c.key), count=c.count) for c in items]

        progress = d.progress
        return cls(
            agreement_count=d.agreements,
            by_status=counts(d.by_status),
            by_cooperation_type=counts(d.by_cooperation_type),
            by_form=counts(d.by_form),
            by_field=counts(d.by_field),
            by_partner_kind=counts(d.by_partner_kind),
            by_signing_year=counts(d.by_signing_year),
            by_lead_org_unit=[
                OrgUnitCount(count=c.count, org_unit_id=PydanticObjectId(c.key))
                for c in d.by_lead_org_unit
            ],
            expiring_by_month=[MonthCount(month=c.key, count=c.count) for c in d.expiring_by_month],
            average_score_by_org_unit=[
                OrgUnitScore(
                    average_score=s.average, evaluations=s.evaluations, org_unit_id=s.org_unit_id
                )
                for s in d.average_score_by_org_unit
            ],
            evaluation_progress=EvaluationProgress(
                period=progress.period,
                due=progress.due,
                done=progress.done,
                in_progress=progress.in_progress,
                not_started=progress.due - progress.done - progress.in_progress,
                overdue_previous=progress.overdue_previous,
            ),
        )


@strawberry.input
class DashboardFilter:
    cooperation_type: list[CooperationTypeEnum] | None = None  # type: ignore[valid-type]
    form: list[AgreementFormEnum] | None = None  # type: ignore[valid-type]
    status: list[AgreementStatusEnum] | None = None  # type: ignore[valid-type]
    partner_id: strawberry.ID | None = None
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="A lead department."
    )
    field: str | None = None
    signed_year: int | None = None
    score_period: str | None = strawberry.field(
        default=None, description="Average only the evaluations of this period (e.g. 2026-S1)."
    )


@strawberry.type
class MonitoringQueries:
    @strawberry.field(
        description="Agreements expiring soon or past their end, overdue evaluations and "
        "follow-up actions; most urgent first."
    )
    async def alerts(
        self,
        info: Info,
        filter: AlertFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AlertType]:
        async def run() -> Page[monitoring.Alert]:
            flt = None
            if filter is not None:
                flt = monitoring.AlertFilter(
                    within_days=filter.within_days,
                    kinds=filter.kinds,
                    severities=filter.severities,
                    org_unit_id=optional_id(filter.org_unit_id, "OrgUnit", "orgUnitId"),
                    agreement_id=optional_id(filter.agreement_id, "Agreement", "agreementId"),
                )
            request = PageRequest(first=first, after=after)
            return await monitoring.list_alerts(info.context, flt, request)

        return Connection[AlertType].of(await query(run()), AlertType.from_model)

    @strawberry.field(description="Counts and scores for dashboards, in one request.")
    async def dashboard(self, info: Info, filter: DashboardFilter | None = None) -> Dashboard:
        async def run() -> monitoring.Dashboard:
            flt = None
            if filter is not None:
                flt = AgreementQuery(
                    cooperation_type=filter.cooperation_type,
                    form=filter.form,
                    status=filter.status,
                    partner_id=optional_id(filter.partner_id, "Partner", "partnerId"),
                    org_unit_id=optional_id(filter.org_unit_id, "OrgUnit", "orgUnitId"),
                    field=filter.field,
                    signed_year=filter.signed_year,
                )
            period = filter.score_period if filter else None
            return await monitoring.dashboard(info.context, flt, period)

        return Dashboard.from_model(await query(run()))
