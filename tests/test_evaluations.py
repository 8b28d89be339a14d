"""Monitoring and evaluation (menu 4): evaluations, follow-up actions and evidence."""

from datetime import timedelta
from typing import Any

from beanie import PydanticObjectId

from resolvers.file_holders import holds_file
from tests.api import PDF, Api
from tests.files import EXE
from tests.monitoring import (
    ERRORS,
    EVALUATION,
    active_agreement,
    create_evaluation,
    current_period,
    photo,
    scores,
    submitted_evaluation,
    today,
    upload_evidence,
)


async def evaluations_state(api: Api) -> list[Any]:
    rows = await api.database.db.evaluations.find({}).to_list()
    return sorted((str(r["_id"]), r["revision"], r["status"], len(r["evidence"])) for r in rows)


async def test_an_evaluation_from_draft_to_reviewed(api: Api) -> None:
    agreement = await active_agreement(api)
    visit = today() - timedelta(days=1)
    created = await create_evaluation(
        api,
        agreement["id"],
        visitDate=visit.isoformat(),
        scores=[
            {"indicator": "GOAL_FIT", "score": 5, "note": "Sesuai tujuan"},
            {"indicator": "TIMELINESS", "score": 2, "note": "Terlambat dua bulan"},
        ],
        findings="Pelatihan kader berjalan.",
        followUpActions=[
            {
                "what": "Menyusun jadwal pelaporan",
                "owner": "Dinas Kesehatan",
                "dueOn": today().isoformat(),
            }
        ],
        idempotencyKey="monev-2026-dinkes-0001",
    )
    assert created["errors"] == []
    evaluation = created["evaluation"]
    assert (evaluation["status"], evaluation["period"]) == ("DRAFT", current_period().code)
    assert evaluation["overallScore"] == 3.5
    assert evaluation["agreement"] == {"id": agreement["id"]}

    # Submitting needs the visit, all eight scores and a recommendation.
    refused = await api.mutate("submitEvaluation", EVALUATION, {"evaluationId": evaluation["id"]})
    assert {(e["field"], e["code"]) for e in refused["errors"]} == {
        ("scores", "REQUIRED"),
        ("recommendation", "REQUIRED"),
    }
    unscored = next(e["message"] for e in refused["errors"] if e["field"] == "scores")
    assert "Koordinasi" in unscored
    assert "COORDINATION" not in unscored

    updated = await api.ok(
        "updateEvaluation",
        EVALUATION,
        {
            "id": evaluation["id"],
            "revision": evaluation["revision"],
            "scores": scores(4),
            "recommendation": "EXPAND",
        },
    )
    assert updated["evaluation"]["overallScore"] == 4.0
    assert updated["evaluation"]["findings"] == "Pelatihan kader berjalan."  # not sent: kept
    submitted = await api.ok("submitEvaluation", EVALUATION, {"evaluationId": evaluation["id"]})
    assert submitted["evaluation"]["status"] == "SUBMITTED"
    history = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { chronology(first: 10) { nodes { kind title occurredAt } } evaluations { id status } } } }",
        {"id": agreement["id"]},
    )
    [evaluated] = [n for n in history["node"]["chronology"]["nodes"] if n["kind"] == "EVALUATED"]
    assert current_period().code in evaluated["title"]
    assert evaluated["occurredAt"].startswith(visit.isoformat())
    assert history["node"]["evaluations"] == [{"id": evaluation["id"], "status": "SUBMITTED"}]

    action = submitted["evaluation"]["followUpActions"][0]
    done = await api.ok(
        "completeFollowUpAction",
        EVALUATION,
        {"evaluationId": evaluation["id"], "actionId": action["id"], "note": "Jadwal disepakati"},
    )
    assert done["evaluation"]["followUpActions"][0]["done"] is True
    reviewed = await api.ok(
        "reviewEvaluation", EVALUATION, {"evaluationId": evaluation["id"], "note": "Diterima"}
    )
    assert reviewed["evaluation"]["status"] == "REVIEWED"
    node = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Evaluation { status reviewNote reviewedBy { name } } } }",
        {"id": evaluation["id"]},
    )
    assert node["node"]["status"] == "REVIEWED"
    assert node["node"]["reviewNote"] == "Diterima"


BAD_EVALUATIONS: list[tuple[dict[str, Any], str, str]] = [
    ({"scores": [{"indicator": "BENEFIT", "score": 6}]}, "scores.0.score", "INVALID"),
    ({"scores": [{"indicator": "BENEFIT", "score": 0}]}, "scores.0.score", "INVALID"),
    (
        {
            "scores": [
                {"indicator": "BENEFIT", "score": 3},
                {"indicator": "BENEFIT", "score": 4},
            ]
        },
        "scores",
        "INVALID",
    ),
    ({"period": "2026/1"}, "period", "INVALID"),
    ({"period": "2026-S3"}, "period", "INVALID"),
    ({"period": "2026-Q1"}, "period", "INVALID"),  # the setting says semesters
    ({"period": "1850-S1"}, "period", "INVALID"),
    ({"visitDate": "today+1"}, "visitDate", "INVALID"),
    (
        {
            "visitDate": "today",
            "followUpActions": [{"what": "Lapor", "owner": "Dinkes", "dueOn": "today-1"}],
        },
        "followUpActions",
        "INVALID",
    ),
    (
        {"followUpActions": [{"what": " ", "owner": "Dinkes", "dueOn": "today"}]},
        "followUpActions.0.what",
        "REQUIRED",
    ),
    ({"idempotencyKey": "x"}, "idempotencyKey", "INVALID"),
]


async def test_bad_evaluations_are_refused_and_store_nothing(api: Api) -> None:
    agreement = await active_agreement(api)

    def day(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("today"):
            return (today() + timedelta(days=int(value[5:] or 0))).isoformat()
        if isinstance(value, list):
            return [{k: day(v) for k, v in item.items()} for item in value]
        return value

    for fields, field, code in BAD_EVALUATIONS:
        payload = await create_evaluation(
            api, agreement["id"], **{k: day(v) for k, v in fields.items()}
        )
        assert payload["evaluation"] is None
        first = payload["errors"][0]
        assert (first["field"], first["code"]) == (field, code), (fields, payload["errors"])
    assert await api.count("evaluations") == 0


async def test_an_evaluation_needs_an_agreement_in_force_in_that_period(api: Api) -> None:
    draft = await api.agreement()
    payload = await create_evaluation(api, draft["id"])
    assert (payload["errors"][0]["field"], payload["errors"][0]["code"]) == (
        "agreementId",
        "INVALID",
    )
    young = await active_agreement(api, starts_on=today() - timedelta(days=2))
    earlier = current_period().previous().previous()
    payload = await create_evaluation(api, young["id"], period=earlier.code)
    assert (payload["errors"][0]["field"], payload["errors"][0]["code"]) == ("period", "INVALID")
    future = current_period()
    future = type(future)(future.year + 1, future.number, future.length)
    payload = await create_evaluation(api, young["id"], period=future.code)
    assert (payload["errors"][0]["field"], payload["errors"][0]["code"]) == ("period", "INVALID")
    assert await api.count("evaluations") == 0


async def test_one_evaluation_per_agreement_and_period(api: Api) -> None:
    agreement = await active_agreement(api)
    assert (await create_evaluation(api, agreement["id"]))["errors"] == []
    before = await evaluations_state(api)
    second = await create_evaluation(api, agreement["id"], findings="lagi")
    assert (second["errors"][0]["field"], second["errors"][0]["code"]) == ("period", "DUPLICATE")
    assert await evaluations_state(api) == before
    other_period = await create_evaluation(
        api, agreement["id"], period=current_period().previous().code
    )
    assert other_period["errors"] == []


async def test_a_retried_create_returns_the_first_evaluation(api: Api) -> None:
    agreement = await active_agreement(api)
    first = await create_evaluation(
        api, agreement["id"], findings="Kunjungan lapangan", idempotencyKey="0b7c6a52-monev-01"
    )
    again = await create_evaluation(
        api, agreement["id"], findings="Kunjungan lapangan", idempotencyKey="0b7c6a52-monev-01"
    )
    assert again["errors"] == []
    assert again["evaluation"]["id"] == first["evaluation"]["id"]
    assert await api.count("evaluations") == 1
    changed = await create_evaluation(
        api, agreement["id"], findings="Lain", idempotencyKey="0b7c6a52-monev-01"
    )
    assert (changed["errors"][0]["field"], changed["errors"][0]["code"]) == (
        "idempotencyKey",
        "IDEMPOTENCY_KEY_REUSED",
    )
    assert await api.count("evaluations") == 1


async def test_only_a_draft_is_edited_and_the_life_cycle_is_enforced(api: Api) -> None:
    agreement = await active_agreement(api)
    visit = today().isoformat()
    evaluation = (
        await create_evaluation(
            api,
            agreement["id"],
            visitDate=visit,
            scores=scores(3),
            recommendation="REVISE",
            followUpActions=[
                {"what": "Revisi naskah", "owner": "Bagian Kerja Sama", "dueOn": visit}
            ],
        )
    )["evaluation"]
    eid = evaluation["id"]
    stale = await api.mutate(
        "updateEvaluation",
        EVALUATION,
        {"id": eid, "revision": evaluation["revision"] + 5, "findings": "x"},
    )
    assert stale["errors"][0]["code"] == "CONFLICT"
    action_id = evaluation["followUpActions"][0]["id"]
    early = await api.mutate(
        "completeFollowUpAction", EVALUATION, {"evaluationId": eid, "actionId": action_id}
    )
    assert early["errors"][0]["code"] == "INVALID_TRANSITION"
    not_yet = await api.mutate("reviewEvaluation", EVALUATION, {"evaluationId": eid})
    assert not_yet["errors"][0]["code"] == "INVALID_TRANSITION"
    await api.ok("submitEvaluation", EVALUATION, {"evaluationId": eid})
    before = await evaluations_state(api)
    for name, data, code in [
        ("updateEvaluation", {"id": eid, "findings": "terlambat"}, "NOT_EDITABLE"),
        ("submitEvaluation", {"evaluationId": eid}, "INVALID_TRANSITION"),
        (
            "completeFollowUpAction",
            {"evaluationId": eid, "actionId": "650000000000000000000000"},
            "NOT_FOUND",
        ),
    ]:
        payload = await api.mutate(name, EVALUATION, data)
        assert payload["errors"][0]["code"] == code, name
    assert await evaluations_state(api) == before
    await api.ok("completeFollowUpAction", EVALUATION, {"evaluationId": eid, "actionId": action_id})
    twice = await api.mutate(
        "completeFollowUpAction", EVALUATION, {"evaluationId": eid, "actionId": action_id}
    )
    assert twice["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_who_evaluates_and_who_reads_evaluations(api: Api) -> None:
    unit, other = await api.org_unit(), await api.org_unit()
    partner = await api.partner()
    agreement = await active_agreement(api, leadOrgUnitIds=[unit["id"]], partnerIds=[partner["id"]])
    _, officer = await api.user("OFFICER", orgUnitId=unit["id"])
    _, outsider = await api.user("OFFICER", orgUnitId=other["id"])
    _, executive = await api.user("EXECUTIVE")
    _, partner_user = await api.user("PARTNER", partnerId=partner["id"])
    evaluation = (await create_evaluation(officer, agreement["id"]))["evaluation"]
    assert evaluation is not None
    assert (
        await create_evaluation(outsider, agreement["id"], period=current_period().previous().code)
    )["errors"][0]["code"] == "NOT_FOUND"
    before = await evaluations_state(api)
    for client, code in (
        (executive, "FORBIDDEN"),
        (partner_user, "FORBIDDEN"),
        (api.as_(None), "UNAUTHENTICATED"),
    ):
        body = await client.raw(
            "mutation($input: UpdateEvaluationInput!) { updateEvaluation(input: $input) { errors { code } } }",
            {"input": {"id": evaluation["id"], "findings": "x"}},
        )
        assert body["errors"][0]["extensions"]["code"] == code
    body = await officer.raw(
        "mutation($input: ReviewEvaluationInput!) { reviewEvaluation(input: $input) { errors { code } } }",
        {"input": {"evaluationId": evaluation["id"]}},
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await evaluations_state(api) == before

    read = "query($id: ID!, $a: ID!) { node(id: $id) { id } agreement: node(id: $a) { ... on Agreement { evaluations { id } } } }"
    ids = {"id": evaluation["id"], "a": agreement["id"]}
    assert (await executive.gql(read, ids))["node"] == {"id": evaluation["id"]}
    assert (await outsider.gql(read, ids)) == {"node": None, "agreement": None}
    # Partners read their agreements, never the evaluations of them.
    assert (await partner_user.gql(read, ids)) == {"node": None, "agreement": {"evaluations": []}}
    body = await partner_user.raw("{ evaluations { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = await officer.gql(
        "{ evaluations(filter: {status: [DRAFT]}) { totalCount nodes { id } } }"
    )
    assert listed["evaluations"]["nodes"] == [{"id": evaluation["id"]}]
    assert (await outsider.gql("{ evaluations { totalCount } }"))["evaluations"]["totalCount"] == 0


async def test_evidence_photos_with_exif_and_retries(api: Api) -> None:
    unit = await api.org_unit()
    partner = await api.partner()
    agreement = await active_agreement(api, leadOrgUnitIds=[unit["id"]], partnerIds=[partner["id"]])
    _, officer = await api.user("OFFICER", orgUnitId=unit["id"])
    evaluation = (await create_evaluation(officer, agreement["id"]))["evaluation"]
    first = await upload_evidence(
        officer,
        evaluation["id"],
        photo(),
        caption="Posyandu Tegallega",
        idempotencyKey="foto-0001-posyandu",
    )
    assert first["errors"] == []
    evidence = first["evidence"]
    assert evidence["fromExif"] is True
    assert evidence["takenAt"].startswith("2026-03-14T02:15:30")  # 09:15:30 WIB
    assert (evidence["latitude"], evidence["longitude"]) == (-6.5956667, 106.7976667)
    assert evidence["contentType"] == "image/jpeg"

    # The phone lost the answer and sends the same request again: nothing new is stored.
    again = await upload_evidence(
        officer,
        evaluation["id"],
        photo(),
        caption="Posyandu Tegallega",
        idempotencyKey="foto-0001-posyandu",
    )
    assert again["evidence"]["id"] == evidence["id"]
    assert len(again["evaluation"]["evidence"]) == 1
    assert await api.count("files.files") == 2  # the signed scan and this photo

    # Without EXIF, what the client says is kept.
    plain = await upload_evidence(
        officer,
        evaluation["id"],
        photo(taken=None, latitude=None, longitude=None, color=(1, 2, 3)),
        takenAt="2026-03-15T10:00:00+07:00",
        latitude=-6.6,
        longitude=106.8,
    )
    assert (plain["evidence"]["fromExif"], plain["evidence"]["latitude"]) == (False, -6.6)
    assert plain["evidence"]["takenAt"].startswith("2026-03-15T03:00:00")

    # Downloads follow the evaluation's access rule: never partners or the public.
    url = evidence["downloadUrl"]
    assert (await officer.get(url)).status_code == 200
    assert (await api.get(url)).content == photo()
    _, partner_user = await api.user("PARTNER", partnerId=partner["id"])
    assert (await partner_user.get(url)).status_code == 404
    assert (await api.as_(None).get(url)).status_code == 401
    _, outsider = await api.user("OFFICER", orgUnitId=(await api.org_unit())["id"])
    assert (await outsider.get(url)).status_code == 404
    file_id = url.rsplit("/", 1)[1]
    assert await holds_file(PydanticObjectId(file_id))


REFUSED_EVIDENCE: list[tuple[bytes, dict[str, Any], str, str]] = [
    (EXE, {}, "file", "UNSUPPORTED_FILE_TYPE"),
    (b"", {}, "file", "FILE_EMPTY"),
    (PDF, {"latitude": -95.0, "longitude": 100.0}, "latitude", "INVALID"),
    (PDF, {"latitude": -6.5}, "latitude", "INVALID"),
    (PDF, {"idempotencyKey": "?!"}, "idempotencyKey", "INVALID"),
]


async def test_refused_evidence_leaves_nothing(api: Api) -> None:
    agreement = await active_agreement(api)
    evaluation = (await create_evaluation(api, agreement["id"]))["evaluation"]
    files_before = await api.count("files.files")
    before = await evaluations_state(api)
    for content, fields, field, code in REFUSED_EVIDENCE:
        payload = await upload_evidence(
            api, evaluation["id"], content, filename="bukti.pdf", **fields
        )
        assert payload["evidence"] is None
        assert (payload["errors"][0]["field"], payload["errors"][0]["code"]) == (field, code)
    assert await evaluations_state(api) == before
    assert await api.count("files.files") == files_before


async def test_a_reviewed_evaluation_takes_no_more_evidence(api: Api) -> None:
    agreement = await active_agreement(api)
    evaluation = await submitted_evaluation(api, agreement["id"], current_period(), today())
    assert (await upload_evidence(api, evaluation["id"], PDF, filename="laporan.pdf"))[
        "errors"
    ] == []
    await api.ok("reviewEvaluation", EVALUATION, {"evaluationId": evaluation["id"]})
    files_before = await api.count("files.files")
    payload = await upload_evidence(api, evaluation["id"], photo())
    assert payload["errors"][0]["code"] == "INVALID_TRANSITION"
    assert await api.count("files.files") == files_before


async def test_evaluation_period_follows_the_calendar(api: Api) -> None:
    data = await api.gql("{ evaluationPeriod { code start end previous } }")
    period = current_period()
    assert data["evaluationPeriod"] == {
        "code": period.code,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "previous": period.previous().code,
    }


async def test_payload_errors_shape(api: Api) -> None:
    body = await api.raw(
        f"mutation($input: CreateEvaluationInput!) {{ createEvaluation(input: $input) {{ {EVALUATION} {ERRORS} }} }}",
        {"input": {"agreementId": "not-an-id", "period": "2026-S1"}},
    )
    assert body["data"]["createEvaluation"]["errors"][0]["code"] == "INVALID_ID"
