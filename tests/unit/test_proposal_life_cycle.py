"""The proposal's life cycle and what a submission needs, decided in memory
(models/proposal.py)."""

import itertools

import pytest
from beanie import PydanticObjectId

from models.enums import (
    AgreementForm,
    CooperationType,
    DocumentType,
    PartnerStatus,
    ProposalStatus,
    ReviewRecommendation,
)
from models.errors import DomainError, DomainErrors, ErrorCode
from models.partner import Partner
from models.proposal import REQUIRED_FIELDS
from tests.unit.records import ACTOR, check_refused_move, document, proposal, run_checks

Status = ProposalStatus

# docs/domain.md, "Life cycles": DRAFT → SUBMITTED → VERIFIED → IN_REVIEW → APPROVED; a
# revision may be asked from SUBMITTED, VERIFIED or IN_REVIEW and is answered by a new
# submission; REJECTED from any review state; the proposer withdraws a DRAFT, SUBMITTED or
# REVISION_REQUESTED proposal. Each further TKKSD review keeps IN_REVIEW.
ALLOWED = {
    (Status.DRAFT, Status.SUBMITTED),
    (Status.SUBMITTED, Status.VERIFIED),
    (Status.VERIFIED, Status.IN_REVIEW),
    (Status.IN_REVIEW, Status.IN_REVIEW),
    (Status.IN_REVIEW, Status.APPROVED),
    (Status.SUBMITTED, Status.REVISION_REQUESTED),
    (Status.VERIFIED, Status.REVISION_REQUESTED),
    (Status.IN_REVIEW, Status.REVISION_REQUESTED),
    (Status.REVISION_REQUESTED, Status.SUBMITTED),
    (Status.SUBMITTED, Status.REJECTED),
    (Status.VERIFIED, Status.REJECTED),
    (Status.IN_REVIEW, Status.REJECTED),
    (Status.DRAFT, Status.WITHDRAWN),
    (Status.SUBMITTED, Status.WITHDRAWN),
    (Status.REVISION_REQUESTED, Status.WITHDRAWN),
}
EVERY_MOVE = list(itertools.product(Status, Status))


@pytest.mark.parametrize(("source", "target"), EVERY_MOVE)
def test_every_move_is_allowed_or_an_invalid_transition(source: Status, target: Status) -> None:
    record = proposal(status=source)
    if (source, target) in ALLOWED:
        entry = record._entry(target, ACTOR, "  catatan  ", ReviewRecommendation.REVISE)
        assert (entry.from_status, entry.to_status) == (source, target)
        assert entry.note == "catatan"
        assert entry.actor == ACTOR
        assert entry.recommendation == ReviewRecommendation.REVISE
        return
    check_refused_move(lambda: record._entry(target, ACTOR), source, target)


# Each move's method, called with what it needs; an invalid move is refused before any write.
MOVES = {
    Status.SUBMITTED: lambda p: p.submit(ACTOR, 2026),
    Status.WITHDRAWN: lambda p: p.withdraw(ACTOR, "tidak jadi"),
    Status.VERIFIED: lambda p: p.verify(ACTOR, "lengkap"),
    Status.REVISION_REQUESTED: lambda p: p.request_revision(ACTOR, "lengkapi KAK"),
    Status.IN_REVIEW: lambda p: p.record_review(ACTOR, "telaah", ReviewRecommendation.APPROVE),
    Status.REJECTED: lambda p: p.reject(ACTOR, "tidak sesuai"),
}


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s, t in itertools.product(Status, MOVES) if (s, t) not in ALLOWED],
)
async def test_each_move_method_refuses_a_move_from_the_wrong_status(
    source: Status, target: Status
) -> None:
    with pytest.raises(DomainError) as refused:
        await MOVES[target](proposal(status=source))
    assert refused.value.code == ErrorCode.INVALID_TRANSITION
    assert refused.value.params["target"] == target


@pytest.mark.parametrize(
    ("source", "method"),
    [
        (Status.SUBMITTED, lambda p, note: p.request_revision(ACTOR, note)),
        (Status.IN_REVIEW, lambda p, note: p.request_revision(ACTOR, note)),
        (
            Status.VERIFIED,
            lambda p, note: p.record_review(ACTOR, note, ReviewRecommendation.REJECT),
        ),
        (
            Status.IN_REVIEW,
            lambda p, note: p.record_review(ACTOR, note, ReviewRecommendation.APPROVE),
        ),
        (Status.SUBMITTED, lambda p, note: p.reject(ACTOR, note)),
        (Status.VERIFIED, lambda p, note: p.reject(ACTOR, note)),
    ],
)
@pytest.mark.parametrize("note", ["", "   ", "\n"])
async def test_revision_review_and_rejection_need_a_note(source: Status, method, note: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        await method(proposal(status=source), note)
    assert refused.value.code == ErrorCode.REQUIRED
    assert refused.value.field in {"note", "reason"}


def complete(**fields: object) -> dict[str, object]:
    """A proposal that has everything a submission needs, with `fields` changed."""
    return {
        "purpose": "Meningkatkan layanan",
        "scope": "Pengelolaan sampah",
        "cooperation_type": CooperationType.KSDPK,
        "form": AgreementForm.PKS,
        "partner_ids": [PydanticObjectId()],
        "duration_months": 24,
        "attachments": [document(DocumentType.REQUEST_LETTER), document(DocumentType.TOR)],
        **fields,
    }


def test_a_complete_proposal_misses_nothing() -> None:
    assert proposal(**complete()).missing_for_submission() == []
    # The lead department may be left to the cooperation unit.
    assert proposal(**complete(org_unit_id=None)).missing_for_submission() == []


@pytest.mark.parametrize("name", REQUIRED_FIELDS)
@pytest.mark.parametrize("empty", [None, "", []])
def test_each_required_field_is_missing_when_empty(name: str, empty: object) -> None:
    problems = proposal(**complete(**{name: empty})).missing_for_submission()
    assert [(p.code, p.field, p.params) for p in problems] == [
        (ErrorCode.REQUIRED, name, {"name": name})
    ]


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ([DocumentType.TOR], [DocumentType.REQUEST_LETTER]),
        ([DocumentType.REQUEST_LETTER], [DocumentType.TOR]),
        (
            [DocumentType.FEASIBILITY_STUDY, DocumentType.DRAFT],
            [DocumentType.REQUEST_LETTER, DocumentType.TOR],
        ),
        ([], [DocumentType.REQUEST_LETTER, DocumentType.TOR]),
    ],
)
def test_a_submission_needs_the_request_letter_and_the_tor(
    present: list[DocumentType], missing: list[DocumentType]
) -> None:
    record = proposal(**complete(attachments=[document(t) for t in present]))
    problems = record.missing_for_submission()
    assert [(p.code, p.field, p.params["document"]) for p in problems] == [
        (ErrorCode.MISSING_ATTACHMENT, "attachments", t) for t in missing
    ]


def test_every_missing_thing_is_reported_at_once() -> None:
    problems = proposal(status=Status.DRAFT).missing_for_submission()
    assert [p.field for p in problems] == [*REQUIRED_FIELDS, "attachments", "attachments"]


@pytest.mark.parametrize("source", [Status.DRAFT, Status.REVISION_REQUESTED])
async def test_an_incomplete_proposal_is_not_submitted(source: Status) -> None:
    record = proposal(**complete(status=source, scope="", attachments=[]))
    with pytest.raises(DomainErrors) as refused:
        await record.submit(ACTOR, 2026)
    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.REQUIRED, "scope"),
        (ErrorCode.MISSING_ATTACHMENT, "attachments"),
        (ErrorCode.MISSING_ATTACHMENT, "attachments"),
    ]


async def test_a_stale_submission_is_refused_before_a_tracking_code_is_taken() -> None:
    record = proposal(**complete(revision=3))
    with pytest.raises(DomainError) as refused:
        await record.submit(ACTOR, 2026, expected_revision=2)
    assert (refused.value.code, refused.value.field) == (ErrorCode.CONFLICT, "revision")


@pytest.mark.parametrize("status", list(Status))
def test_only_a_draft_or_a_proposal_asked_to_revise_is_editable(status: Status) -> None:
    record = proposal(status=status)
    editable = status in {Status.DRAFT, Status.REVISION_REQUESTED}
    assert record.editable is editable
    if editable:
        record.check_editable()
        return
    with pytest.raises(DomainError) as refused:
        record.check_editable()
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_EDITABLE, "status")


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_a_proposal_takes_only_proposal_papers(doc_type: DocumentType) -> None:
    papers = {
        DocumentType.REQUEST_LETTER,
        DocumentType.TOR,
        DocumentType.FEASIBILITY_STUDY,
        DocumentType.DRAFT,
        DocumentType.CORRESPONDENCE,
        DocumentType.OTHER,
    }
    if doc_type in papers:
        assert proposal().next_attachment(None, doc_type) == 1
        return
    with pytest.raises(DomainError) as refused:
        proposal().next_attachment(None, doc_type)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "type")


def test_a_new_attachment_version_supersedes_the_newest_of_its_type() -> None:
    first = document(DocumentType.TOR)
    second = document(DocumentType.TOR, version=2, supersedes=first.id)
    record = proposal(attachments=[first, second])
    assert record.next_attachment(second.id, DocumentType.TOR) == 3
    refusals = [
        ((first.id, DocumentType.TOR), ErrorCode.CONFLICT),
        ((second.id, DocumentType.REQUEST_LETTER), ErrorCode.INVALID),
        ((PydanticObjectId(), DocumentType.TOR), ErrorCode.NOT_FOUND),
    ]
    for (supersedes, doc_type), code in refusals:
        with pytest.raises(DomainError) as refused:
            record.next_attachment(supersedes, doc_type)
        assert refused.value.code == code
    with pytest.raises(DomainError) as refused:
        proposal(status=Status.SUBMITTED, attachments=[first]).next_attachment(
            first.id, DocumentType.TOR
        )
    assert refused.value.code == ErrorCode.NOT_EDITABLE


def partner(name: str, status: PartnerStatus) -> Partner:
    return Partner.model_construct(id=PydanticObjectId(), name=name, registration_status=status)


def test_an_agreement_is_made_only_with_verified_partners() -> None:
    verified = partner("Universitas Pakuan", PartnerStatus.VERIFIED)
    proposal().check_partners_verified([verified])
    for status in (PartnerStatus.UNVERIFIED, PartnerStatus.REJECTED):
        unchecked = partner("PT Hijau", status)
        with pytest.raises(DomainError) as refused:
            proposal().check_partners_verified([verified, unchecked])
        assert (refused.value.code, refused.value.field) == (
            ErrorCode.PARTNER_NOT_VERIFIED,
            "partnerIds",
        )
        assert refused.value.params == {"partners": ["PT Hijau"]}


def test_a_proposal_has_exactly_one_proposer() -> None:
    run_checks(proposal())
    run_checks(proposal(proposer_partner_id=None, proposer_org_unit_id=PydanticObjectId()))
    for fields in (
        {"proposer_partner_id": None},
        {"proposer_org_unit_id": PydanticObjectId()},
    ):
        with pytest.raises(DomainError) as refused:
            run_checks(proposal(**fields))
        assert refused.value.code == ErrorCode.INVALID
