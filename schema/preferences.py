"""A person's own preferences (`setPreferredLanguage`)."""

import strawberry

from resolvers import preferences
from schema.audit import audited_mutation
from schema.context import Info
from schema.enums import LanguageEnum
from schema.identity import UserPayload, UserType


@strawberry.input
class SetPreferredLanguageInput:
    language: LanguageEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="null: follow the client's Accept-Language."
    )


@strawberry.type
class PreferenceMutations:
    @audited_mutation(
        description="The language the signed-in person reads the API, mails and "
        "notifications in; it overrides Accept-Language."
    )
    async def set_preferred_language(
        self, info: Info, input: SetPreferredLanguageInput
    ) -> UserPayload:
        user = await preferences.set_preferred_language(info.context, input.language)
        return UserPayload(user=UserType.from_model(user), errors=[])
