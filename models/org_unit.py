"""Perangkat Daerah: a city department that leads agreements."""

from typing import Annotated, ClassVar

import pymongo
from pydantic import StringConstraints
from pymongo import IndexModel

from models.base import Record

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=30)
]


class OrgUnit(Record):
    code: Code
    name: Text
    short_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""
    active: bool = True
    # Lowercased name, the keyset sort key for listing by name.
    name_key: str = ""

    unique_fields: ClassVar[dict[str, str]] = {"code": "code"}

    def model_post_init(self, context: object) -> None:
        self.name_key = self.name.casefold()

    class Settings:
        name = "org_units"
        indexes: ClassVar = [
            IndexModel([("code", pymongo.ASCENDING)], unique=True, name="code"),
            IndexModel([("name_key", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]),
        ]
