"""Who is asking. Every resolver receives the viewer through the request context.

Until sign-in exists, requests act as a built-in development administrator; the server's
`resolve_viewer` is the one place that will read the credentials instead.
"""

from dataclasses import dataclass

from beanie import PydanticObjectId

from models.actor import ActorRef
from models.enums import Role


@dataclass(frozen=True)
class Viewer:
    id: str
    name: str
    role: Role
    org_unit_id: PydanticObjectId | None = None
    partner_id: PydanticObjectId | None = None

    @property
    def actor(self) -> ActorRef:
        return ActorRef(id=self.id, name=self.name)


DEVELOPMENT_VIEWER = Viewer(id="development", name="Pengembang (development)", role=Role.ADMIN)
