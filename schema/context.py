"""The request context as the schema sees it."""

import strawberry

from resolvers.context import Context

Info = strawberry.Info[Context, None]
