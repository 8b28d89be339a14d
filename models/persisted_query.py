"""PersistedQuery: the text of a GraphQL document under its SHA-256 hash (Automatic Persisted
Queries). Content-addressed, so an entry never changes and any process may cache it."""

from datetime import datetime

from beanie import Document
from pydantic import Field

from models.clock import utcnow


class PersistedQuery(Document):
    id: str  # type: ignore[assignment]  # the lowercase hex SHA-256 of `query`
    query: str
    registered_at: datetime = Field(default_factory=utcnow)
    # Who registered it ("anonymous" or a user id): anonymous clients may be limited to
    # documents that signed-in clients registered.
    registered_by: str

    class Settings:
        name = "persisted_queries"
