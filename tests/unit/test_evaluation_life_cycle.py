"""The evaluation's life cycle and its rules, decided in memory (models/evaluation.py)."""

import itertools

import pytest
from beanie import PydanticObjectId

from models.enums import (
    AgreementStatus,
    EvaluationStatus,
    Indicator,
    PeriodLength,
    Recommendation,
)
from models.errors import DomainError, DomainErrors, ErrorCode
from models.evaluation import (
    MAX_EVIDENCE,
    Evaluation,
    Evidence,
    FollowUpAction,
    IndicatorScore,
)
from models.periods import Period
from tests.unit.records import ACTOR, agreement, check_refused_move, day, evaluation, run_checks

Status = EvaluationStatus

# docs/domain.md, "Life cycles": DRAFT → SUBMITTED → REVIEWED, and nothing else.
ALLOWED = {(Status.DRAFT, Status.SUBMITTED), (Status.SUBMITTED, Status.REVIEWED)}
SOURCE_OF = {Status.SUBMITTED: Status.DRAFT, Status.REVIEWED: Status.SUBMITTED}
EVERY_MOVE = list(itertools.product(Status, SOURCE_OF))
FIRST_HALF = Period(2026, 1, PeriodLength.SEMESTER)


def scored(value: int = 4) -> list[IndicatorScore]:
    return [IndicatorScore(indicator=i, score=value) for i in Indicator]


def ready(**fields: object) -> dict[str, object]:
    """An evaluation with everything a submission needs, with `fields` changed."""
    return {
        "visit_date": day("2026-03-10"),
        "scores": scored(),
        "recommendation": Recommendation.CONTINUE,
        **fields,
    }


@pytest.mark.parametrize(("source", "target"), EVERY_MOVE)
def test_every_move_is_allowed_or_an_invalid_transition(source: Status, target: Status) -> None:
    record = evaluation(status=source)
    if (source, target) in ALLOWED:
        record._check_move(SOURCE_OF[target], target)
        return
    check_refused_move(lambda: record._check_move(SOURCE_OF[target], target), source, target)


@pytest.mark.parametrize("source", [Status.SUBMITTED, Status.REVIEWED])
async def test_only_a_draft_is_submitted(source: Status) -> None:
    with pytest.raises(DomainError) as refused:
        await evaluation(status=source, **ready()).submit(ACTOR, None)
    assert refused.value.code == ErrorCode.INVALID_TRANSITION


@pytest.mark.parametrize("source", [Status.DRAFT, Status.REVIEWED])
async def test_only_a_submitted_evaluation_is_reviewed(source: Status) -> None:
    with pytest.raises(DomainError) as refused:
        await evaluation(status=source, **ready()).review(ACTOR, "diterima", None)
    assert refused.value.code == ErrorCode.INVALID_TRANSITION


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"visit_date": None}, ["visitDate"]),
        ({"recommendation": None}, ["recommendation"]),
        ({"scores": scored()[:-1]}, ["scores"]),
        ({"scores": []}, ["scores"]),
        (
            {"visit_date": None, "scores": [], "recommendation": None},
            ["visitDate", "scores", "recommendation"],
        ),
    ],
)
async def test_a_submission_needs_the_visit_every_score_and_a_recommendation(
    fields: dict[str, object], missing: list[str]
) -> None:
    with pytest.raises(DomainErrors) as refused:
        await evaluation(**ready(**fields)).submit(ACTOR, None)
    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.REQUIRED, name) for name in missing
    ]


async def test_the_unscored_indicators_are_named() -> None:
    with pytest.raises(DomainErrors) as refused:
        await evaluation(**ready(scores=scored()[2:])).submit(ACTOR, None)
    assert refused.value.errors[0].params == {"indicators": list(Indicator)[:2]}


@pytest.mark.parametrize("source", [Status.SUBMITTED, Status.REVIEWED])
async def test_only_a_draft_is_edited(source: Status) -> None:
    with pytest.raises(DomainError) as refused:
        await evaluation(status=source).edit({"findings": "x"}, FIRST_HALF, day("2026-06-01"), None)
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_EDITABLE, "status")


async def test_an_edit_changes_only_editable_fields() -> None:
    with pytest.raises(DomainError) as refused:
        await evaluation().edit({"status": Status.REVIEWED}, FIRST_HALF, day("2026-06-01"), None)
    assert refused.value.code == ErrorCode.INVALID


@pytest.mark.parametrize(("status", "done"), [(s, s != Status.DRAFT) for s in Status])
def test_a_submitted_or_reviewed_evaluation_counts_for_its_period(
    status: Status, done: bool
) -> None:
    assert evaluation(status=status).is_done is done


def test_the_overall_score_is_the_mean_of_the_scores() -> None:
    record = evaluation(
        scores=[
            IndicatorScore(indicator=i, score=s)
            for i, s in zip(list(Indicator)[:3], [5, 4, 4], strict=True)
        ]
    )
    run_checks(record)
    assert record.overall_score == 4.33
    unscored = evaluation(overall_score=3.0)
    run_checks(unscored)
    assert unscored.overall_score is None


def test_an_indicator_is_scored_once() -> None:
    twice = [IndicatorScore(indicator=Indicator.BENEFIT, score=3)] * 2
    with pytest.raises(DomainError) as refused:
        run_checks(evaluation(scores=twice))
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "scores")


@pytest.mark.parametrize(("due_on", "refused"), [("2026-03-09", True), ("2026-03-10", False)])
def test_a_follow_up_is_not_due_before_the_visit(due_on: str, refused: bool) -> None:
    action = FollowUpAction(what="Rapat evaluasi", owner="Dinas", due_on=day(due_on))
    record = evaluation(visit_date=day("2026-03-10"), follow_up_actions=[action])
    if not refused:
        run_checks(record)
        return
    with pytest.raises(DomainError) as error:
        run_checks(record)
    assert (error.value.code, error.value.field) == (ErrorCode.INVALID, "followUpActions")


@pytest.mark.parametrize(
    ("status", "starts_on", "ends_on", "field"),
    [
        (AgreementStatus.DRAFT, "2025-01-01", None, "agreementId"),
        (AgreementStatus.ACTIVE, "2026-07-01", None, "period"),  # begins after the semester
        (AgreementStatus.ACTIVE, "2026-06-30", None, None),  # begins on its last day
        (AgreementStatus.EXPIRED, "2020-01-01", "2025-12-31", "period"),  # ended before it
        (AgreementStatus.EXPIRED, "2020-01-01", "2026-01-01", None),  # ends on its first day
        (AgreementStatus.TERMINATED, None, None, None),
    ],
)
def test_an_agreement_is_evaluated_for_a_period_it_was_in_force(
    status: AgreementStatus, starts_on: str | None, ends_on: str | None, field: str | None
) -> None:
    subject = agreement(
        status=status, starts_on=starts_on and day(starts_on), ends_on=ends_on and day(ends_on)
    )
    if field is None:
        Evaluation.check_agreement(subject, FIRST_HALF)
        return
    with pytest.raises(DomainError) as refused:
        Evaluation.check_agreement(subject, FIRST_HALF)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, field)


@pytest.mark.parametrize(
    ("today", "visit_date", "field"),
    [
        ("2025-12-31", None, "period"),  # the semester has not begun
        ("2026-01-01", None, None),
        ("2026-03-09", "2026-03-10", "visitDate"),  # the visit lies ahead
        ("2026-03-10", "2026-03-10", None),
    ],
)
def test_the_period_and_the_visit_are_not_in_the_future(
    today: str, visit_date: str | None, field: str | None
) -> None:
    record = evaluation(visit_date=visit_date and day(visit_date))
    if field is None:
        record.check_calendar(FIRST_HALF, day(today))
        return
    with pytest.raises(DomainError) as refused:
        record.check_calendar(FIRST_HALF, day(today))
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, field)


async def test_follow_ups_are_done_once_after_submission() -> None:
    action = FollowUpAction(what="Rapat", owner="Dinas", due_on=day("2026-04-01"))
    with pytest.raises(DomainError) as refused:
        await evaluation(follow_up_actions=[action]).complete_action(action.id, ACTOR, "", None)
    assert refused.value.code == ErrorCode.INVALID_TRANSITION
    submitted = evaluation(status=Status.SUBMITTED, follow_up_actions=[action])
    with pytest.raises(DomainError) as refused:
        await submitted.complete_action(PydanticObjectId(), ACTOR, "", None)
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_FOUND, "actionId")
    done = action.model_copy(update={"done_at": day("2026-04-01")})
    with pytest.raises(DomainError) as refused:
        await evaluation(status=Status.SUBMITTED, follow_up_actions=[done]).complete_action(
            action.id, ACTOR, "", None
        )
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_TRANSITION, "actionId")


def evidence() -> Evidence:
    return Evidence(
        file_id=PydanticObjectId(),
        filename="foto.jpg",
        content_type="image/jpeg",
        size=10,
        sha256="0" * 64,
        uploaded_by=ACTOR,
    )


@pytest.mark.parametrize(
    ("status", "count", "code"),
    [
        (Status.DRAFT, 0, None),
        (Status.SUBMITTED, MAX_EVIDENCE - 1, None),
        (Status.DRAFT, MAX_EVIDENCE, ErrorCode.INVALID),
        (Status.REVIEWED, 0, ErrorCode.INVALID_TRANSITION),
    ],
)
def test_evidence_is_added_until_the_review_and_up_to_the_limit(
    status: Status, count: int, code: ErrorCode | None
) -> None:
    record = evaluation(status=status, evidence=[evidence()] * count)
    if code is None:
        record.check_can_add_evidence()
        return
    with pytest.raises(DomainError) as refused:
        record.check_can_add_evidence()
    assert refused.value.code == code
