"""Mitra: the other party of an agreement."""

from typing import Annotated, ClassVar, Self

import pymongo
from pydantic import BaseModel, EmailStr, StringConstraints
from pymongo import IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from models.base import Record
from models.enums import PartnerKind, PartnerStatus
from models.errors import DomainError, ErrorCode
from models.org_unit import Text
from models.redaction import Audience, Sensitive

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class Contact(BaseModel):
    name: Text
    position: ShortText = ""
    email: EmailStr | None = None
    phone: ShortText = ""


class Identifier(BaseModel):
    """An official number of the partner, e.g. NPWP, NIB or a foreign registry number."""

    scheme: Text
    value: Text


class Partner(Record):
    name: Text
    kind: PartnerKind
    country: ShortText = "Indonesia"
    province: ShortText = ""
    city: ShortText = ""
    # Who to call at the partner is for the city and the partner itself, not its co-partners.
    address: Annotated[ShortText, Sensitive(Audience.CITY_OR_SELF)] = ""
    contacts: Annotated[list[Contact], Sensitive(Audience.CITY_OR_SELF)] = []
    identifiers: list[Identifier] = []
    registration_status: PartnerStatus = PartnerStatus.VERIFIED
    rejection_reason: str = ""
    name_key: str = ""

    def model_post_init(self, context: object) -> None:
        self.name_key = self.name.casefold()

    class Settings:
        name = "partners"
        indexes: ClassVar = [
            IndexModel([("name_key", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("kind", pymongo.ASCENDING)]),
            IndexModel([("registration_status", pymongo.ASCENDING)]),
        ]

    # --- online registration: the cooperation unit decides once -----------------------------

    def check_undecided(self) -> None:
        if self.registration_status != PartnerStatus.UNVERIFIED:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                "this registration is already decided (%(status)s)",
                "partnerId",
                status=self.registration_status,
            )

    async def decide(
        self,
        status: PartnerStatus,
        reason: str = "",
        *,
        expected_revision: int | None = None,
        session: AsyncClientSession | None = None,
    ) -> Self:
        self.check_undecided()
        reason = reason.strip()
        if status == PartnerStatus.REJECTED and not reason:
            raise DomainError(ErrorCode.REQUIRED, "a reason is required to reject", "reason")
        changes = {"registration_status": status.value, "rejection_reason": reason}
        return await self.compare_and_set(
            {"$set": changes}, expected_revision=expected_revision, session=session
        )

    def absorbed(self, duplicate: "Partner") -> dict[str, list[dict[str, object]]]:
        """The contacts and identifiers of a duplicate registration this record lacks."""
        emails = {c.email for c in self.contacts if c.email}
        contacts = [c for c in duplicate.contacts if not c.email or c.email not in emails]
        known = {(i.scheme.casefold(), i.value) for i in self.identifiers}
        identifiers = [
            i for i in duplicate.identifiers if (i.scheme.casefold(), i.value) not in known
        ]
        return {
            "contacts": [c.model_dump() for c in [*self.contacts, *contacts]],
            "identifiers": [i.model_dump() for i in [*self.identifiers, *identifiers]],
        }
