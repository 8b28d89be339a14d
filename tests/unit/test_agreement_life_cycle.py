"""The agreement's life cycle and its rules, decided in memory (models/agreement.py)."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from beanie import PydanticObjectId

from models.agreement import Amendment, check_occurred_at
from models.chronology import Correction, event
from models.enums import AgreementForm, AgreementStatus, ChronologyKind, DocumentType
from models.errors import DomainError, ErrorCode
from tests.unit.records import ACTOR, agreement, check_refused_move, day, document, run_checks

Status = AgreementStatus

# docs/domain.md, "Life cycles": DRAFT → ACTIVE on signing; ACTIVE → EXPIRED, TERMINATED or
# EXTENDED; an expired agreement may still be renewed. TERMINATED and EXTENDED are final.
ALLOWED = {
    (Status.DRAFT, Status.ACTIVE),
    (Status.ACTIVE, Status.EXPIRED),
    (Status.ACTIVE, Status.TERMINATED),
    (Status.ACTIVE, Status.EXTENDED),
    (Status.EXPIRED, Status.EXTENDED),
}
EVERY_MOVE = list(itertools.product(Status, Status))


@pytest.mark.parametrize(("source", "target"), EVERY_MOVE)
def test_every_move_is_allowed_or_an_invalid_transition(source: Status, target: Status) -> None:
    record = agreement(status=source)
    if (source, target) in ALLOWED:
        record._check_move(target)
        return
    check_refused_move(lambda: record._check_move(target), source, target)


@pytest.mark.parametrize("source", [s for s in Status if s != Status.DRAFT])
async def test_only_a_draft_is_activated(source: Status) -> None:
    record = agreement(status=source, signed_on=day("2026-01-05"))
    record.documents = [document(DocumentType.SIGNED_KSB)]
    with pytest.raises(DomainError) as refused:
        await record.activate(ACTOR, None)
    assert refused.value.code == ErrorCode.INVALID_TRANSITION


@pytest.mark.parametrize(
    ("form", "wrong_scan"),
    [
        (AgreementForm.KSB, DocumentType.SIGNED_PKS),
        (AgreementForm.PKS, DocumentType.SIGNED_KSB),
        (AgreementForm.NK, DocumentType.DRAFT),
    ],
)
async def test_activating_needs_the_signed_scan_of_its_own_form(
    form: AgreementForm, wrong_scan: DocumentType
) -> None:
    record = agreement(form=form, signed_on=day("2026-01-05"))
    record.documents = [document(wrong_scan)]
    with pytest.raises(DomainError) as refused:
        await record.activate(ACTOR, None)
    assert refused.value.code == ErrorCode.MISSING_SIGNED_DOCUMENT
    assert refused.value.field == "documents"


async def test_activating_needs_the_signing_date() -> None:
    record = agreement(documents=[document(DocumentType.SIGNED_KSB)])
    with pytest.raises(DomainError) as refused:
        await record.activate(ACTOR, None)
    assert (refused.value.code, refused.value.field) == (ErrorCode.REQUIRED, "signedOn")


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
async def test_terminating_needs_a_reason(reason: str) -> None:
    record = agreement(status=Status.ACTIVE, starts_on=day("2026-01-01"))
    with pytest.raises(DomainError) as refused:
        await record.terminate(reason, day("2026-06-01"), ACTOR, None)
    assert (refused.value.code, refused.value.field) == (ErrorCode.REQUIRED, "reason")


@pytest.mark.parametrize(
    ("starts_on", "signed_on"),
    [("2026-01-02", None), (None, "2026-01-02"), ("2026-01-02", "2025-12-01")],
)
async def test_termination_cannot_precede_the_start(
    starts_on: str | None, signed_on: str | None
) -> None:
    record = agreement(
        status=Status.ACTIVE,
        starts_on=starts_on and day(starts_on),
        signed_on=signed_on and day(signed_on),
    )
    with pytest.raises(DomainError) as refused:
        await record.terminate("dana tidak tersedia", day("2026-01-01"), ACTOR, None)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "terminatedOn")


@pytest.mark.parametrize("source", [s for s in Status if s != Status.ACTIVE])
async def test_only_an_active_agreement_is_terminated(source: Status) -> None:
    with pytest.raises(DomainError) as refused:
        await agreement(status=source).terminate("alasan", day("2026-06-01"), ACTOR, None)
    assert refused.value.code == ErrorCode.INVALID_TRANSITION


@pytest.mark.parametrize("ends_on", [None, "2026-06-30", "2026-07-01"])
async def test_an_agreement_expires_only_after_its_last_day(ends_on: str | None) -> None:
    record = agreement(status=Status.ACTIVE, ends_on=ends_on and day(ends_on))
    with pytest.raises(DomainError) as refused:
        await record.expire(day("2026-06-30"), ACTOR, None)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_TRANSITION, "endsOn")


@pytest.mark.parametrize(
    ("ends_on", "expiring"),
    [
        ("2026-03-31", False),  # over yesterday
        ("2026-04-01", True),  # the last day is today
        ("2026-06-30", True),  # 90 days ahead: the window's edge
        ("2026-07-01", False),  # 91 days ahead
        (None, False),
    ],
)
def test_expiring_is_active_and_ending_within_the_window(
    ends_on: str | None, expiring: bool
) -> None:
    record = agreement(status=Status.ACTIVE, ends_on=ends_on and day(ends_on))
    assert record.is_expiring(day("2026-04-01"), 90) is expiring


@pytest.mark.parametrize("status", [s for s in Status if s != Status.ACTIVE])
def test_only_an_active_agreement_is_expiring(status: Status) -> None:
    record = agreement(status=status, ends_on=day("2026-04-10"))
    assert record.is_expiring(day("2026-04-01"), 90) is False


def test_renewal_pending_is_a_linked_successor_of_a_running_agreement() -> None:
    linked = PydanticObjectId()
    assert agreement(status=Status.ACTIVE, successor_id=linked).renewal_pending
    assert agreement(status=Status.EXPIRED, successor_id=linked).renewal_pending
    assert not agreement(status=Status.EXTENDED, successor_id=linked).renewal_pending
    assert not agreement(status=Status.TERMINATED, successor_id=linked).renewal_pending
    assert not agreement(status=Status.ACTIVE).renewal_pending


def test_dates_and_parent_are_checked_on_the_record() -> None:
    inverted = agreement(starts_on=day("2026-02-01"), ends_on=day("2026-01-31"))
    with pytest.raises(DomainError) as refused:
        run_checks(inverted)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "endsOn")
    run_checks(agreement(starts_on=day("2026-02-01"), ends_on=day("2026-02-01")))
    for form in (AgreementForm.KSB, AgreementForm.NK):
        with pytest.raises(DomainError) as refused:
            run_checks(agreement(form=form, parent_id=PydanticObjectId()))
        assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_PARENT, "parentId")
    run_checks(agreement(form=AgreementForm.PKS, parent_id=PydanticObjectId()))


def test_a_pks_sits_under_an_existing_ksb() -> None:
    child = agreement(form=AgreementForm.PKS, parent_id=PydanticObjectId())
    with pytest.raises(DomainError) as refused:
        child.check_parent(None)
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_FOUND, "parentId")
    for form in (AgreementForm.PKS, AgreementForm.NK):
        with pytest.raises(DomainError) as refused:
            child.check_parent(agreement(form=form))
        assert refused.value.code == ErrorCode.INVALID_PARENT
    child.check_parent(agreement(form=AgreementForm.KSB))
    agreement(form=AgreementForm.PKS).check_parent(None)  # no parent named: nothing to check


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        ("2025-12-31", "2026-12-31", "startsOn"),  # a day before the KSB starts
        ("2026-01-01", "2031-01-01", "endsOn"),  # a day after the KSB ends
        ("2026-01-01", "2030-12-31", None),  # exactly the KSB's term
        (None, None, None),
    ],
)
def test_a_pks_stays_within_its_ksb_term(
    starts_on: str | None, ends_on: str | None, field: str | None
) -> None:
    ksb = agreement(starts_on=day("2026-01-01"), ends_on=day("2030-12-31"))
    pks = agreement(
        form=AgreementForm.PKS,
        number="PKS/001/2026",
        starts_on=starts_on and day(starts_on),
        ends_on=ends_on and day(ends_on),
    )
    if field is None:
        pks.check_within_term_of(ksb)
        ksb.check_term_covers([pks])
        return
    with pytest.raises(DomainError) as refused:
        pks.check_within_term_of(ksb)
    assert (refused.value.code, refused.value.field) == (ErrorCode.OUTSIDE_PARENT_TERM, field)
    with pytest.raises(DomainError) as refused:
        ksb.check_term_covers([pks])
    assert (refused.value.code, refused.value.field) == (ErrorCode.OUTSIDE_PARENT_TERM, field)


def test_a_pks_without_start_date_counts_from_its_signing() -> None:
    ksb = agreement(signed_on=day("2026-01-01"))
    pks = agreement(form=AgreementForm.PKS, signed_on=day("2025-12-31"))
    with pytest.raises(DomainError) as refused:
        pks.check_within_term_of(ksb)
    assert refused.value.field == "startsOn"


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("already_has_successor", ErrorCode.INVALID_TRANSITION),
        ("itself", ErrorCode.INVALID),
        ("earlier_in_chain", ErrorCode.INVALID),
        ("renews_another", ErrorCode.INVALID),
        ("other_form", ErrorCode.INVALID),
        ("fine", None),
        ("fine_already_linked_back", None),
    ],
)
def test_what_may_renew_an_agreement(case: str, code: ErrorCode | None) -> None:
    original = agreement(status=Status.ACTIVE)
    successor = agreement(number="KSB/002/2026")
    ancestors: frozenset[PydanticObjectId] = frozenset({PydanticObjectId()})
    if case == "already_has_successor":
        original.successor_id = PydanticObjectId()
    elif case == "itself":
        successor = original
    elif case == "earlier_in_chain":
        ancestors = frozenset({successor.id})  # type: ignore[arg-type]
    elif case == "renews_another":
        successor.predecessor_id = PydanticObjectId()
    elif case == "other_form":
        successor.form = AgreementForm.NK
    elif case == "fine_already_linked_back":
        successor.predecessor_id = original.id
    if code is None:
        original.check_can_extend(successor, ancestors)
        return
    with pytest.raises(DomainError) as refused:
        original.check_can_extend(successor, ancestors)
    assert refused.value.code == code


@pytest.mark.parametrize("source", [s for s in Status if s not in {Status.ACTIVE, Status.EXPIRED}])
def test_only_a_running_or_expired_agreement_is_renewed(source: Status) -> None:
    with pytest.raises(DomainError) as refused:
        agreement(status=source).check_can_extend(agreement(), frozenset())
    assert refused.value.code == ErrorCode.INVALID_TRANSITION


@pytest.mark.parametrize("source", [s for s in Status if s != Status.ACTIVE])
async def test_only_an_active_agreement_is_amended(source: Status) -> None:
    amendment = Amendment(
        number="ADD-1", title="Adendum", signed_on=day("2026-05-01"), recorded_by=ACTOR
    )
    with pytest.raises(DomainError) as refused:
        await agreement(status=source).amend(amendment, ACTOR, None)
    assert refused.value.code == ErrorCode.INVALID_TRANSITION


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("signed_before_agreement", ErrorCode.INVALID, "signedOn"),
        ("number_recorded", ErrorCode.DUPLICATE, "number"),
        ("unknown_document", ErrorCode.NOT_FOUND, "documentId"),
        ("not_an_addendum", ErrorCode.INVALID, "documentId"),
    ],
)
async def test_what_an_amendment_must_satisfy(case: str, code: ErrorCode, field: str) -> None:
    record = agreement(status=Status.ACTIVE, signed_on=day("2026-01-10"))
    scan = document(DocumentType.MINUTES)
    record.documents = [scan]
    fields: dict[str, object] = {
        "number": "ADD-2",
        "title": "Adendum kedua",
        "signed_on": day("2026-05-01"),
        "recorded_by": ACTOR,
    }
    if case == "signed_before_agreement":
        fields["signed_on"] = day("2026-01-09")
    elif case == "number_recorded":
        fields["number"] = "ADD-1"
        record.amendments = [
            Amendment(
                number="ADD-1", title="Adendum", signed_on=day("2026-03-01"), recorded_by=ACTOR
            )
        ]
    elif case == "unknown_document":
        fields["document_id"] = PydanticObjectId()
    elif case == "not_an_addendum":
        fields["document_id"] = scan.id
    with pytest.raises(DomainError) as refused:
        await record.amend(Amendment.model_validate(fields), ACTOR, None)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_new_document_version_supersedes_the_newest_of_its_type() -> None:
    first = document(DocumentType.MINUTES)
    second = document(DocumentType.MINUTES, version=2, supersedes=first.id)
    record = agreement(documents=[first, second])
    assert record.next_document(None, DocumentType.REPORT) == 1
    assert record.next_document(second.id, DocumentType.MINUTES) == 3
    refusals = [
        ((first.id, DocumentType.MINUTES), ErrorCode.CONFLICT),
        ((second.id, DocumentType.REPORT), ErrorCode.INVALID),
        ((PydanticObjectId(), DocumentType.MINUTES), ErrorCode.NOT_FOUND),
    ]
    for (supersedes, doc_type), code in refusals:
        with pytest.raises(DomainError) as refused:
            record.next_document(supersedes, doc_type)
        assert refused.value.code == code


NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("automatic_kind", "kind"),
        ("future", "occurredAt"),
        ("before_1900", "occurredAt"),
        ("unknown_document", "documentIds"),
        ("document_twice", "documentIds"),
        ("fine", None),
        ("fine_with_arriving_document", None),
    ],
)
def test_what_a_hand_entered_event_must_satisfy(case: str, field: str | None) -> None:
    known = document(DocumentType.MINUTES)
    arriving = document(DocumentType.CORRESPONDENCE)
    record = agreement(documents=[known])
    kind, occurred_at, document_ids = ChronologyKind.MEETING, NOW - timedelta(days=1), [known.id]
    if case == "automatic_kind":
        kind = ChronologyKind.SIGNED
    elif case == "future":
        occurred_at = NOW + timedelta(seconds=1)
    elif case == "before_1900":
        occurred_at = datetime(1899, 12, 31, 23, tzinfo=UTC)
    elif case == "unknown_document":
        document_ids = [PydanticObjectId()]
    elif case == "document_twice":
        document_ids = [known.id, known.id]
    elif case == "fine_with_arriving_document":
        document_ids = [known.id, arriving.id]
    item = event(
        kind, "Rapat koordinasi", ACTOR, occurred_at=occurred_at, document_ids=document_ids
    )
    if field is None:
        record.check_manual_event(item, NOW, [arriving])
        return
    with pytest.raises(DomainError) as refused:
        record.check_manual_event(item, NOW)
    assert refused.value.field == field
    assert refused.value.code in {ErrorCode.INVALID, ErrorCode.NOT_FOUND}
    assert (refused.value.code == ErrorCode.NOT_FOUND) is (case == "unknown_document")


def test_a_naive_event_time_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        check_occurred_at(datetime(2026, 1, 1), NOW, "occurredAt")
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "occurredAt")
    check_occurred_at(NOW, NOW, "occurredAt")


@pytest.mark.parametrize("field", ["status", "documents", "chronology", "successor_id", "form"])
async def test_status_files_and_history_are_not_edited_as_fields(field: str) -> None:
    with pytest.raises(DomainError) as refused:
        await agreement().edit({field: None}, ACTOR, None)
    assert refused.value.code == ErrorCode.INVALID
    assert refused.value.params == {"fields": [field]}


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("a_correction", ErrorCode.INVALID, "eventId"),
        ("unknown_event", ErrorCode.NOT_FOUND, "eventId"),
        ("no_reason", ErrorCode.REQUIRED, "reason"),
        ("changes_nothing", ErrorCode.INVALID, "eventId"),
        ("future", ErrorCode.INVALID, "occurredAt"),
    ],
)
async def test_what_a_correction_must_satisfy(case: str, code: ErrorCode, field: str) -> None:
    meeting = event(ChronologyKind.MEETING, "Rapat", ACTOR, occurred_at=NOW - timedelta(days=2))
    fix = event(
        ChronologyKind.CORRECTION, "Koreksi: Rapat", ACTOR, occurred_at=NOW, corrects=meeting.id
    )
    record = agreement(chronology=[meeting, fix])
    target, reason, correction = meeting.id, "salah tanggal", Correction(title="Rapat koordinasi")
    if case == "a_correction":
        target = fix.id
    elif case == "unknown_event":
        target = PydanticObjectId()
    elif case == "no_reason":
        reason = "  "
    elif case == "changes_nothing":
        correction = Correction(title="Rapat")
    elif case == "future":
        correction = Correction(occurred_at=NOW + timedelta(minutes=1))
    with pytest.raises(DomainError) as refused:
        await record.correct_event(target, correction, reason, ACTOR, NOW, None)
    assert (refused.value.code, refused.value.field) == (code, field)
