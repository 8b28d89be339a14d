"""Mitra: the other party of an agreement."""

from typing import Annotated, ClassVar

import pymongo
from pydantic import BaseModel, EmailStr, StringConstraints
from pymongo import IndexModel

from models.base import Record
from models.enums import PartnerKind
from models.org_unit import Text

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
    address: ShortText = ""
    contacts: list[Contact] = []
    identifiers: list[Identifier] = []
    name_key: str = ""

    def model_post_init(self, context: object) -> None:
        self.name_key = self.name.casefold()

    class Settings:
        name = "partners"
        indexes: ClassVar = [
            IndexModel([("name_key", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
            IndexModel([("kind", pymongo.ASCENDING)]),
        ]
