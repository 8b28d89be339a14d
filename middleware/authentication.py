"""Who an API request acts for: the one place that reads credentials. Each request is
authenticated once, here; the rate limit, the upload guard, the resolvers' context and the
request's log line all take the viewer it found."""

from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from middleware.base import HttpMiddleware
from resolvers import auth
from resolvers.viewer import ANONYMOUS, Viewer

# The API: what acts for a viewer. Health checks and the web app's own files (pages,
# scripts, GraphiQL's assets, which a browser fetches without credentials even for a
# signed-in user) do not.
API_PATHS = ("/graphql", "/files/", "/exports/", "/open-data/", "/briefings/", "/dossiers/")


class Authentication(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"].startswith(API_PATHS):
            state = scope["app"].state
            viewer = await auth.authenticate(
                Headers(scope=scope).get("authorization"), state.settings, state.signing_key
            )
            scope.setdefault("state", {})["viewer"] = viewer
        await self.app(scope, receive, send)


def viewer_of(scope: Scope) -> Viewer:
    """The viewer `Authentication` found: anonymous outside the API, and on a websocket,
    whose credentials come later, in its connection_init payload."""
    viewer: Viewer = scope.get("state", {}).get("viewer", ANONYMOUS)
    return viewer
