"""Use cases of the public information (menu 5): procedures, FAQ, templates, and the public
catalogue and statistics of agreements. Reading needs no sign-in; writing is the cooperation
unit's, and every edit is kept as a version."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, BinaryIO

from beanie import PydanticObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from models import AgreementListing, FaqEntry, IdempotencyKey, Procedure, Template
from models.base import stale
from models.documents import StoredFile
from models.enums import CooperationType, DocumentType
from models.errors import DomainError, ErrorCode
from models.file_owners import FileHolder
from models.public_content import VersionMeta
from resolvers import scoped
from resolvers.access import (
    can_download_template,
    published_scope,
    require_content_editor,
    require_history_reader,
)
from resolvers.agreements import AgreementFilter, agreement_query
from resolvers.conflicts import ATTACH_ATTEMPTS, on_fresh_copy
from resolvers.context import Context
from resolvers.idempotency import Once, store_once
from resolvers.pagination import Page, PageRequest, SortKey, combine, paginate
from resolvers.scoped import Use

# --- procedures --------------------------------------------------------------------------------


async def list_procedures(
    ctx: Context, cooperation_type: CooperationType | None = None
) -> list[Procedure]:
    """One procedure per cooperation type, in the order of the types."""
    query: dict[str, Any] = {}
    if cooperation_type is not None:
        query["cooperation_type"] = cooperation_type.value
    found = await (await scoped.find(ctx.viewer, Procedure, query)).to_list()
    order = list(CooperationType)
    return sorted(found, key=lambda p: order.index(p.cooperation_type))


async def update_procedure(
    ctx: Context,
    cooperation_type: CooperationType,
    content: dict[str, Any],
    note: str,
    revision: int | None,
) -> Procedure:
    """Replace the procedure of a cooperation type (the first edit creates it)."""
    require_content_editor(ctx.viewer)
    actor = ctx.viewer.actor
    current = await scoped.one(ctx.viewer, Procedure, {"cooperation_type": cooperation_type.value})
    if current is not None:
        return await current.revise(content, actor, note, revision)
    if revision is not None:
        raise stale("Procedure")
    try:
        return await Procedure.publish_first(
            {**content, "cooperation_type": cooperation_type}, actor, note
        )
    except DomainError as error:
        # Another editor created it a moment ago: their version must not be overwritten.
        if error.code == ErrorCode.DUPLICATE:
            raise stale("Procedure") from None
        raise


# --- FAQ ---------------------------------------------------------------------------------------


@dataclass
class FaqFilter:
    category: str | None = None
    include_unpublished: bool = False


async def list_faq(ctx: Context, flt: FaqFilter | None, request: PageRequest) -> Page[FaqEntry]:
    flt = flt or FaqFilter()
    query: dict[str, Any] = {}
    if flt.category:
        query["category"] = flt.category
    return await paginate(
        FaqEntry,
        combine(
            await scoped.readable(ctx.viewer, FaqEntry),
            published_scope(ctx.viewer, flt.include_unpublished),
            query,
        ),
        SortKey("position"),
        request,
        default_size=ctx.settings.max_page_size,
        max_size=ctx.settings.max_page_size,
    )


async def create_faq_entry(ctx: Context, fields: dict[str, Any], note: str) -> FaqEntry:
    require_content_editor(ctx.viewer)
    return await FaqEntry.publish_first(fields, ctx.viewer.actor, note)


async def update_faq_entry(
    ctx: Context,
    entry_id: PydanticObjectId,
    changes: dict[str, Any],
    note: str,
    revision: int | None,
) -> FaqEntry:
    require_content_editor(ctx.viewer)
    entry = await scoped.get(ctx.viewer, FaqEntry, entry_id)
    if entry is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such FAQ entry", "id")
    return await entry.revise(changes, ctx.viewer.actor, note, revision)


# --- templates ---------------------------------------------------------------------------------


@dataclass
class TemplateFilter:
    cooperation_type: CooperationType | None = None
    document_type: list[DocumentType] | None = None
    include_unpublished: bool = False


def template_query(flt: TemplateFilter) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if flt.cooperation_type is not None:
        # A template for no type in particular serves every type.
        query["$or"] = [
            {"cooperation_types": flt.cooperation_type.value},
            {"cooperation_types": {"$size": 0}},
        ]
    if flt.document_type:
        query["document_type"] = {"$in": [t.value for t in flt.document_type]}
    return query


async def list_templates(
    ctx: Context, flt: TemplateFilter | None, request: PageRequest
) -> Page[Template]:
    flt = flt or TemplateFilter()
    return await paginate(
        Template,
        combine(
            await scoped.readable(ctx.viewer, Template),
            published_scope(ctx.viewer, flt.include_unpublished),
            template_query(flt),
        ),
        SortKey("title_key"),
        request,
        default_size=ctx.settings.max_page_size,
        max_size=ctx.settings.max_page_size,
    )


async def _editable_template(ctx: Context, template_id: PydanticObjectId) -> Template:
    require_content_editor(ctx.viewer)
    template = await scoped.get(ctx.viewer, Template, template_id)
    if template is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such template", "templateId")
    return template


async def upload_template(
    ctx: Context,
    template_id: PydanticObjectId | None,
    fields: dict[str, Any],
    file: BinaryIO,
    filename: str,
    note: str,
    revision: int | None,
    idempotency_key: str | None = None,
) -> Template:
    """A new template, or a new file (and any other changes) for an existing one. The file is
    stored only after the rest of the input passed its checks, and removed if anything fails
    afterwards. A retry with the same idempotency key stores nothing new and answers with
    the template as it is now."""
    require_content_editor(ctx.viewer)
    template = await _editable_template(ctx, template_id) if template_id else None
    stand_in = StoredFile(
        file_id=PydanticObjectId(), filename=filename, content_type="", size=0, sha256=""
    )
    if template is None:
        Template.build(**fields, file=stand_in)
    else:
        template.revised({**fields, "file": stand_in})
    file.seek(0, 2)
    request = {
        "template": template_id,
        **fields,
        "filename": filename,
        "size": file.tell(),
        "note": note,
        "revision": revision,
    }
    once = Once(ctx, "uploadTemplate", idempotency_key, request)
    first = await once.previous()
    if first is not None:
        return await _replay_template(ctx, first)

    async def attach(stored: StoredFile) -> tuple[Template, bool]:
        async def store(current: Template | None) -> tuple[Template, bool]:
            changes = {**fields, "file": stored}
            return await once.run(
                partial(_template_stored, ctx, current, changes, note, revision),
                _template_ids,
                partial(_replay_template, ctx),
            )

        # A revision the client names must match; without one, a concurrent edit is re-read
        # and the new file goes on top of it.
        if template_id is None or template is None or revision is not None:
            return await store(template)
        reload = partial(_editable_template, ctx, template_id)
        return await on_fresh_copy(template, store, reload, ATTACH_ATTEMPTS)

    saved, _ = await store_once(ctx, FileHolder.TEMPLATE, file, filename, attach)
    return saved


async def _template_stored(
    ctx: Context,
    template: Template | None,
    fields: dict[str, Any],
    note: str,
    revision: int | None,
    session: AsyncClientSession | None,
) -> Template:
    if template is None:
        return await Template.publish_first(fields, ctx.viewer.actor, note, session)
    return await template.revise(fields, ctx.viewer.actor, note, revision, session)


def _template_ids(template: Template) -> tuple[PydanticObjectId, None]:
    assert template.id is not None
    return template.id, None


async def _replay_template(ctx: Context, first: IdempotencyKey) -> Template:
    return await _editable_template(ctx, first.record_id)


async def update_template(
    ctx: Context,
    template_id: PydanticObjectId,
    changes: dict[str, Any],
    note: str,
    revision: int | None,
) -> Template:
    template = await _editable_template(ctx, template_id)
    return await template.revise(changes, ctx.viewer.actor, note, revision)


async def find_template_file(
    ctx: Context, file_id: PydanticObjectId
) -> tuple[Template, StoredFile] | None:
    """The template file stored as `file_id`, if the viewer (perhaps anonymous) may have it."""
    template = await scoped.one(ctx.viewer, Template, {"versions.file.file_id": file_id})
    if template is None:
        return None
    version = template.version_of_file(file_id)
    if version is None:
        return None
    is_current = template.file.file_id == file_id
    if not can_download_template(ctx.viewer, template.published, is_current):
        return None
    return template, version.file


async def is_template_file(file_id: PydanticObjectId) -> bool:
    return await Template.find({"versions.file.file_id": file_id}).count() > 0


# --- reading any item and its history --------------------------------------------------------


def history[V: VersionMeta](ctx: Context, versions: Sequence[V]) -> list[V]:
    """Every version, newest first."""
    require_history_reader(ctx.viewer)
    return sorted(versions, key=lambda v: v.version, reverse=True)


# --- the public catalogue ----------------------------------------------------------------------


async def list_public_agreements(
    ctx: Context, flt: AgreementFilter | None, key: SortKey, request: PageRequest
) -> Page[AgreementListing]:
    """A page of the public catalogue: listing rows, which hold every field the public sees
    (and the agreement's visibility and status, so the public rule reads rows as it reads
    agreements); the agreements themselves are not loaded."""
    return await paginate(
        AgreementListing,
        # The public sees titles, not purposes or scopes: its words search the title only.
        combine(
            await scoped.readable(ctx.viewer, AgreementListing, Use.PUBLIC),
            await agreement_query(flt, ctx.today(), "title_keys"),
        ),
        key,
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
    )


@dataclass
class Count:
    key: Any
    count: int


@dataclass
class PublicStatistics:
    total: int = 0
    by_cooperation_type: list[Count] = field(default_factory=list)
    by_field: list[Count] = field(default_factory=list)
    by_signed_year: list[Count] = field(default_factory=list)
    by_status: list[Count] = field(default_factory=list)


def _counts(rows: list[dict[str, Any]]) -> list[Count]:
    """Largest first; ties in key order (no key last)."""
    counts = [Count(row["_id"], row["n"]) for row in rows]
    return sorted(counts, key=lambda c: (-c.count, c.key is None, str(c.key)))


async def public_statistics(ctx: Context) -> PublicStatistics:
    """Counts of the public catalogue, in one aggregation over the listing rows."""

    def by(expression: Any) -> list[dict[str, Any]]:
        return [{"$group": {"_id": expression, "n": {"$sum": 1}}}]

    pipeline = [
        {
            "$facet": {
                "total": [{"$count": "n"}],
                "type": by("$cooperation_type"),
                "field": by("$field"),
                "year": by({"$year": "$signed_on"}),
                "status": by("$status"),
            }
        },
    ]
    [facets] = await scoped.aggregate(ctx.viewer, AgreementListing, pipeline, Use.PUBLIC)
    years = sorted(_counts(facets["year"]), key=lambda c: (c.key is None, c.key or 0))
    return PublicStatistics(
        total=facets["total"][0]["n"] if facets["total"] else 0,
        by_cooperation_type=_counts(facets["type"]),
        by_field=_counts(facets["field"]),
        by_signed_year=years,
        by_status=_counts(facets["status"]),
    )
