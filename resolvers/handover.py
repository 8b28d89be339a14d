"""The hand-over briefing (serah terima): what an official taking over a department's
cooperations needs to know on the first day."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from beanie import PydanticObjectId

from i18n import _
from models import Agreement, Evaluation, OrgUnit, Partner
from models.chronology import ChronologyEvent
from models.clock import utcnow
from models.enums import AgreementStatus
from models.errors import DomainError, ErrorCode
from resolvers import scoped
from resolvers.access import can_read_briefing, require_monitoring_reader
from resolvers.context import Context
from resolvers.monitoring import schedule, was_in_force

RECENT_EVENTS = 15
# Expiries further ahead than this are not "next" deadlines yet.
EXPIRY_HORIZON_DAYS = 365


class DeadlineKind(StrEnum):
    EXPIRY = "EXPIRY"
    EVALUATION = "EVALUATION"
    FOLLOW_UP = "FOLLOW_UP"


@dataclass(frozen=True)
class BriefingAgreement:
    agreement: Agreement
    partners: list[Partner]
    days_left: int | None
    latest_evaluation: Evaluation | None  # the latest submitted or reviewed one


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due_on: date
    agreement: Agreement
    title: str
    overdue: bool


@dataclass(frozen=True)
class Briefing:
    org_unit: OrgUnit
    generated_at: datetime
    today: date
    period: str
    agreements: list[BriefingAgreement]
    deadlines: list[Deadline]
    recent_events: list[tuple[ChronologyEvent, Agreement]]


async def handover_briefing(ctx: Context, org_unit_id: PydanticObjectId) -> Briefing:
    require_monitoring_reader(ctx.viewer)
    unit = await scoped.get(ctx.viewer, OrgUnit, org_unit_id)
    if unit is None or not can_read_briefing(ctx.viewer, unit.id):
        raise DomainError(ErrorCode.NOT_FOUND, "no such department", "orgUnitId")
    when = schedule(ctx)
    today = when.today
    led = await (await scoped.find(ctx.viewer, Agreement, {"lead_org_unit_ids": unit.id})).to_list()
    ctx.loaders.prime(led)
    active = sorted(
        (a for a in led if a.status == AgreementStatus.ACTIVE),
        key=lambda a: (a.ends_on or date.max, a.number),
    )
    partner_ids = list(dict.fromkeys(p for a in active for p in a.partner_ids))
    partners = {p.id: p for p in await ctx.loaders.partner.load_many(partner_ids) if p is not None}
    evaluations: dict[PydanticObjectId, list[Evaluation]] = {}
    found = await scoped.find(
        ctx.viewer, Evaluation, {"agreement_id": {"$in": [a.id for a in active]}}
    )
    for evaluation in await found.sort("-period").to_list():
        evaluations.setdefault(evaluation.agreement_id, []).append(evaluation)

    summaries = []
    deadlines = []
    for agreement in active:
        assert agreement.id is not None
        own = evaluations.get(agreement.id, [])
        done = [e for e in own if e.is_done]
        summaries.append(
            BriefingAgreement(
                agreement=agreement,
                partners=[partners[p] for p in agreement.partner_ids if p in partners],
                days_left=(agreement.ends_on - today).days if agreement.ends_on else None,
                latest_evaluation=done[0] if done else None,
            )
        )
        if agreement.ends_on and (agreement.ends_on - today).days <= EXPIRY_HORIZON_DAYS:
            deadlines.append(
                Deadline(
                    DeadlineKind.EXPIRY,
                    agreement.ends_on,
                    agreement,
                    _("The agreement ends; prepare its renewal or termination"),
                    agreement.ends_on < today,
                )
            )
        evaluated = {e.period for e in done}
        for period in (when.previous, when.current):
            if was_in_force(agreement, period) and period.code not in evaluated:
                deadlines.append(
                    Deadline(
                        DeadlineKind.EVALUATION,
                        period.end,
                        agreement,
                        _("Evaluation of period %(period)s", period=period.code),
                        period.end < today,
                    )
                )
        for evaluation in done:
            for action in evaluation.follow_up_actions:
                if action.done_at is None:
                    deadlines.append(
                        Deadline(
                            DeadlineKind.FOLLOW_UP,
                            action.due_on,
                            agreement,
                            _(
                                "Follow-up of the %(period)s evaluation: %(what)s (%(owner)s)",
                                period=evaluation.period,
                                what=action.what,
                                owner=action.owner,
                            ),
                            action.due_on < today,
                        )
                    )

    recent = []
    for agreement in led:
        views = agreement.event_views()
        recent += [
            (views[e.id].occurred_at, e.recorded_at, e, agreement) for e in agreement.chronology
        ]
    recent.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return Briefing(
        org_unit=unit,
        generated_at=utcnow(),
        today=today,
        period=when.current.code,
        agreements=summaries,
        deadlines=sorted(deadlines, key=lambda d: (d.due_on, d.agreement.number, d.kind)),
        recent_events=[(e, a) for _when, _recorded, e, a in recent[:RECENT_EVENTS]],
    )
