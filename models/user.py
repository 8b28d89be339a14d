"""User: an account, with one role and, for two roles, the unit or partner they act for."""

from typing import Annotated, ClassVar, Self

import pymongo
from beanie import PydanticObjectId
from pydantic import AfterValidator, EmailStr, model_validator
from pymongo import IndexModel

from models.base import Record
from models.enums import Language, Role
from models.errors import DomainError, ErrorCode
from models.org_unit import Text

# Emails compare case-insensitively: stored lowercased, unique.
Email = Annotated[EmailStr, AfterValidator(lambda value: value.lower())]


class User(Record):
    email: Email
    display_name: Text
    role: Role
    org_unit_id: PydanticObjectId | None = None
    partner_id: PydanticObjectId | None = None
    active: bool = True
    password_hash: str
    # None: whatever language the client asks for (Accept-Language).
    preferred_language: Language | None = None

    unique_fields: ClassVar[dict[str, str]] = {"email": "email"}
    # Never shown in the audit trail's before/after values.
    secret_fields: ClassVar[frozenset[str]] = frozenset({"password_hash"})

    class Settings:
        name = "users"
        indexes: ClassVar = [
            IndexModel([("email", pymongo.ASCENDING)], unique=True, name="email"),
            IndexModel([("role", pymongo.ASCENDING)]),
        ]

    @model_validator(mode="after")
    def _check_links(self) -> Self:
        """An OFFICER acts for one department, a PARTNER for one partner; nobody else for either."""
        if self.role == Role.OFFICER and self.org_unit_id is None:
            raise DomainError(ErrorCode.REQUIRED, "an OFFICER needs a department", "orgUnitId")
        if self.role == Role.PARTNER and self.partner_id is None:
            raise DomainError(ErrorCode.REQUIRED, "a PARTNER user needs a partner", "partnerId")
        if self.role != Role.OFFICER and self.org_unit_id is not None:
            raise DomainError(ErrorCode.INVALID, "only an OFFICER has a department", "orgUnitId")
        if self.role != Role.PARTNER and self.partner_id is not None:
            raise DomainError(ErrorCode.INVALID, "only a PARTNER user has a partner", "partnerId")
        return self
