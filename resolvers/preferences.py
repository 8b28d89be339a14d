"""What a signed-in person chooses for themselves: the language they read the system in."""

from models import User
from models.enums import Language
from resolvers.access import require_writer
from resolvers.context import Context
from resolvers.users import require_user


async def set_preferred_language(ctx: Context, language: Language | None) -> User:
    """None returns to following the client's Accept-Language. Mails and notifications to the
    person are written in this language too."""
    require_writer(ctx.viewer)
    user = await require_user(ctx, ctx.viewer.user_id)
    return await user.update_fields({"preferred_language": language})
