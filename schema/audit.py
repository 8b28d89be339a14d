"""The audit trail: the extension that records every mutation, and the `auditLog` query.

Every root mutation is declared with `audited_mutation`, so no mutation can skip the trail
(a test checks every field of `Mutation`).
"""

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import strawberry
from bson import json_util
from strawberry.extensions import FieldExtension
from strawberry.scalars import JSON
from strawberry.types.base import has_object_definition

from models import AuditEntry
from models.audit import AuditOutcome, collecting_changes
from models.errors import DomainError
from resolvers import audit
from resolvers.pagination import PageRequest
from schema.context import Info
from schema.errors import ApiError, PayloadErrors, query
from schema.relay import Connection, parse_global_id

AuditOutcomeEnum = strawberry.enum(AuditOutcome, name="AuditOutcome")


def _input_targets(value: Any, found: list[str]) -> list[str]:
    """The records an input names (fields called `id`, `…Id`, `…Ids`), as `Type:id`."""
    if not has_object_definition(value):
        return found
    for name, item in vars(value).items():
        if name == "id" or name.endswith(("_id", "_ids")):
            for one in item if isinstance(item, list) else [item]:
                try:
                    type_name, raw = parse_global_id(str(one))
                except DomainError:
                    continue
                found.append(f"{type_name}:{raw}")
        elif has_object_definition(item):
            _input_targets(item, found)
    return found


class AuditTrail(FieldExtension):
    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        targets = _input_targets(kwargs.get("input"), [])
        outcome, codes = AuditOutcome.ERROR, []
        with collecting_changes() as changes:
            try:
                result = await next_(source, info, **kwargs)
                errors = getattr(result, "errors", [])
                outcome = AuditOutcome.REFUSED if errors else AuditOutcome.SUCCESS
                codes = [str(e.code) for e in errors]
                return result
            except ApiError as error:
                code = str((error.extensions or {}).get("code", ""))
                outcome = (
                    AuditOutcome(code)
                    if code in (AuditOutcome.FORBIDDEN, AuditOutcome.UNAUTHENTICATED)
                    else AuditOutcome.REFUSED
                )
                codes = [code]
                raise
            finally:
                await audit.record(
                    info.context,
                    info.field_name,
                    outcome,
                    targets=targets,
                    changes=list(changes),
                    error_codes=codes,
                )


def _json(value: Any) -> Any:
    """Stored values as plain JSON (ids and dates in MongoDB's relaxed extended JSON)."""
    return json.loads(json_util.dumps(value, json_options=json_util.RELAXED_JSON_OPTIONS))


def audited_mutation(resolver: Any = None, **kwargs: Any) -> Any:
    """`strawberry.mutation` with its payload errors and the audit trail, which wraps them
    (a refused mutation is recorded as REFUSED). Fresh extensions for every field:
    PayloadErrors keeps its field's payload type."""
    extensions = [PayloadErrors(), AuditTrail()]
    if resolver is None:
        return strawberry.mutation(extensions=extensions, **kwargs)
    return strawberry.mutation(resolver, extensions=extensions, **kwargs)


@strawberry.type
class AuditChange:
    target: str = strawberry.field(description="`Type:id` of the record changed.")
    field: str
    before: JSON | None
    after: JSON | None


@strawberry.type(name="AuditEntry", description="One mutation: who, what, on which records.")
class AuditEntryType:
    id: strawberry.ID
    at: datetime
    actor_kind: str = strawberry.field(description="user, api_token or anonymous.")
    actor_id: str | None
    actor_name: str
    api_token_id: str | None
    operation: str
    target_ids: list[str]
    changes: list[AuditChange]
    outcome: AuditOutcomeEnum  # type: ignore[valid-type]
    error_codes: list[str]
    request_id: str
    client_address: str | None

    @classmethod
    def from_model(cls, entry: AuditEntry) -> "AuditEntryType":
        return cls(
            id=strawberry.ID(str(entry.id)),
            at=entry.at,
            actor_kind=entry.actor_kind,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            api_token_id=entry.api_token_id,
            operation=entry.operation,
            target_ids=entry.target_ids,
            changes=[
                AuditChange(
                    target=c.target, field=c.field, before=_json(c.before), after=_json(c.after)
                )
                for c in entry.changes
            ],
            outcome=entry.outcome,
            error_codes=entry.error_codes,
            request_id=entry.request_id,
            client_address=entry.client_address,
        )


@strawberry.input
class AuditFilter:
    operation: str | None = strawberry.field(default=None, description="e.g. updateAgreement")
    actor_id: str | None = None
    target_id: str | None = strawberry.field(default=None, description="`Type:id`")
    outcome: list[AuditOutcomeEnum] | None = None  # type: ignore[valid-type]
    since: datetime | None = None
    until: datetime | None = None


@strawberry.type
class AuditQueries:
    @strawberry.field(description="The audit trail, newest first (ADMIN).")
    async def audit_log(
        self,
        info: Info,
        filter: AuditFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEntryType]:
        flt = audit.AuditFilter(**vars(filter)) if filter else None
        page = await query(
            audit.list_audit_entries(info.context, flt, PageRequest(first=first, after=after))
        )
        return Connection[AuditEntryType].of(page, AuditEntryType.from_model)
