"""The chronology (menu 3): history entered by hand, corrections, the chain check, the
timeline across agreements and the hand-over briefing."""

from datetime import date, datetime
from typing import cast

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from models import Agreement
from models.base import parse_object_id
from models.chronology import ChainCheck, ChronologyEvent
from resolvers import chronology, handover
from resolvers.pagination import Page, PageRequest
from schema.agreements import AgreementType, ChronologyEventType
from schema.audit import audited_mutation
from schema.context import Info
from schema.enums import ChronologyKindEnum, DocumentTypeEnum
from schema.errors import UserError, query
from schema.evaluations import IDEMPOTENCY_HELP, EvaluationType
from schema.inputs import provided
from schema.org_units import OrgUnitType
from schema.partners import PartnerType
from schema.relay import Connection, decode_id, decode_ids, optional_id
from schema.stored_files import safe_filename

HANDOVER_PATH = "/briefings/handover/{org_unit_id}"
DeadlineKindEnum = strawberry.enum(handover.DeadlineKind, name="DeadlineKind")


@strawberry.input(description="Something that happened, entered by hand (possibly years later).")
class AddChronologyEventInput:
    agreement_id: strawberry.ID
    kind: ChronologyKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="MEETING, CORRESPONDENCE, HANDOVER or NOTE; the other kinds are written by "
        "the acts they describe."
    )
    occurred_at: datetime = strawberry.field(
        description="When it happened: any day since 1900, never in the future. Without an "
        "offset it is Bogor time (WIB)."
    )
    title: str
    description: str = ""
    document_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Documents of this agreement the event refers to."
    )
    new_documents: list[Upload] = strawberry.field(
        default_factory=list,
        description="Files to store with the event (multipart request); all or nothing.",
    )
    new_document_type: DocumentTypeEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="The type of the new files; default: MINUTES for meetings and hand-overs, "
        "CORRESPONDENCE for letters, OTHER for notes.",
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_HELP)


@strawberry.input(
    description="Fix what an event says. The event stays as recorded; a CORRECTION event "
    "pointing at it carries the new values (give only those that change)."
)
class CorrectChronologyEventInput:
    agreement_id: strawberry.ID
    event_id: strawberry.ID
    reason: str
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    occurred_at: datetime | None = strawberry.UNSET
    document_ids: list[strawberry.ID] | None = strawberry.UNSET
    revision: int | None = strawberry.field(
        default=None,
        description="The agreement's revision you read; if it changed since, you get CONFLICT.",
    )


@strawberry.type
class ChronologyEventPayload:
    event: ChronologyEventType | None
    agreement: AgreementType | None
    errors: list[UserError]


@strawberry.type
class CorrectChronologyEventPayload:
    event: ChronologyEventType | None = strawberry.field(description="The corrected view.")
    correction: ChronologyEventType | None = strawberry.field(
        description="The CORRECTION event appended."
    )
    agreement: AgreementType | None
    errors: list[UserError]


@strawberry.type(description="The result of recomputing an agreement's hash chain.")
class ChronologyVerification:
    intact: bool
    checked_events: int = strawberry.field(
        description="Events checked, up to and including the first broken one."
    )
    first_broken_event_id: strawberry.ID | None
    problem: str | None

    @classmethod
    def from_model(cls, check: ChainCheck) -> "ChronologyVerification":
        return cls(
            intact=check.intact,
            checked_events=check.checked,
            first_broken_event_id=(
                strawberry.ID(check.first_broken_id) if check.first_broken_id else None
            ),
            problem=check.problem,
        )


@strawberry.input
class TimelineFilter:
    from_: date | None = strawberry.field(name="from", default=None, description="Inclusive.")
    to: date | None = strawberry.field(default=None, description="Inclusive.")
    kinds: list[ChronologyKindEnum] | None = None  # type: ignore[valid-type]
    org_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="A lead department."
    )
    partner_id: strawberry.ID | None = None
    agreement_id: strawberry.ID | None = None


@strawberry.type
class HandoverAgreement:
    agreement: AgreementType
    partners: list[PartnerType]
    ends_on: date | None
    days_left: int | None
    latest_evaluation: EvaluationType | None = strawberry.field(
        description="The latest submitted or reviewed evaluation."
    )


@strawberry.type
class Deadline:
    kind: DeadlineKindEnum  # type: ignore[valid-type]
    due_on: date
    overdue: bool
    title: str
    agreement: AgreementType


@strawberry.type(
    description="What an incoming official needs: the department's active agreements, the next "
    "deadlines, the latest evaluations and recent history."
)
class HandoverBriefing:
    org_unit: OrgUnitType
    generated_at: datetime
    period: str = strawberry.field(description="The evaluation period now running.")
    agreements: list[HandoverAgreement]
    deadlines: list[Deadline] = strawberry.field(description="Soonest first; overdue included.")
    recent_events: list[ChronologyEventType]
    download_url: str = strawberry.field(
        description="GET it (with the same credentials) for the printable PDF."
    )

    @classmethod
    def from_model(cls, b: handover.Briefing) -> "HandoverBriefing":
        return cls(
            org_unit=OrgUnitType.from_model(b.org_unit),
            generated_at=b.generated_at,
            period=b.period,
            agreements=[
                HandoverAgreement(
                    agreement=AgreementType.from_model(a.agreement),
                    partners=[PartnerType.from_model(p) for p in a.partners],
                    ends_on=a.agreement.ends_on,
                    days_left=a.days_left,
                    latest_evaluation=(
                        EvaluationType.from_model(a.latest_evaluation)
                        if a.latest_evaluation
                        else None
                    ),
                )
                for a in b.agreements
            ],
            deadlines=[
                Deadline(
                    kind=d.kind,
                    due_on=d.due_on,
                    overdue=d.overdue,
                    title=d.title,
                    agreement=AgreementType.from_model(d.agreement),
                )
                for d in b.deadlines
            ],
            recent_events=[ChronologyEventType.from_model(e, a) for e, a in b.recent_events],
            download_url=HANDOVER_PATH.format(org_unit_id=b.org_unit.id),
        )


@strawberry.type
class ChronologyQueries:
    @strawberry.field(
        description="Recompute an agreement's hash chain over the events as stored and report "
        "the first broken link."
    )
    async def verify_chronology(
        self, info: Info, agreement_id: strawberry.ID
    ) -> ChronologyVerification:
        async def run() -> ChainCheck:
            raw = decode_id(agreement_id, "Agreement", "agreementId")
            return await chronology.verify(info.context, raw)

        return ChronologyVerification.from_model(await query(run()))

    @strawberry.field(
        description="Events across your agreements in the order they happened (corrected "
        "dates); `newestFirst` turns it around."
    )
    async def timeline(
        self,
        info: Info,
        filter: TimelineFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        newest_first: bool = False,
    ) -> Connection[ChronologyEventType]:
        async def run() -> Page[tuple[ChronologyEvent, Agreement]]:
            flt = None
            if filter is not None:
                flt = chronology.TimelineFilter(
                    from_day=filter.from_,
                    to_day=filter.to,
                    kinds=filter.kinds,
                    org_unit_id=optional_id(filter.org_unit_id, "OrgUnit", "orgUnitId"),
                    partner_id=optional_id(filter.partner_id, "Partner", "partnerId"),
                    agreement_id=optional_id(filter.agreement_id, "Agreement", "agreementId"),
                )
            request = PageRequest(first=first, after=after)
            return await chronology.timeline(info.context, flt, request, newest_first)

        return Connection[ChronologyEventType].of(
            await query(run()), lambda row: ChronologyEventType.from_model(*row)
        )

    @strawberry.field(description="The hand-over briefing (serah terima) of a department.")
    async def handover_briefing(self, info: Info, org_unit_id: strawberry.ID) -> HandoverBriefing:
        async def run() -> handover.Briefing:
            raw = decode_id(org_unit_id, "OrgUnit", "orgUnitId")
            return await handover.handover_briefing(info.context, raw)

        return HandoverBriefing.from_model(await query(run()))


@strawberry.type
class ChronologyMutations:
    @audited_mutation(
        description="Record a meeting, letter, hand-over or note in an agreement's history, "
        "with its documents (multipart request for new files; send Apollo-Require-Preflight)."
    )
    async def add_chronology_event(
        self, info: Info, input: AddChronologyEventInput
    ) -> ChronologyEventPayload:
        agreement_id = decode_id(input.agreement_id, "Agreement", "agreementId")
        uploads = [cast(UploadFile, f) for f in input.new_documents]
        result = await chronology.add_event(
            info.context,
            agreement_id,
            {
                "kind": input.kind,
                "occurred_at": input.occurred_at,
                "title": input.title,
                "description": input.description,
                "document_ids": decode_ids(input.document_ids, "DocumentRef", "documentIds"),
            },
            [chronology.NewFile(u.file, safe_filename(u.filename)) for u in uploads],
            input.new_document_type,
            input.idempotency_key,
        )
        item, agreement = result
        return ChronologyEventPayload(
            event=ChronologyEventType.from_model(item, agreement),
            agreement=AgreementType.from_model(agreement),
            errors=[],
        )

    @audited_mutation(description="Append a CORRECTION of an event; both stay on record.")
    async def correct_chronology_event(
        self, info: Info, input: CorrectChronologyEventInput
    ) -> CorrectChronologyEventPayload:
        agreement_id = decode_id(input.agreement_id, "Agreement", "agreementId")
        event_id = parse_object_id(str(input.event_id), "eventId")
        fields = provided(input, skip=frozenset({"agreement_id", "event_id", "reason", "revision"}))
        if fields.get("document_ids") is not None:
            fields["document_ids"] = decode_ids(
                fields["document_ids"], "DocumentRef", "documentIds"
            )
        result = await chronology.correct_event(
            info.context, agreement_id, event_id, fields, input.reason, input.revision
        )
        item, agreement = result
        latest = agreement.event_views()[item.id].corrections[-1]
        return CorrectChronologyEventPayload(
            event=ChronologyEventType.from_model(item, agreement),
            correction=ChronologyEventType.from_model(latest, agreement),
            agreement=AgreementType.from_model(agreement),
            errors=[],
        )
