"""Who did something, as the API shows it."""

import strawberry

from models.actor import ActorRef


@strawberry.type(description="Who did something, as they were named when they did it.")
class Actor:
    id: str
    name: str

    @classmethod
    def from_model(cls, actor: ActorRef) -> "Actor":
        return cls(id=actor.id, name=actor.name)
