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
    loaders: Loaders = field(default_factory=Loaders)

    def today(self) -> date:
        """The city's calendar day now: day boundaries ("expires within N days", "overdue")
        fall at its midnight, not UTC's."""
        return utcnow().astimezone(CITY_TIMEZONE).date()
