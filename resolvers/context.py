"""What one request carries through the resolvers: the viewer, the database, the loaders."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from database import Database
from resolvers.loaders import Loaders
from resolvers.viewer import Viewer
from settings import Settings

# Dates in the archive are Bogor's calendar dates (WIB).
CITY_TIMEZONE = ZoneInfo("Asia/Jakarta")


@dataclass
class Context:
    database: Database
    settings: Settings
    viewer: Viewer
    request_id: str
    signing_key: str
    client_address: str | None = None
    # A websocket's connection_init payload (it carries the credentials of subscriptions).
    connection_params: dict[str, object] | None = None
    loaders: Loaders = field(default_factory=Loaders)

    def today(self) -> date:
        return datetime.now(CITY_TIMEZONE).date()
