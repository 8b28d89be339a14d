"""Where records hold stored files: the one list the fixity check and the backup both read.

Each entry names a collection, the type its records are called by in `Type:id` targets, and
the path of the embedded file references (each with `file_id`, `filename` and `sha256`).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FileHolder(StrEnum):
    """The kind of record a stored file belongs to, recorded in the file's GridFS metadata
    when it is stored (see resolvers/file_holders.py)."""

    AGREEMENT = "Agreement"
    PROPOSAL = "Proposal"
    EVALUATION = "Evaluation"
    TEMPLATE = "Template"
    # The searchable PDF OCR made of a scan: it follows the scan's record.
    RENDITION = "Rendition"


@dataclass(frozen=True)
class FileOwner:
    collection: str
    type_name: str
    path: str  # dotted; each step may be a list

    def refs(self, row: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The file references of one raw record."""
        items: list[Any] = [row]
        for step in self.path.split("."):
            following: list[Any] = []
            for item in items:
                value = item.get(step) if isinstance(item, dict) else None
                if isinstance(value, list):
                    following.extend(value)
                elif value is not None:
                    following.append(value)
            items = following
        for item in items:
            if isinstance(item, dict) and "file_id" in item:
                yield item


FILE_OWNERS = (
    FileOwner("agreements", FileHolder.AGREEMENT, "documents"),
    FileOwner("proposals", FileHolder.PROPOSAL, "attachments"),
    FileOwner("evaluations", FileHolder.EVALUATION, "evidence"),
    FileOwner("templates", FileHolder.TEMPLATE, "versions.file"),
)
OWNERS_BY_COLLECTION = {owner.collection: owner for owner in FILE_OWNERS}
