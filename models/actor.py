"""Who did something, as recorded on events and documents.

The name is copied at the time of the act: officials change, the record keeps who they were.
"""

from pydantic import BaseModel


class ActorRef(BaseModel):
    id: str
    name: str
