"""Writing and reading the audit trail."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import AuditEntry
from models.audit import AuditChange, AuditOutcome
from resolvers.access import require_admin_reader
from resolvers.context import Context
from resolvers.pagination import Page, PageRequest, SortKey, paginate

log = logging.getLogger("sikerma.audit")


async def record(
    ctx: Context,
    operation: str,
    outcome: AuditOutcome,
    *,
    targets: list[str],
    changes: list[AuditChange],
    error_codes: list[str],
) -> None:
    viewer = ctx.viewer
    entry = AuditEntry(
        actor_kind="anonymous"
        if viewer.id is None
        else ("api_token" if viewer.api_token_id else "user"),
        actor_id=viewer.id,
        actor_name=viewer.name,
        api_token_id=str(viewer.api_token_id) if viewer.api_token_id else None,
        operation=operation,
        target_ids=sorted(set(targets) | {c.target for c in changes}),
        changes=changes,
        outcome=outcome,
        error_codes=error_codes,
        request_id=ctx.request_id,
        client_address=ctx.client_address,
    )
    try:
        await entry.insert()
    except Exception:
        # The mutation's own outcome stands; a lost entry is logged loudly instead.
        log.exception(
            "could not write the audit entry for %s (request %s)", operation, ctx.request_id
        )


@dataclass
class AuditFilter:
    operation: str | None = None
    actor_id: str | None = None
    target_id: str | None = None
    outcome: list[AuditOutcome] | None = None
    since: datetime | None = None
    until: datetime | None = None


async def list_audit_entries(
    ctx: Context, flt: AuditFilter | None, request: PageRequest
) -> Page[AuditEntry]:
    require_admin_reader(ctx.viewer)
    query: dict[str, Any] = {}
    if flt is not None:
        if flt.operation:
            query["operation"] = flt.operation
        if flt.actor_id:
            query["actor_id"] = flt.actor_id
        if flt.target_id:
            query["target_ids"] = flt.target_id
        if flt.outcome:
            query["outcome"] = {"$in": [o.value for o in flt.outcome]}
        window: dict[str, Any] = {}
        if flt.since:
            window["$gte"] = flt.since
        if flt.until:
            window["$lt"] = flt.until
        if window:
            query["at"] = window
    return await paginate(
        AuditEntry,
        query,
        SortKey("at", descending=True),
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
    )
