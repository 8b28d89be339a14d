"""Which records hold stored files, each kind once. A file's holder, recorded in its GridFS
metadata when it was stored, says where to look: for the access rule of a download and for
the sweep of interrupted uploads. Files stored before holders were recorded have none; for
them every kind is asked, in the order below."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId

from models.documents import StoredFile
from models.file_owners import FileHolder
from resolvers import agreements, evaluations, ocr, proposals, public
from resolvers.context import Context

type Found = tuple[Any, StoredFile] | None


@dataclass(frozen=True)
class Kind:
    # The file with the record that holds it, if the viewer may read that record.
    find: Callable[[Context, PydanticObjectId], Awaitable[Found]]
    holds: Callable[[PydanticObjectId], Awaitable[bool]]
    # Its files may be had without sign-in (the record's own rule still applies).
    public: bool = False


async def _find_proposal_file(ctx: Context, file_id: PydanticObjectId) -> Found:
    # A proposal's files are referenced by the agreement it led to: either owner may grant.
    return await agreements.find_document(ctx, file_id) or await proposals.find_attachment(
        ctx, file_id
    )


KINDS: dict[FileHolder, Kind] = {
    # Templates are public information: their current files need no sign-in.
    FileHolder.TEMPLATE: Kind(public.find_template_file, public.is_template_file, public=True),
    FileHolder.AGREEMENT: Kind(agreements.find_document, agreements.is_file_referenced),
    FileHolder.PROPOSAL: Kind(_find_proposal_file, proposals.is_file_referenced),
    FileHolder.EVALUATION: Kind(evaluations.find_evidence, evaluations.is_file_referenced),
    FileHolder.RENDITION: Kind(ocr.find_rendition, ocr.is_file_referenced),
}


def _kinds(holder: FileHolder | None) -> list[Kind]:
    return [KINDS[holder]] if holder is not None else list(KINDS.values())


async def find_file(ctx: Context, file_id: PydanticObjectId, holder: FileHolder | None) -> Found:
    """The file and its record, if the viewer may read them (an anonymous viewer is not
    asked about in kinds that are not public)."""
    for kind in _kinds(holder):
        if kind.public or ctx.viewer.signed_in:
            found = await kind.find(ctx, file_id)
            if found is not None:
                return found
    return None


async def holds_file(file_id: PydanticObjectId, holder: FileHolder | None = None) -> bool:
    """Whether a record holds the file (for the sweep of interrupted uploads)."""
    for kind in _kinds(holder):
        if await kind.holds(file_id):
            return True
    return False
