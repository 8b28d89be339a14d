"""What every stored record shares: timestamps and an integer revision for optimistic locking."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ClassVar, Self

from beanie import Document, PydanticObjectId
from beanie.odm.utils.encoder import Encoder
from pydantic import BaseModel, Field, ValidationError
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from i18n import N_, later
from models.audit import note_changes
from models.clock import utcnow
from models.errors import DomainError, DomainErrors, ErrorCode
from models.transactions import written_with
from models.validation_messages import message_of

# Writes what is derived from a record just stored, in that write's transaction.
type Derive = Callable[[Any, AsyncClientSession], Awaitable[None]]


class Record(Document):
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    revision: int = 1

    # Which unique index a duplicate-key error means, to name the field in the error.
    unique_fields: ClassVar[dict[str, str]] = {}
    # Fields whose values the audit trail must not copy.
    secret_fields: ClassVar[frozenset[str]] = frozenset()
    # Fields computed from others (search keys): stored for queries, not part of the audit.
    derived_fields: ClassVar[frozenset[str]] = frozenset()
    # What a class keeps derived from its stored records elsewhere (an agreement's search
    # keys and listing row, an evaluation's marks on that row), written in this order after
    # every creation and compare-and-set in the same transaction: the caller's, or one of
    # its own. So nothing derived disagrees with its record, and a refused or failed write
    # changes neither.
    store_derived: ClassVar[tuple[Derive, ...]] = ()

    @property
    def audit_name(self) -> str:
        return f"{type(self).__name__}:{self.id}"

    async def create_checked(self, session: AsyncClientSession | None = None) -> Self:
        async def insert(session: AsyncClientSession | None) -> Self:
            try:
                await self.insert(session=session)
            except DuplicateKeyError as error:
                raise self.duplicate_error(error) from None
            note_changes(self.audit_name, {}, {"created": True})
            return self

        return await self._stored(insert, session)

    async def _stored(
        self,
        write: Callable[[AsyncClientSession | None], Awaitable[Self]],
        session: AsyncClientSession | None,
    ) -> Self:
        """`write`, with what the class derives from the record (`store_derived`)."""
        derives = type(self).store_derived
        if not derives:
            return await write(session)

        async def derive(stored: Self, session: AsyncClientSession) -> None:
            for each in derives:
                await each(stored, session)

        client = self.get_pymongo_collection().database.client
        return await written_with(client, write, derive, session)

    @classmethod
    def build(cls, **fields: Any) -> Self:
        """Validate a new record; every broken field rule becomes a coded error."""
        return checked(cls, fields)

    def revised(self, changes: dict[str, Any]) -> tuple[Self, dict[str, Any]]:
        """The record with `changes` applied and validated, and the `$set` that stores them."""
        revised = self.build(**{**self.model_dump(), **changes})
        fields = set(type(self).model_fields) - {"id", "revision_id"}
        changed = {
            name: Encoder().encode(getattr(revised, name))
            for name in sorted(fields)
            if getattr(revised, name) != getattr(self, name)
        }
        return revised, changed

    async def update_fields(
        self, changes: dict[str, Any], *, expected_revision: int | None = None
    ) -> Self:
        """Validate and store a plain edit of fields."""
        _, changed = self.revised(changes)
        if not changed:
            if expected_revision is not None and expected_revision != self.revision:
                raise stale(type(self).__name__)
            return self
        return await self.compare_and_set({"$set": changed}, expected_revision=expected_revision)

    async def compare_and_set(
        self,
        update: dict[str, Any],
        *,
        expected_revision: int | None = None,
        session: AsyncClientSession | None = None,
    ) -> Self:
        """Apply `update` only if nobody changed the record since it was read (or since the
        revision the client last saw). A stale write is refused, never applied."""

        async def apply(session: AsyncClientSession | None) -> Self:
            if expected_revision is not None and expected_revision != self.revision:
                raise stale(type(self).__name__)
            stamped = dict(update)
            stamped.setdefault("$set", {})
            stamped["$set"] = {**stamped["$set"], "updated_at": utcnow()}
            stamped["$inc"] = {**stamped.get("$inc", {}), "revision": 1}
            collection = self.get_pymongo_collection()
            # An update and a read, not one findAndModify: SecantusDB 0.7 writes what a
            # findAndModify found through a filter that scans the collection (docs/engines.md),
            # an update through its `_id`. In a transaction the read sees this write; outside
            # one it may see a later one, which is then the record as it is.
            try:
                written = await collection.update_one(
                    {"_id": self.id, "revision": self.revision}, stamped, session=session
                )
            except DuplicateKeyError as error:
                raise self.duplicate_error(error) from None
            if written.matched_count == 0:
                raise stale(type(self).__name__)
            raw = await collection.find_one({"_id": self.id}, session=session)
            if raw is None:  # deleted meanwhile, outside a transaction
                raise stale(type(self).__name__)
            stored = self.model_validate(raw)
            self._note(stored, stamped)
            return stored

        return await self._stored(apply, session)

    def _note(self, stored: Self, update: dict[str, Any]) -> None:
        names = set(update.get("$set", {})) - {"updated_at"} - self.derived_fields
        before = {n: Encoder().encode(getattr(self, n)) for n in names}
        after = {n: Encoder().encode(getattr(stored, n)) for n in names}
        for name, pushed in update.get("$push", {}).items():
            items = pushed["$each"] if isinstance(pushed, dict) and "$each" in pushed else [pushed]
            after[name] = {"added": items}
        note_changes(self.audit_name, before, after, self.secret_fields)

    @classmethod
    def duplicate_error(cls, error: DuplicateKeyError) -> DomainError:
        text = str(error)
        for key, field in cls.unique_fields.items():
            if key in text:
                return DomainError(
                    ErrorCode.DUPLICATE, "%(name)s is already in use", field, name=field
                )
        return DomainError(ErrorCode.DUPLICATE, "a record with these values already exists")


# What people call the records a conflict can be about (others are "the record").
RECORD_NAMES = {
    "Agreement": N_("agreement"),
    "Proposal": N_("proposal"),
    "Partner": N_("partner"),
    "Evaluation": N_("evaluation"),
    "Procedure": N_("procedure"),
    "Template": N_("template"),
    "FaqEntry": N_("FAQ entry"),
    "OrgUnit": N_("department"),
    "User": N_("account"),
}


def stale(kind: str) -> DomainError:
    return DomainError(
        ErrorCode.CONFLICT,
        "the %(record)s was changed by someone else since you read it; reload and try again",
        "revision",
        record=later(RECORD_NAMES.get(kind, N_("record"))),
    )


def parse_object_id(value: str, field: str = "id") -> PydanticObjectId:
    try:
        return PydanticObjectId(value)
    except Exception:
        raise DomainError(
            ErrorCode.INVALID_ID, "%(value)r is not a valid id", field, value=value
        ) from None


def checked[M: BaseModel](model: type[M], data: dict[str, Any]) -> M:
    """Validate `data` as a `model`; every broken field rule becomes a coded error."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_errors(error) from None


def validation_errors(error: ValidationError) -> DomainErrors:
    found = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or None
        code = (
            ErrorCode.REQUIRED
            if item["type"] in {"missing", "string_too_short", "too_short"}
            else ErrorCode.OUT_OF_RANGE
            if item["type"] in {"out_of_range", "finite_number"}
            else ErrorCode.INVALID
        )
        msgid, params = message_of(item)
        found.append(DomainError(code, msgid, field, **params))
    return DomainErrors(found)
