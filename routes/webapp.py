"""The reference web app (built from web/ into web/dist) and GraphiQL, both served without
any CDN: GraphiQL's scripts are the npm packages the web build copies to /vendor/graphiql/.

Client-side routes (e.g. /arsip/123) get the app's index.html; files under /assets/ carry a
content hash in their names and are cached for good.
"""

import base64
import hashlib
import re
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# The app's pages: its own scripts and styles only; API calls and the websocket to itself.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

NOT_BUILT = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>SIKERMA</title></head>
<body><h1>SIKERMA</h1>
<p>Aplikasi web dan GraphiQL belum dibangun. / The web app and GraphiQL have not been
built.</p>
<p>Run <code>make web</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>),
then reload. The API is at <a href="/graphql">/graphql</a>.</p>
</body></html>"""

UNPKG = re.compile(r"https://unpkg\.com/((?:@[^/@]+/)?[^/@]+)@[^/]+/")
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


class SinglePageApp(StaticFiles):
    """Static files of the built app; any other GET path is a client route: index.html."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or scope["method"] not in {"GET", "HEAD"}:
                raise
            if path.startswith(("assets/", "vendor/")) or "." in path.rsplit("/", 1)[-1]:
                raise  # a missing file, not a page
            response = await super().get_response("index.html", scope)
        if path.startswith("assets/"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response


async def not_built(request: Request) -> Response:
    return HTMLResponse(NOT_BUILT, status_code=503, headers={"Cache-Control": "no-store"})


def is_built(dist: Path) -> bool:
    return (dist / "index.html").is_file()


def local_graphiql(template: str, dist: Path) -> tuple[str, str]:
    """Strawberry's GraphiQL page with its CDN URLs pointed at the local copies (the same
    files, so the pages' integrity hashes still hold), and the content policy allowing
    exactly its one inline script."""
    if not (dist / "vendor" / "graphiql").is_dir():
        return NOT_BUILT, APP_CSP
    html = UNPKG.sub(lambda m: f"/vendor/graphiql/{m.group(1)}/", template)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in INLINE_SCRIPT.findall(html)
    )
    csp = (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    return html, csp
