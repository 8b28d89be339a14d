"""Search in the text of stored documents, page by page.

Each page's text is stored with its search keys (models/search.py: Indonesian stems,
prefixes, case and diacritics folded), so a query is an indexed match on `keys`; a page
matches when it holds every word of the query. A hit is one document: its record (the
agreement, or the proposal it was handed in with), the pages that match, and a snippet of the
first of them with the matching words between « and ».

Hits are ordered by stored file and paged by a keyset cursor (the file id). The viewer sees
only documents of records it may read: a department's officers and a partner's users get the
files of their own records as part of the query; the internal readers, who read nearly
everything, have each page of hits checked against their rules instead.
"""

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId
from bson.errors import InvalidId

from models import Agreement, Proposal
from models.document_text import DocumentPage
from models.documents import DocumentRef
from models.enums import DocumentType
from models.errors import DomainError, ErrorCode
from models.search import keys_filter, query_terms, stem, words
from resolvers import scoped
from resolvers.access import ARCHIVE_READERS
from resolvers.context import Context
from resolvers.pagination import Page, PageRequest, combine

MARK_OPEN = "«"
MARK_CLOSE = "»"
SNIPPET_CHARS = 200
# Matching pages are read in batches of this many while filling a page of hits.
BATCH = 200
_TOKEN = re.compile(r"[^\W_]+")


@dataclass
class DocumentFilter:
    agreement_id: PydanticObjectId | None = None
    types: list[DocumentType] | None = None


@dataclass
class DocumentHit:
    document: DocumentRef
    owner: Agreement | Proposal
    pages: list[int]
    snippet: str
    snippet_page: int


async def _files_of_own_records(ctx: Context) -> list[PydanticObjectId]:
    """Every stored file of the records an officer or a partner may read (a bounded set)."""
    ids: list[PydanticObjectId] = []
    for model, field in ((Agreement, "documents"), (Proposal, "attachments")):
        async for row in await scoped.rows(ctx.viewer, model, {}, {f"{field}.file_id": 1}):
            ids.extend(doc["file_id"] for doc in row.get(field, []))
    return ids


def page_condition(text: str) -> dict[str, Any]:
    if not words(text):
        raise DomainError(ErrorCode.INVALID, "give at least one word to search for", "query")
    return keys_filter(text, field="keys")


async def matching_file_ids(text: str) -> list[PydanticObjectId]:
    """The stored files with a page that holds every word of `text` (for the agreement
    list's filter, which applies its own access rule to the agreements)."""
    rows = DocumentPage.get_pymongo_collection().find(page_condition(text), {"file_id": 1})
    return list({row["file_id"] async for row in rows})


def _decode(cursor: str) -> PydanticObjectId:
    try:
        return PydanticObjectId(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, TypeError, binascii.Error, InvalidId):
        raise DomainError(ErrorCode.INVALID_CURSOR, "this cursor is not valid", "after") from None


def _encode(file_id: PydanticObjectId) -> str:
    return base64.urlsafe_b64encode(str(file_id).encode()).decode()


async def search_documents(
    ctx: Context, text: str, flt: DocumentFilter | None, request: PageRequest
) -> Page[DocumentHit]:
    size, backwards = request.size(default=ctx.settings.default_page_size, maximum=50)
    if backwards:
        raise DomainError(ErrorCode.INVALID, "search results page forwards only", "last")
    await scoped.readable(ctx.viewer, Agreement)  # anonymous: UNAUTHENTICATED
    conditions = [page_condition(text)]
    if ctx.viewer.role not in ARCHIVE_READERS:
        conditions.append({"file_id": {"$in": await _files_of_own_records(ctx)}})
    if flt is not None and flt.agreement_id is not None:
        agreement = await scoped.get(ctx.viewer, Agreement, flt.agreement_id)
        if agreement is None:
            raise DomainError(ErrorCode.NOT_FOUND, "no such agreement", "agreementId")
        conditions.append({"file_id": {"$in": [d.file_id for d in agreement.documents]}})
    after = _decode(request.after) if request.after else None
    hits: list[DocumentHit] = []
    more = True
    while len(hits) <= size and more:
        window = combine(*conditions, {"file_id": {"$gt": after}} if after else {})
        rows = await DocumentPage.find(window).sort("+file_id", "+number").limit(BATCH).to_list()
        more = len(rows) == BATCH
        if more:
            # The last file may go on past this batch: read it whole in the next one.
            last = rows[-1].file_id
            rows = [r for r in rows if r.file_id != last] or rows
        grouped: dict[PydanticObjectId, list[DocumentPage]] = {}
        for row in rows:
            grouped.setdefault(row.file_id, []).append(row)
        hits.extend(await _readable_hits(ctx, grouped, text, flt))
        after = rows[-1].file_id if rows else after
    page = hits[:size]

    async def count() -> int:
        # Exact for the officers' and partners' own files; the internal readers see all but
        # the attachments of proposals still in draft, which this count includes.
        rows = DocumentPage.get_pymongo_collection().find(combine(*conditions), {"file_id": 1})
        return len({row["file_id"] async for row in rows})

    return Page(
        items=page,
        cursors=[_encode(hit.document.file_id) for hit in page],
        has_next_page=len(hits) > size,
        has_previous_page=request.after is not None,
        count=count,
    )


async def _readable_hits(
    ctx: Context,
    grouped: dict[PydanticObjectId, list[DocumentPage]],
    text: str,
    flt: DocumentFilter | None,
) -> list[DocumentHit]:
    """The hits among these files that the viewer may read, in file order; a file both an
    agreement and its proposal hold is shown with the agreement."""
    ids = list(grouped)
    holders: dict[PydanticObjectId, tuple[DocumentRef, Agreement | Proposal]] = {}
    agreements = await scoped.find(ctx.viewer, Agreement, {"documents.file_id": {"$in": ids}})
    for agreement in await agreements.to_list():
        for doc in agreement.documents:
            holders.setdefault(doc.file_id, (doc, agreement))
    if flt is None or flt.agreement_id is None:
        proposals = await scoped.find(ctx.viewer, Proposal, {"attachments.file_id": {"$in": ids}})
        for proposal in await proposals.to_list():
            for doc in proposal.attachments:
                holders.setdefault(doc.file_id, (doc, proposal))
    hits = []
    for file_id, pages in grouped.items():
        held = holders.get(file_id)
        if held is None:
            continue
        doc, owner = held
        if flt is not None and flt.types and doc.type not in flt.types:
            continue
        hits.append(
            DocumentHit(
                document=doc,
                owner=owner,
                pages=[p.number for p in pages],
                snippet=snippet(pages[0].text, text),
                snippet_page=pages[0].number,
            )
        )
    return hits


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def snippet(page_text: str, query: str) -> str:
    """About SNIPPET_CHARS characters of the page around the first word the query matches,
    every matching word between « and »; the page's own «» are replaced, so the marks are
    unambiguous. Whitespace (line breaks of the scan) is collapsed."""
    text = " ".join(page_text.replace(MARK_OPEN, '"').replace(MARK_CLOSE, '"').split())
    typed = words(query)
    stems = query_terms(query)

    def matches(token: str) -> bool:
        folded = _fold(token)
        root = stem(folded)
        return any(folded.startswith(w) for w in typed) or any(root.startswith(s) for s in stems)

    spans = [m.span() for m in _TOKEN.finditer(text) if matches(m.group())]
    if not spans:
        return text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")
    first = spans[0][0]
    start = max(0, first - SNIPPET_CHARS // 3)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > spans[0][1] else end
    parts = []
    position = start
    for low, high in spans:
        if low < start or high > end:
            continue
        parts += [text[position:low], MARK_OPEN, text[low:high], MARK_CLOSE]
        position = high
    parts.append(text[position:end])
    return ("…" if start > 0 else "") + "".join(parts) + ("…" if end < len(text) else "")
