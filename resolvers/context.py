"""What one request carries through the resolvers: the viewer, the database, the loaders."""

from dataclasses import dataclass, field
from datetime import date

from database import Database
from models.clock import utcnow
from resolvers.loaders import Loaders
from resolvers.ocr_availability import Availability
from resolvers.viewer import Viewer
from settings import Settings, city_zone

# Dates in the archive are the city's calendar dates (TIME_ZONE, WIB by default).
CITY_TIMEZONE = city_zone()


@dataclass
class Context:
    database: Database
    settings: Settings
    viewer: Viewer
    request_id: str
    signing_key: str
    client_address: str | None = None
    ocr: Availability = field(default_factory=lambda: Availability(False, "OCR is not set up"))
    # A websocket's connection_init payload (it carries the credentials of subscriptions).
    connection_params: dict[str, object] | None = None
    _loaders: Loaders | None = field(default=None, init=False, repr=False)

    @property
    def loaders(self) -> Loaders:
        """This viewer's loaders: signing in during the request starts new ones, so nothing
        read under one viewer is handed to another."""
        if self._loaders is None or self._loaders.viewer != self.viewer:
            self._loaders = Loaders(self.viewer)
        return self._loaders

    def release(self) -> None:
        """Let go of what the request read, once its answer is sent. GraphQL execution keeps
        the context in a reference cycle, so records reachable only from there would wait
        for a garbage collection, which then frees many requests' records in one pause of
        the event loop."""
        self._loaders = None

    def today(self) -> date:
        """The city's calendar day now: day boundaries ("expires within N days", "overdue")
        fall at its midnight, not UTC's."""
        return utcnow().astimezone(CITY_TIMEZONE).date()
