"""Who is asking. Every resolver receives the viewer through the request context."""

from dataclasses import dataclass

from beanie import PydanticObjectId

from i18n import N_
from models.actor import ActorRef
from models.enums import Role
from models.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Viewer:
    """A signed-in user (through a session or an API token), or nobody (`role` None)."""

    id: str | None = None
    name: str = ""
    role: Role | None = None
    org_unit_id: PydanticObjectId | None = None
    partner_id: PydanticObjectId | None = None
    session_id: PydanticObjectId | None = None
    api_token_id: PydanticObjectId | None = None
    # API tokens are read-only unless an ADMIN granted write.
    can_write: bool = True
    # Why the credentials the request carried were refused, if it carried any.
    auth_error: str | None = None
    # The account's chosen language, which overrides the client's Accept-Language.
    language: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.role is not None

    @property
    def user_id(self) -> PydanticObjectId:
        if self.id is None:
            raise DomainError(ErrorCode.UNAUTHENTICATED, self.auth_error or N_("sign in first"))
        return PydanticObjectId(self.id)

    @property
    def actor(self) -> ActorRef:
        return ActorRef(id=str(self.user_id), name=self.name)


ANONYMOUS = Viewer()


def refused(reason: str) -> Viewer:
    return Viewer(auth_error=reason)
