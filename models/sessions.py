"""Sign-in sessions (refresh-token families), API tokens and login throttling."""

from datetime import datetime
from typing import ClassVar

import pymongo
from beanie import Document, PydanticObjectId
from pydantic import Field
from pymongo import IndexModel

from models.base import Record
from models.clock import utcnow
from models.org_unit import Text


class Session(Document):
    """One sign-in. Its refresh token rotates on every use; only the newest one is valid, and
    presenting an older one (a stolen copy, most likely) revokes the whole session."""

    user_id: PydanticObjectId
    current_hash: str
    created_at: datetime = Field(default_factory=utcnow)
    refreshed_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str = ""

    class Settings:
        name = "sessions"
        indexes: ClassVar = [IndexModel([("user_id", pymongo.ASCENDING)])]


class ApiToken(Record):
    """A long-lived token for a machine client, acting as the user who created it."""

    user_id: PydanticObjectId
    name: Text
    token_hash: str
    prefix: str
    can_write: bool = False
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    secret_fields: ClassVar[frozenset[str]] = frozenset({"token_hash"})

    class Settings:
        name = "api_tokens"
        indexes: ClassVar = [IndexModel([("user_id", pymongo.ASCENDING)])]


class LoginThrottle(Document):
    """Failed sign-ins counted per account and per client address (`id` says which)."""

    id: str  # type: ignore[assignment]
    failures: int = 0
    last_failure_at: datetime = Field(default_factory=utcnow)
    blocked_until: datetime | None = None

    class Settings:
        name = "login_throttle"


class ServerSecret(Document):
    """A secret every API process must share (the JWT signing key), made once."""

    id: str  # type: ignore[assignment]
    value: str

    class Settings:
        name = "server_secrets"
