"""Helpers for the chronology and monitoring tests: dates, active agreements, uploads, photos."""

import io
import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from models.enums import PeriodLength
from models.periods import Period
from tests.api import Api

BOGOR = ZoneInfo("Asia/Jakarta")
ERRORS = "errors { field code message }"
INDICATORS = [
    "GOAL_FIT",
    "TIMELINESS",
    "PARTNER_CONTRIBUTION",
    "COORDINATION",
    "OUTPUT_ACHIEVEMENT",
    "BENEFIT",
    "DOCUMENT_COMPLETENESS",
    "REGULAR_REPORTING",
]
EVALUATION = """evaluation { id period overallScore status recommendation revision visitDate findings
  scores { indicator score note }
  followUpActions { id what owner dueOn done isOverdue }
  evidence { id filename contentType takenAt latitude longitude fromExif caption downloadUrl }
  agreement { id } }"""


def today() -> date:
    """Bogor's date, as the server computes it."""
    return datetime.now(BOGOR).date()


def current_period() -> Period:
    return Period.containing(today(), PeriodLength.SEMESTER)


def scores(value: int = 4) -> list[dict[str, Any]]:
    return [{"indicator": i, "score": value, "note": ""} for i in INDICATORS]


async def active_agreement(
    api: Api,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """An agreement signed and in force (ACTIVE), from `starts_on` (default 3 years ago)."""
    starts = starts_on or today() - timedelta(days=3 * 365)
    ends = ends_on or today() + timedelta(days=3 * 365)
    created = await api.agreement(
        signedOn=starts.isoformat(),
        startsOn=starts.isoformat(),
        endsOn=ends.isoformat(),
        **fields,
    )
    await api.uploaded(created["id"])
    await api.ok("activateAgreement", "agreement { status }", {"agreementId": created["id"]})
    return created


async def multipart(
    api: Api,
    query: str,
    variables: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]],
) -> dict[str, Any]:
    """A GraphQL multipart request; `files` maps a variable path to (name, bytes, type)."""
    names = {str(n): path for n, path in enumerate(files)}
    response = await api.client.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps({n: [f"variables.{path}"] for n, path in names.items()}),
        },
        files={n: files[path] for n, path in names.items()},
        headers={**api.headers, "Apollo-Require-Preflight": "true"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


UPLOAD_EVIDENCE = f"""mutation($input: UploadEvaluationEvidenceInput!) {{
  uploadEvaluationEvidence(input: $input) {{
    evidence {{ id filename contentType size takenAt latitude longitude fromExif caption downloadUrl }}
    {EVALUATION} {ERRORS} }} }}"""


async def upload_evidence(
    api: Api,
    evaluation_id: str,
    content: bytes,
    *,
    filename: str = "foto.jpg",
    **fields: Any,
) -> dict[str, Any]:
    variables = {"input": {"evaluationId": evaluation_id, "file": None, **fields}}
    data = await multipart(
        api, UPLOAD_EVIDENCE, variables, {"input.file": (filename, content, "image/jpeg")}
    )
    payload: dict[str, Any] = data["uploadEvaluationEvidence"]
    return payload


def photo(
    taken: str | None = "2026:03:14 09:15:30",
    latitude: tuple[str, tuple[float, float, float]] | None = ("S", (6, 35, 44.4)),
    longitude: tuple[str, tuple[float, float, float]] | None = ("E", (106, 47, 51.6)),
    color: tuple[int, int, int] = (40, 120, 60),
) -> bytes:
    """A small JPEG as a phone writes it, with EXIF time and GPS (or without)."""
    image = Image.new("RGB", (16, 16), color)
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    gps = exif.get_ifd(0x8825)
    if latitude:
        gps[1], gps[2] = latitude[0], tuple(IFDRational(v) for v in latitude[1])
    if longitude:
        gps[3], gps[4] = longitude[0], tuple(IFDRational(v) for v in longitude[1])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


async def create_evaluation(api: Api, agreement_id: str, **fields: Any) -> dict[str, Any]:
    data = {"agreementId": agreement_id, "period": current_period().code, **fields}
    return await api.mutate("createEvaluation", EVALUATION, data)


async def submitted_evaluation(
    api: Api, agreement_id: str, period: Period, visit: date, **fields: Any
) -> dict[str, Any]:
    """A complete evaluation of `period`, submitted."""
    created = await api.ok(
        "createEvaluation",
        EVALUATION,
        {
            "agreementId": agreement_id,
            "period": period.code,
            "visitDate": visit.isoformat(),
            "scores": scores(),
            "recommendation": "CONTINUE",
            **fields,
        },
    )
    evaluation_id = created["evaluation"]["id"]
    submitted = await api.ok("submitEvaluation", EVALUATION, {"evaluationId": evaluation_id})
    evaluation: dict[str, Any] = submitted["evaluation"]
    return evaluation
