"""Running a create or an upload once per client idempotency key (see models/idempotency.py).

    once = Once(ctx, "createEvaluation", key, request_fields)
    result, fresh = await once.run(create, ids, replay)

`create(session)` makes the record inside a transaction; the key is stored in the same
transaction, so either both are kept or neither. A retry (or a concurrent twin that lost the
race on the unique key) gets `replay(first)` and `fresh` False: nothing new was made.
An upload goes through `store_once`, which keeps its file only if it was attached fresh.
"""

from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO

from beanie import PydanticObjectId
from pydantic import TypeAdapter, ValidationError
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from models import IdempotencyKey
from models.documents import StoredFile
from models.errors import DomainError, DomainErrors, ErrorCode
from models.file_owners import FileHolder
from models.idempotency import ClientKey, fingerprint
from models.transactions import in_transaction
from resolvers.context import Context

FIELD = "idempotencyKey"
_KEY = TypeAdapter(ClientKey)


class Once:
    def __init__(
        self, ctx: Context, operation: str, key: str | None, request: dict[str, Any]
    ) -> None:
        self.ctx = ctx
        self.operation = operation
        self.key = self._checked(key)
        self.fingerprint = fingerprint(request)

    @staticmethod
    def _checked(key: str | None) -> str | None:
        if key is None:
            return None
        try:
            return _KEY.validate_python(key)
        except ValidationError:
            raise DomainError(
                ErrorCode.INVALID,
                "an idempotency key is 8-128 letters, digits, '.', '_', ':' or '-' (a UUID)",
                FIELD,
            ) from None

    async def previous(self) -> IdempotencyKey | None:
        """The stored result of an earlier request with this key, if any."""
        if self.key is None:
            return None
        first = await IdempotencyKey.find_one(
            {"user_id": self.ctx.viewer.id, "operation": self.operation, "key": self.key}
        )
        if first is not None and first.fingerprint != self.fingerprint:
            raise DomainError(
                ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "this idempotency key was already used for a different request",
                FIELD,
            )
        return first

    async def run[T](
        self,
        create: Callable[[AsyncClientSession | None], Awaitable[T]],
        ids: Callable[[T], tuple[PydanticObjectId, PydanticObjectId | None]],
        replay: Callable[[IdempotencyKey], Awaitable[T]],
    ) -> tuple[T, bool]:
        if self.key is None:
            return await create(None), True
        first = await self.previous()
        if first is not None:
            return await replay(first), False
        try:

            async def create_once(session: AsyncClientSession) -> T:
                result = await create(session)
                record_id, item_id = ids(result)
                await IdempotencyKey(
                    user_id=str(self.ctx.viewer.id),
                    operation=self.operation,
                    key=self.key,
                    fingerprint=self.fingerprint,
                    record_id=record_id,
                    item_id=item_id,
                ).insert(session=session)
                return result

            return await in_transaction(self.ctx.database.client, create_once), True
        except (DuplicateKeyError, DomainError, DomainErrors):
            # A twin of this request may have won the race (our write then conflicts with its
            # record, or our key with its key): answer with its result. Otherwise the error
            # stands.
            first = await self.previous()
            if first is None:
                raise
            return await replay(first), False


async def store_once[T](
    ctx: Context,
    holder: FileHolder,
    file: BinaryIO,
    filename: str,
    attach: Callable[[StoredFile], Awaitable[tuple[T, bool]]],
) -> tuple[T, StoredFile | None]:
    """Store an upload (for a record of kind `holder`) under the viewer's quota, then
    `attach(stored)` it to its record (through `Once.run`). The file is removed if attaching
    fails, and when a twin request's file was attached first (then None is returned for
    it): no file is left unreferenced."""
    files = ctx.database.files
    stored = await files.store(
        file,
        filename,
        holder=holder,
        max_bytes=ctx.settings.max_upload_bytes,
        owner=ctx.viewer.id,
        daily_quota=ctx.settings.upload_quota_bytes,
    )
    try:
        result, fresh = await attach(stored)
    except BaseException:
        await files.delete(stored.file_id)
        raise
    if not fresh:
        await files.delete(stored.file_id)
        return result, None
    await files.mark_attached(stored.file_id)
    return result, stored
