"""Agreement (Kerja Sama Daerah): the record of one cooperation, its files and its history.

Every rule about an agreement's fields and life cycle is here; resolvers only load, call and
commit. Each change is committed together with its chronology events in one atomic
compare-and-set write, in one transaction with the agreement's search keys and listing row.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Self

import pymongo
from beanie import PydanticObjectId
from beanie.odm.utils.encoder import Encoder
from pydantic import BaseModel, Field, PrivateAttr, StringConstraints, model_validator
from pymongo import IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from models.actor import ActorRef
from models.agreement_keys import write_keys
from models.agreement_listing import write_listing
from models.base import Derive, Record
from models.chronology import (
    EARLIEST_EVENT,
    GENESIS_HASH,
    MANUAL_KINDS,
    MAX_EVENT_DOCUMENTS,
    ChronologyEvent,
    Correction,
    EventView,
    LongText,
    corrected_views,
    event,
    start_of_day,
)
from models.clock import utcnow
from models.documents import DocumentRef, next_version, superseded_ids
from models.enums import (
    SIGNED_DOCUMENT_TYPE,
    AgreementForm,
    AgreementStatus,
    ChronologyKind,
    CooperationType,
    DocumentType,
    Visibility,
)
from models.errors import DomainError, ErrorCode
from models.org_unit import Text
from models.partner import ShortText
from models.values import CalendarDate, Money

Status = AgreementStatus

# The life cycle: which status may follow which (docs/domain.md, "Life cycles").
TRANSITIONS: dict[AgreementStatus, frozenset[AgreementStatus]] = {
    Status.DRAFT: frozenset({Status.ACTIVE}),
    Status.ACTIVE: frozenset({Status.EXPIRED, Status.TERMINATED, Status.EXTENDED}),
    Status.EXPIRED: frozenset({Status.EXTENDED}),
    Status.TERMINATED: frozenset(),
    Status.EXTENDED: frozenset(),
}

# Fields a plain edit may change; status, files and history move only through their own acts.
EDITABLE_FIELDS = frozenset(
    {
        "number",
        "party_numbers",
        "title",
        "purpose",
        "scope",
        "field",
        "cooperation_type",
        "partner_ids",
        "lead_org_unit_ids",
        "signed_on",
        "starts_on",
        "ends_on",
        "funding_source",
        "value",
        "archive_location",
        "visibility",
    }
)

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class PartyNumber(BaseModel):
    """The number a party gave the agreement in its own registry."""

    party: Text
    number: Text


class Amendment(BaseModel):
    id: PydanticObjectId = Field(default_factory=PydanticObjectId)
    number: Text
    title: Text
    description: LongText = ""
    signed_on: CalendarDate
    document_id: PydanticObjectId | None = None
    recorded_by: ActorRef
    recorded_at: datetime = Field(default_factory=utcnow)


def ends_soon(status: Status, ends_on: date | None, today: date, window_days: int) -> bool:
    """Expiring: ACTIVE and ending within `window_days` of `today`."""
    return (
        status == Status.ACTIVE
        and ends_on is not None
        and 0 <= (ends_on - today).days <= window_days
    )


class Agreement(Record):
    number: Text
    party_numbers: list[PartyNumber] = []
    title: Text
    purpose: LongText = ""
    scope: LongText = ""
    field: ShortText = ""
    form: AgreementForm
    cooperation_type: CooperationType
    partner_ids: list[PydanticObjectId] = Field(min_length=1)
    lead_org_unit_ids: list[PydanticObjectId] = Field(min_length=1)
    parent_id: PydanticObjectId | None = None
    predecessor_id: PydanticObjectId | None = None
    successor_id: PydanticObjectId | None = None
    origin_proposal_id: PydanticObjectId | None = None
    signed_on: CalendarDate | None = None
    starts_on: CalendarDate | None = None
    ends_on: CalendarDate | None = None
    funding_source: ShortText = ""
    value: Money | None = None
    archive_location: ShortText = ""
    visibility: Visibility = Visibility.INTERNAL
    status: AgreementStatus = AgreementStatus.DRAFT
    termination_reason: str = ""
    amendments: list[Amendment] = []
    documents: list[DocumentRef] = []
    chronology: list[ChronologyEvent] = []
    title_key: str = ""
    _views: dict[PydanticObjectId, EventView] | None = PrivateAttr(default=None)

    unique_fields: ClassVar[dict[str, str]] = {"number": "number"}
    store_derived: ClassVar[tuple[Derive, ...]] = (write_keys, write_listing)

    class Settings:
        name = "agreements"
        indexes: ClassVar = [
            IndexModel([("number", pymongo.ASCENDING)], unique=True, name="number"),
            # The lists' sorts and filters are on the listing rows; these serve the reads of
            # whole agreements: a department's or a partner's (the viewer's rule), a parent's
            # children, a file's holder, and the open data's PUBLIC agreements.
            IndexModel([("lead_org_unit_ids", pymongo.ASCENDING)]),
            IndexModel([("partner_ids", pymongo.ASCENDING)]),
            IndexModel([("parent_id", pymongo.ASCENDING)]),
            IndexModel([("documents.file_id", pymongo.ASCENDING)]),
            IndexModel([("visibility", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
        ]

    @model_validator(mode="after")
    def _check_dates(self) -> Self:
        # DomainError (not ValueError) passes through pydantic with its code and field.
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise DomainError(ErrorCode.INVALID, "endsOn must not be before startsOn", "endsOn")
        if self.parent_id is not None and self.form != AgreementForm.PKS:
            raise DomainError(
                ErrorCode.INVALID_PARENT, "only a PKS has a parent agreement", "parentId"
            )
        self.title_key = self.title.casefold()
        return self

    # --- reading ---------------------------------------------------------------------------

    def is_expiring(self, today: date, window_days: int) -> bool:
        return ends_soon(self.status, self.ends_on, today, window_days)

    def document(self, document_id: PydanticObjectId) -> DocumentRef:
        for doc in self.documents:
            if doc.id == document_id:
                return doc
        raise DomainError(ErrorCode.NOT_FOUND, "no such document on this agreement", "documentId")

    def superseded_ids(self) -> set[PydanticObjectId]:
        return superseded_ids(self.documents)

    def last_hash(self) -> str:
        return self.chronology[-1].hash if self.chronology else GENESIS_HASH

    def event_views(self) -> dict[PydanticObjectId, EventView]:
        """The chronology in its corrected view, by event id (computed once per instance: a
        stored agreement is never changed in place, a write returns a new instance)."""
        if self._views is None:
            self._views = corrected_views(self.chronology)
        return self._views

    def find_event(self, event_id: PydanticObjectId) -> ChronologyEvent:
        for item in self.chronology:
            if item.id == event_id:
                return item
        raise DomainError(ErrorCode.NOT_FOUND, "no such event in this chronology", "eventId")

    def _check_event_documents(
        self,
        document_ids: list[PydanticObjectId],
        field: str,
        arriving: Sequence[DocumentRef] = (),
    ) -> None:
        if len(document_ids) > MAX_EVENT_DOCUMENTS:
            raise DomainError(
                ErrorCode.INVALID,
                "an event names at most %(count)s documents",
                field,
                count=MAX_EVENT_DOCUMENTS,
            )
        if len(set(document_ids)) != len(document_ids):
            raise DomainError(ErrorCode.INVALID, "a document is listed twice", field)
        known = {d.id for d in [*self.documents, *arriving]}
        if any(i not in known for i in document_ids):
            raise DomainError(ErrorCode.NOT_FOUND, "no such document on this agreement", field)

    # --- rules across records -----------------------------------------------------------

    def check_parent(self, parent: "Agreement | None") -> None:
        if self.parent_id is None:
            return
        if parent is None:
            raise DomainError(
                ErrorCode.NOT_FOUND, "the parent agreement does not exist", "parentId"
            )
        if parent.form != AgreementForm.KSB:
            raise DomainError(
                ErrorCode.INVALID_PARENT,
                "a PKS must sit under a KSB; %(number)s is a %(form)s",
                "parentId",
                number=parent.number,
                form=parent.form,
            )
        self.check_within_term_of(parent)

    @property
    def began_on(self) -> date | None:
        return self.starts_on or self.signed_on

    def check_within_term_of(self, parent: "Agreement") -> None:
        """A PKS implements its KSB: it may not start before it or end after it."""
        if self.began_on and parent.began_on and self.began_on < parent.began_on:
            raise DomainError(
                ErrorCode.OUTSIDE_PARENT_TERM,
                "this PKS starts on %(child)s, before its KSB %(number)s starts on %(parent)s",
                "startsOn",
                child=self.began_on,
                number=parent.number,
                parent=parent.began_on,
            )
        if self.ends_on and parent.ends_on and self.ends_on > parent.ends_on:
            raise DomainError(
                ErrorCode.OUTSIDE_PARENT_TERM,
                "this PKS ends on %(child)s, after its KSB %(number)s ends on %(parent)s",
                "endsOn",
                child=self.ends_on,
                number=parent.number,
                parent=parent.ends_on,
            )

    def check_term_covers(self, children: list["Agreement"]) -> None:
        """A KSB's new term must still hold every PKS under it (none is left outside)."""
        for child in children:
            if child.began_on and self.began_on and child.began_on < self.began_on:
                raise DomainError(
                    ErrorCode.OUTSIDE_PARENT_TERM,
                    "the KSB would start on %(parent)s, after its PKS %(number)s starts on "
                    "%(child)s",
                    "startsOn",
                    parent=self.began_on,
                    number=child.number,
                    child=child.began_on,
                )
            if child.ends_on and self.ends_on and child.ends_on > self.ends_on:
                raise DomainError(
                    ErrorCode.OUTSIDE_PARENT_TERM,
                    "the KSB would end on %(parent)s, before its PKS %(number)s ends on %(child)s",
                    "endsOn",
                    parent=self.ends_on,
                    number=child.number,
                    child=child.ends_on,
                )

    # --- acts: each returns the stored agreement after one atomic write ---------------------

    async def record(self, actor: ActorRef, session: AsyncClientSession | None = None) -> Self:
        created = event(ChronologyKind.CREATED, "Data kerja sama dicatat", actor)
        self.chronology = [created.sealed(GENESIS_HASH)]
        return await self.create_checked(session=session)

    async def record_with_history(
        self,
        earlier: list[ChronologyEvent],
        actor: ActorRef,
        title: str,
        *,
        description: str = "",
        occurred_at: datetime | None = None,
        session: AsyncClientSession | None = None,
    ) -> Self:
        """Record a new agreement whose chronology starts with what happened before it was
        recorded here (e.g. the proposal it came from), then its CREATED event."""
        created = event(
            ChronologyKind.CREATED, title, actor, description=description, occurred_at=occurred_at
        )
        chain = []
        previous = GENESIS_HASH
        for item in [*sorted(earlier, key=lambda e: e.occurred_at), created]:
            item = item.sealed(previous)
            chain.append(item)
            previous = item.hash
        self.chronology = chain
        return await self.create_checked(session=session)

    async def edit(
        self, changes: dict[str, Any], actor: ActorRef, expected_revision: int | None
    ) -> Self:
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise DomainError(ErrorCode.INVALID, "cannot edit %(fields)s", fields=sorted(unknown))
        _, changed = self.revised(changes)
        if not changed:
            return self
        names = ", ".join(sorted(changed))
        note = event(ChronologyKind.UPDATED, "Data kerja sama diperbarui", actor, description=names)
        return await self.commit(changed, [note], expected_revision=expected_revision)

    async def activate(
        self,
        actor: ActorRef,
        expected_revision: int | None,
        session: AsyncClientSession | None = None,
    ) -> Self:
        self._check_move(Status.ACTIVE)
        signed_type = SIGNED_DOCUMENT_TYPE[self.form]
        scans = [d for d in self.documents if d.type == signed_type]
        if not scans:
            raise DomainError(
                ErrorCode.MISSING_SIGNED_DOCUMENT,
                "upload the signed %(form)s scan (%(type)s) before activating",
                "documents",
                form=self.form,
                type=signed_type,
            )
        if self.signed_on is None:
            raise DomainError(ErrorCode.REQUIRED, "set signedOn before activating", "signedOn")
        signed = event(
            ChronologyKind.SIGNED,
            "Naskah ditandatangani; kerja sama berlaku",
            actor,
            occurred_at=start_of_day(self.signed_on),
            document_ids=[scans[-1].id],
        )
        return await self.commit(
            {"status": Status.ACTIVE},
            [signed],
            expected_revision=expected_revision,
            session=session,
        )

    async def terminate(
        self, reason: str, terminated_on: date, actor: ActorRef, expected_revision: int | None
    ) -> Self:
        self._check_move(Status.TERMINATED)
        reason = reason.strip()
        if not reason:
            raise DomainError(ErrorCode.REQUIRED, "a reason is required to terminate", "reason")
        began = self.starts_on or self.signed_on
        if began is not None and terminated_on < began:
            raise DomainError(
                ErrorCode.INVALID, "terminatedOn is before the agreement began", "terminatedOn"
            )
        ended = event(
            ChronologyKind.TERMINATED,
            "Kerja sama diakhiri sebelum waktunya",
            actor,
            description=reason,
            occurred_at=start_of_day(terminated_on),
        )
        return await self.commit(
            {"status": Status.TERMINATED, "termination_reason": reason},
            [ended],
            expected_revision=expected_revision,
        )

    async def expire(self, today: date, actor: ActorRef, expected_revision: int | None) -> Self:
        self._check_move(Status.EXPIRED)
        if self.ends_on is None or self.ends_on >= today:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION, "the agreement's term is not over yet", "endsOn"
            )
        over = event(
            ChronologyKind.STATUS_CHANGED,
            "Jangka waktu kerja sama berakhir",
            actor,
            occurred_at=start_of_day(self.ends_on),
        )
        return await self.commit(
            {"status": Status.EXPIRED}, [over], expected_revision=expected_revision
        )

    def check_can_extend(
        self, successor: "Agreement", ancestors: frozenset[PydanticObjectId]
    ) -> None:
        """`ancestors`: the ids of the agreements this one renews, directly or not."""
        self._check_move(Status.EXTENDED)
        if self.successor_id is not None:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "this agreement already has a renewal waiting to be activated",
                "agreementId",
            )
        if successor.id == self.id:
            raise DomainError(
                ErrorCode.INVALID, "an agreement cannot succeed itself", "successorId"
            )
        # Back-filled history may link a renewal that has itself ended since, so any status
        # goes; but a renewal chain must never close into a loop.
        if successor.id in ancestors:
            raise DomainError(
                ErrorCode.INVALID,
                "that agreement comes earlier in the same renewal chain",
                "successorId",
            )
        if successor.predecessor_id not in (None, self.id):
            raise DomainError(
                ErrorCode.INVALID, "that agreement already renews another one", "successorId"
            )
        if successor.form != self.form:
            raise DomainError(
                ErrorCode.INVALID,
                "a renewal must have the same form as the original",
                "successorId",
            )

    async def link_successor(
        self,
        successor: "Agreement",
        ancestors: frozenset[PydanticObjectId],
        actor: ActorRef,
        expected_revision: int | None,
        session: AsyncClientSession | None,
    ) -> tuple[Self, "Agreement"]:
        """Link a renewal. The original stays in force while the renewal is a draft (it shows
        as pending) and becomes EXTENDED when the renewal is activated (`renewal_activated`);
        a renewal already in force extends it at once."""
        self.check_can_extend(successor, ancestors)
        if successor.status == Status.DRAFT:
            changes: dict[str, Any] = {"successor_id": successor.id}
            title = f"Perpanjangan disiapkan: {successor.number}"
        else:
            changes = {"successor_id": successor.id, "status": Status.EXTENDED}
            title = f"Diperpanjang dengan {successor.number}"
        linked = event(ChronologyKind.EXTENDED, title, actor, description=successor.title)
        original = await self.commit(
            changes, [linked], expected_revision=expected_revision, session=session
        )
        follows = event(
            ChronologyKind.EXTENDED,
            f"Perpanjangan dari {self.number}",
            actor,
            description=self.title,
        )
        renewed = await successor.commit({"predecessor_id": self.id}, [follows], session=session)
        return original, renewed

    @property
    def renewal_pending(self) -> bool:
        return self.successor_id is not None and self.status in {Status.ACTIVE, Status.EXPIRED}

    async def renewal_activated(
        self, renewal: "Agreement", actor: ActorRef, session: AsyncClientSession | None
    ) -> Self | None:
        """The pending renewal came into force: this agreement is now EXTENDED by it (if it is
        still waiting for it; a terminated original stays terminated)."""
        if renewal.id != self.successor_id or not self.renewal_pending:
            return None
        extended = event(
            ChronologyKind.EXTENDED,
            f"Diperpanjang dengan {renewal.number}",
            actor,
            description=renewal.title,
        )
        return await self.commit({"status": Status.EXTENDED}, [extended], session=session)

    async def amend(
        self, amendment: Amendment, actor: ActorRef, expected_revision: int | None
    ) -> Self:
        if self.status != Status.ACTIVE:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "only an active agreement can be amended; this one is %(status)s",
                "agreementId",
                status=self.status,
            )
        if self.signed_on is not None and amendment.signed_on < self.signed_on:
            raise DomainError(
                ErrorCode.INVALID, "an amendment cannot be signed before the agreement", "signedOn"
            )
        if any(a.number == amendment.number for a in self.amendments):
            raise DomainError(ErrorCode.DUPLICATE, "this amendment number is recorded", "number")
        document_ids = []
        if amendment.document_id is not None:
            doc = self.document(amendment.document_id)
            if doc.type != DocumentType.ADDENDUM:
                raise DomainError(
                    ErrorCode.INVALID,
                    "attach a document of type %(type)s",
                    "documentId",
                    type=DocumentType.ADDENDUM,
                )
            document_ids = [doc.id]
        amended = event(
            ChronologyKind.AMENDED,
            f"Adendum {amendment.number}: {amendment.title}",
            actor,
            description=amendment.description,
            occurred_at=start_of_day(amendment.signed_on),
            document_ids=document_ids,
        )
        return await self.commit(
            {},
            [amended],
            push={"amendments": Encoder().encode(amendment)},
            expected_revision=expected_revision,
        )

    def next_document(self, supersedes: PydanticObjectId | None, doc_type: DocumentType) -> int:
        """Check a new upload against the documents on record; return its version number."""
        if supersedes is None:
            return 1
        newer = DomainError(
            ErrorCode.CONFLICT,
            "that document already has a newer version; supersede the newest one",
            "supersedesId",
        )
        return next_version(self.documents, self.document(supersedes), doc_type, newer)

    async def add_document(
        self, doc: DocumentRef, actor: ActorRef, session: AsyncClientSession | None = None
    ) -> Self:
        added = event(
            ChronologyKind.DOCUMENT_ADDED,
            f"Dokumen ditambahkan: {doc.title}"
            + (f" (versi {doc.version})" if doc.version > 1 else ""),
            actor,
            description=f"{doc.type} · {doc.filename}",
            document_ids=[doc.id],
        )
        return await self.commit(
            {}, [added], push={"documents": Encoder().encode(doc)}, session=session
        )

    # --- history entered by hand -----------------------------------------------------------

    def check_manual_event(
        self, item: ChronologyEvent, now: datetime, arriving: Sequence[DocumentRef] = ()
    ) -> None:
        """A hand-entered event: a manual kind, a real date, documents of this agreement (or
        `arriving` with it)."""
        if item.kind not in MANUAL_KINDS:
            raise DomainError(
                ErrorCode.INVALID,
                "only %(kinds)s events are recorded by hand; the others are written by the "
                "acts they describe",
                "kind",
                kinds=sorted(MANUAL_KINDS),
            )
        check_occurred_at(item.occurred_at, now, "occurredAt")
        self._check_event_documents(item.document_ids, "documentIds", arriving)

    async def record_event(
        self,
        item: ChronologyEvent,
        new_documents: list[DocumentRef],
        now: datetime,
        *,
        session: AsyncClientSession | None = None,
    ) -> Self:
        """Append a hand-entered event, with the files uploaded for it, in one write."""
        self.check_manual_event(item, now, new_documents)
        push = {"documents": {"$each": [Encoder().encode(d) for d in new_documents]}}
        return await self.commit({}, [item], push=push if new_documents else None, session=session)

    async def correct_event(
        self,
        target_id: PydanticObjectId,
        correction: Correction,
        reason: str,
        actor: ActorRef,
        now: datetime,
        expected_revision: int | None,
    ) -> Self:
        """Append a CORRECTION of an event; the event itself stays as it was recorded."""
        target = self.find_event(target_id)
        if target.kind == ChronologyKind.CORRECTION:
            raise DomainError(
                ErrorCode.INVALID,
                "a correction is not corrected itself; correct the original event again",
                "eventId",
            )
        reason = reason.strip()
        if not reason:
            raise DomainError(ErrorCode.REQUIRED, "say why the event is corrected", "reason")
        if correction.occurred_at is not None:
            check_occurred_at(correction.occurred_at, now, "occurredAt")
        if correction.document_ids is not None:
            self._check_event_documents(correction.document_ids, "documentIds")
        current = self.event_views()[target_id]
        changed = Correction(
            title=_differs(correction.title, current.title),
            description=_differs(correction.description, current.description),
            occurred_at=_differs(correction.occurred_at, current.occurred_at),
            document_ids=_differs(correction.document_ids, current.document_ids),
        )
        if changed == Correction():
            raise DomainError(
                ErrorCode.INVALID, "the correction changes nothing the event says", "eventId"
            )
        fix = event(
            ChronologyKind.CORRECTION,
            f"Koreksi: {current.title}"[:300],
            actor,
            description=reason,
            occurred_at=now,
            corrects=target_id,
            correction=changed,
        )
        return await self.commit({}, [fix], expected_revision=expected_revision)

    # --- the one write path ------------------------------------------------------------------

    def _check_move(self, target: AgreementStatus) -> None:
        if target not in TRANSITIONS[self.status]:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "an agreement in status %(status)s cannot become %(target)s",
                "status",
                status=self.status,
                target=target,
            )

    async def commit(
        self,
        changes: dict[str, Any],
        events: list[ChronologyEvent],
        *,
        push: dict[str, Any] | None = None,
        expected_revision: int | None = None,
        session: AsyncClientSession | None = None,
    ) -> Self:
        sealed = []
        previous = self.last_hash()
        for item in events:
            item = item.sealed(previous)
            sealed.append(Encoder().encode(item))
            previous = item.hash
        pushes: dict[str, Any] = {"chronology": {"$each": sealed}}
        for name, value in (push or {}).items():
            pushes[name] = value
        return await self.compare_and_set(
            {"$set": Encoder().encode(changes), "$push": pushes},
            expected_revision=expected_revision,
            session=session,
        )


def check_occurred_at(moment: datetime, now: datetime, field: str) -> None:
    if moment.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "give the time with its UTC offset", field)
    if moment > now:
        raise DomainError(ErrorCode.INVALID, "an event cannot lie in the future", field)
    if moment < EARLIEST_EVENT:
        raise DomainError(ErrorCode.INVALID, "an event cannot lie before 1900", field)


def _differs[T](wanted: T | None, current: T) -> T | None:
    return wanted if wanted is not None and wanted != current else None
