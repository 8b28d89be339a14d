"""The HTTP exports as files: query parameters in, CSV or NDJSON out.

Parameters mirror `AgreementFilter` (`?status=ACTIVE&status=EXPIRED&orgUnitId=…`; a list
may also be comma-separated); evaluations also take `period`, `evaluationStatus` and
`recommendation`. An unknown parameter is refused, so a typo never exports more than was
meant. CSV is UTF-8 with a byte order mark and a header row, for Excel, written for people
in the request's language: headers and codes as labels, moments in the city's time with their
offset; a text cell that a spreadsheet would read as a formula (= + - @) gets a leading
apostrophe. NDJSON is for programs: codes and UTC. Ids are the API's global ids.
"""

import csv
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from beanie import PydanticObjectId
from starlette.datastructures import QueryParams

from i18n import N_, _, local_time
from models.enums import (
    AgreementForm,
    AgreementStatus,
    CooperationType,
    EvaluationStatus,
    Indicator,
    Recommendation,
)
from models.errors import DomainError, ErrorCode
from models.labels import LABELS, label
from resolvers import exports
from resolvers.agreements import AgreementFilter
from resolvers.context import Context
from resolvers.stats import EvaluationFilter
from schema.relay import global_id, optional_id
from schema.stored_files import DOWNLOAD_PATH

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows are sent in pieces of about this size: few sends, little memory.
CHUNK_CHARS = 64 * 1024
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
NDJSON_MEDIA_TYPE = "application/x-ndjson"


# --- parameters --------------------------------------------------------------------------------


def _values(params: QueryParams, name: str) -> list[str]:
    return [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]


def _one(params: QueryParams, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise DomainError(ErrorCode.INVALID, "give %(name)s once", name, name=name)
    return values[0].strip() if values and values[0].strip() else None


def _enums[E: Enum](params: QueryParams, name: str, enum: type[E]) -> list[E] | None:
    values = _values(params, name)
    try:
        return [enum(v) for v in values] or None
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise DomainError(
            ErrorCode.INVALID, "%(name)s takes %(allowed)s", name, name=name, allowed=allowed
        ) from None


def _int(params: QueryParams, name: str) -> int | None:
    value = _one(params, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID, "%(name)s must be a whole number", name, name=name
        ) from None


def _date(params: QueryParams, name: str) -> date | None:
    value = _one(params, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID, "%(name)s must be a date (YYYY-MM-DD)", name, name=name
        ) from None


def _id(params: QueryParams, name: str, type_name: str) -> PydanticObjectId | None:
    value = _one(params, name)
    return optional_id(value, type_name, name)


FILTER_PARAMS = frozenset(
    {
        "text",
        "cooperationType",
        "form",
        "status",
        "partnerId",
        "orgUnitId",
        "parentId",
        "field",
        "signedYear",
        "endsBefore",
        "endsAfter",
        "expiringWithinDays",
    }
)


# Evaluations are chosen by their agreements (the parameters above) and by these.
EVALUATION_PARAMS = frozenset({"period", "evaluationStatus", "recommendation"})


def agreement_filter(params: QueryParams, also: frozenset[str] = frozenset()) -> AgreementFilter:
    known = FILTER_PARAMS | also
    unknown = sorted(set(params.keys()) - known)
    if unknown:
        raise DomainError(
            ErrorCode.INVALID,
            "unknown parameter %(name)s; this export takes %(known)s",
            unknown[0],
            name=unknown[0],
            known=", ".join(sorted(known)),
        )
    return AgreementFilter(
        text=_one(params, "text"),
        cooperation_type=_enums(params, "cooperationType", CooperationType),
        form=_enums(params, "form", AgreementForm),
        status=_enums(params, "status", AgreementStatus),
        partner_id=_id(params, "partnerId", "Partner"),
        org_unit_id=_id(params, "orgUnitId", "OrgUnit"),
        parent_id=_id(params, "parentId", "Agreement"),
        field=_one(params, "field"),
        signed_year=_int(params, "signedYear"),
        ends_before=_date(params, "endsBefore"),
        ends_after=_date(params, "endsAfter"),
        expiring_within_days=_int(params, "expiringWithinDays"),
    )


def evaluation_filter(params: QueryParams) -> EvaluationFilter:
    return EvaluationFilter(
        agreements=agreement_filter(params, EVALUATION_PARAMS),
        period=_one(params, "period"),
        status=_enums(params, "evaluationStatus", EvaluationStatus),
        recommendation=_enums(params, "recommendation", Recommendation),
    )


# --- encodings ---------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value as JSON and CSV show it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, PydanticObjectId):
        return str(value)
    return value


def readable(value: Any) -> Any:
    """A value as a person reads it in a spreadsheet: codes as their labels, moments in the
    city's time with its UTC offset (dates stay ISO so that they sort)."""
    if isinstance(value, Enum):
        return label(value)
    if isinstance(value, datetime):
        return local_time(value).isoformat()
    return plain(value)


def excel_safe(value: Any) -> Any:
    value = readable(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


async def csv_body(
    header: Sequence[tuple[str, str]], rows: AsyncIterator[Sequence[Any]]
) -> AsyncIterator[bytes]:
    """`header`: each column's key (as NDJSON names it) and its msgid (what people read)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([_(title) for _key, title in header])
    async for row in rows:
        writer.writerow(["" if v is None else excel_safe(v) for v in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


async def ndjson_body(objects: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    pieces: list[str] = []
    size = 0
    async for item in objects:
        line = json.dumps(item, ensure_ascii=False, default=plain) + "\n"
        pieces.append(line)
        size += len(line)
        if size >= CHUNK_CHARS:
            yield "".join(pieces).encode()
            pieces, size = [], 0
    yield "".join(pieces).encode()


def _gids(type_name: str, ids: Iterable[Any]) -> list[str]:
    return [global_id(type_name, i) for i in ids]


def _optional_gid(type_name: str, value: Any) -> str | None:
    return global_id(type_name, value) if value is not None else None


# --- agreements --------------------------------------------------------------------------------

AGREEMENT_HEADER = (
    ("id", N_("Id")),
    ("number", N_("Number")),
    ("title", N_("Title")),
    ("form", N_("Form")),
    ("cooperationType", N_("Cooperation type")),
    ("status", N_("Status")),
    ("visibility", N_("Visibility")),
    ("field", N_("Field")),
    ("partners", N_("Partners")),
    ("partnerKinds", N_("Partner kinds")),
    ("leadOrgUnits", N_("Lead departments")),
    ("parentId", N_("Parent agreement id")),
    ("predecessorId", N_("Predecessor id")),
    ("successorId", N_("Successor id")),
    ("signedOn", N_("Date signed")),
    ("startsOn", N_("Start date")),
    ("endsOn", N_("End date")),
    ("fundingSource", N_("Funding source")),
    ("value", N_("Value (IDR)")),
    ("archiveLocation", N_("Archive location")),
    ("terminationReason", N_("Termination reason")),
    ("amendments", N_("Amendments")),
    ("currentDocuments", N_("Current documents")),
    ("purpose", N_("Purpose")),
    ("scope", N_("Scope")),
    ("createdAt", N_("Recorded at")),
    ("updatedAt", N_("Last changed")),
    ("revision", N_("Revision")),
)


async def _agreement_rows(
    records: AsyncIterator[exports.AgreementRecord],
) -> AsyncIterator[Sequence[Any]]:
    async for record in records:
        a = record.agreement
        superseded = a.superseded_ids()
        yield (
            global_id("Agreement", a.id),
            a.number,
            a.title,
            a.form,
            a.cooperation_type,
            a.status,
            a.visibility,
            a.field,
            "; ".join(p.name for p in record.partners),
            "; ".join(sorted({label(p.kind) for p in record.partners})),
            "; ".join(u.name for u in record.org_units),
            _optional_gid("Agreement", a.parent_id),
            _optional_gid("Agreement", a.predecessor_id),
            _optional_gid("Agreement", a.successor_id),
            a.signed_on,
            a.starts_on,
            a.ends_on,
            a.funding_source,
            a.value,
            a.archive_location,
            a.termination_reason,
            len(a.amendments),
            sum(1 for d in a.documents if d.id not in superseded),
            a.purpose,
            a.scope,
            a.created_at,
            a.updated_at,
            a.revision,
        )


def agreement_object(record: exports.AgreementRecord) -> dict[str, Any]:
    a = record.agreement
    superseded = a.superseded_ids()
    return {
        "id": global_id("Agreement", a.id),
        "number": a.number,
        "partyNumbers": [{"party": p.party, "number": p.number} for p in a.party_numbers],
        "title": a.title,
        "purpose": a.purpose,
        "scope": a.scope,
        "field": a.field,
        "form": a.form,
        "cooperationType": a.cooperation_type,
        "status": a.status,
        "visibility": a.visibility,
        "partners": [
            {"id": global_id("Partner", p.id), "name": p.name, "kind": p.kind}
            for p in record.partners
        ],
        "leadOrgUnits": [
            {"id": global_id("OrgUnit", u.id), "code": u.code, "name": u.name}
            for u in record.org_units
        ],
        "parentId": _optional_gid("Agreement", a.parent_id),
        "predecessorId": _optional_gid("Agreement", a.predecessor_id),
        "successorId": _optional_gid("Agreement", a.successor_id),
        "signedOn": a.signed_on,
        "startsOn": a.starts_on,
        "endsOn": a.ends_on,
        "fundingSource": a.funding_source,
        "value": a.value,
        "archiveLocation": a.archive_location,
        "terminationReason": a.termination_reason,
        "amendments": [
            {
                "id": str(m.id),
                "number": m.number,
                "title": m.title,
                "description": m.description,
                "signedOn": m.signed_on,
                "documentId": _optional_gid("DocumentRef", m.document_id),
            }
            for m in a.amendments
        ],
        "documents": [
            {
                "id": global_id("DocumentRef", d.id),
                "type": d.type,
                "title": d.title,
                "filename": d.filename,
                "contentType": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
                "version": d.version,
                "isCurrent": d.id not in superseded,
                "uploadedAt": d.uploaded_at,
                "downloadUrl": DOWNLOAD_PATH.format(file_id=d.file_id),
            }
            for d in a.documents
        ],
        "createdAt": a.created_at,
        "updatedAt": a.updated_at,
        "revision": a.revision,
    }


async def _agreement_objects(
    records: AsyncIterator[exports.AgreementRecord],
) -> AsyncIterator[dict[str, Any]]:
    async for record in records:
        yield agreement_object(record)


# --- chronology --------------------------------------------------------------------------------

CHRONOLOGY_HEADER = (
    ("agreementId", N_("Agreement id")),
    ("agreementNumber", N_("Agreement number")),
    ("eventId", N_("Event id")),
    ("kind", N_("Kind")),
    ("occurredAt", N_("Occurred at")),
    ("recordedAt", N_("Recorded at")),
    ("recordedBy", N_("Recorded by")),
    ("title", N_("Title")),
    ("description", N_("Description")),
    ("internalNote", N_("Internal note")),
    ("documentIds", N_("Document ids")),
    ("corrects", N_("Corrects event")),
    ("hash", N_("Hash")),
    ("prevHash", N_("Previous hash")),
)


async def _event_rows(records: AsyncIterator[exports.EventRecord]) -> AsyncIterator[Sequence[Any]]:
    async for record in records:
        e = record.event
        yield (
            global_id("Agreement", record.agreement_id),
            record.agreement_number,
            str(e.id),
            e.kind,
            e.occurred_at,
            e.recorded_at,
            e.recorded_by.name,
            e.title,
            e.description,
            e.internal_note,
            " ".join(_gids("DocumentRef", e.document_ids)),
            str(e.corrects) if e.corrects else None,
            e.hash,
            e.prev_hash,
        )


# --- evaluations -------------------------------------------------------------------------------

# The indicators' columns are headed by their labels.
INDICATORS = tuple((i.value, LABELS["Indicator"][i.name][0]) for i in Indicator)
EVALUATION_HEADER = (
    ("id", N_("Id")),
    ("agreementId", N_("Agreement id")),
    ("agreementNumber", N_("Agreement number")),
    ("agreementTitle", N_("Agreement title")),
    ("period", N_("Period")),
    ("status", N_("Status")),
    ("evaluator", N_("Evaluator")),
    ("visitDate", N_("Visit date")),
    ("overallScore", N_("Overall score")),
    *INDICATORS,
    ("recommendation", N_("Recommendation")),
    ("findings", N_("Findings")),
    ("obstacles", N_("Obstacles")),
    ("followUpActions", N_("Follow-up actions")),
    ("openFollowUpActions", N_("Open follow-up actions")),
    ("evidence", N_("Evidence files")),
    ("submittedAt", N_("Submitted at")),
    ("submittedBy", N_("Submitted by")),
    ("reviewedAt", N_("Reviewed at")),
    ("reviewedBy", N_("Reviewed by")),
    ("reviewNote", N_("Review note")),
    ("createdAt", N_("Recorded at")),
    ("updatedAt", N_("Last changed")),
)


async def _evaluation_rows(
    records: AsyncIterator[exports.EvaluationRecord],
) -> AsyncIterator[Sequence[Any]]:
    async for record in records:
        e = record.evaluation
        scores = {s.indicator: s.score for s in e.scores}
        yield (
            global_id("Evaluation", e.id),
            global_id("Agreement", e.agreement_id),
            record.agreement_number,
            record.agreement_title,
            e.period,
            e.status,
            e.evaluator.name,
            e.visit_date,
            e.overall_score,
            *(scores.get(i) for i in Indicator),
            e.recommendation,
            e.findings,
            e.obstacles,
            len(e.follow_up_actions),
            sum(1 for a in e.follow_up_actions if a.done_at is None),
            len(e.evidence),
            e.submitted_at,
            e.submitted_by.name if e.submitted_by else None,
            e.reviewed_at,
            e.reviewed_by.name if e.reviewed_by else None,
            e.review_note,
            e.created_at,
            e.updated_at,
        )


# --- the exports -------------------------------------------------------------------------------


@dataclass
class Export:
    media_type: str
    filename: str
    body: AsyncIterator[bytes]


async def _agreements_csv(ctx: Context, params: QueryParams) -> Export:
    flt = agreement_filter(params)
    records = await exports.agreements(ctx, flt)
    body = csv_body(AGREEMENT_HEADER, _agreement_rows(records))
    return Export(CSV_MEDIA_TYPE, "agreements.csv", body)


async def _agreements_ndjson(ctx: Context, params: QueryParams) -> Export:
    flt = agreement_filter(params)
    records = await exports.agreements(ctx, flt)
    return Export(NDJSON_MEDIA_TYPE, "agreements.ndjson", ndjson_body(_agreement_objects(records)))


async def _chronology_csv(ctx: Context, params: QueryParams) -> Export:
    flt = agreement_filter(params)
    records = await exports.chronology(ctx, flt)
    return Export(
        CSV_MEDIA_TYPE, "chronology.csv", csv_body(CHRONOLOGY_HEADER, _event_rows(records))
    )


async def _evaluations_csv(ctx: Context, params: QueryParams) -> Export:
    records = await exports.evaluations(ctx, evaluation_filter(params))
    body = csv_body(EVALUATION_HEADER, _evaluation_rows(records))
    return Export(CSV_MEDIA_TYPE, "evaluations.csv", body)


EXPORTS: dict[str, Callable[[Context, QueryParams], Awaitable[Export]]] = {
    "agreements.csv": _agreements_csv,
    "agreements.ndjson": _agreements_ndjson,
    "chronology.csv": _chronology_csv,
    "evaluations.csv": _evaluations_csv,
}


async def open_export(ctx: Context, name: str, params: QueryParams) -> Export | None:
    """The named export for this viewer and filter, ready to stream; None if no such export.
    Access and the filter are checked here, before anything is sent."""
    make = EXPORTS.get(name)
    if make is None:
        return None
    return await make(ctx, params)
