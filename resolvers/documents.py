"""The versioned documents a record holds in a list of DocumentRef (an agreement's `documents`,
a proposal's `attachments`): which record holds a stored file."""

from beanie import PydanticObjectId

from models.base import Record
from models.documents import DocumentRef
from resolvers import scoped
from resolvers.context import Context


async def find_held[R: Record](
    ctx: Context, model: type[R], field: str, file_id: PydanticObjectId
) -> tuple[R, DocumentRef] | None:
    """The readable record whose list `field` holds this file, with the document, if any."""
    record = await scoped.one(ctx.viewer, model, {f"{field}.file_id": file_id})
    if record is None:
        return None
    docs: list[DocumentRef] = getattr(record, field)
    for doc in docs:
        if doc.file_id == file_id:
            return record, doc
    return None


async def is_held(model: type[Record], field: str, file_id: PydanticObjectId) -> bool:
    """Whether any record's list `field` holds this file, readable or not."""
    return await model.find({f"{field}.file_id": file_id}).count() > 0
