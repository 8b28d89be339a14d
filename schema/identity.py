"""Identity: users, sign-in, sessions and API tokens."""

from datetime import datetime

import strawberry
from beanie import PydanticObjectId
from strawberry import relay

from models import ApiToken, User
from models.base import parse_object_id
from models.enums import Role
from models.errors import DomainError, DomainErrors
from resolvers import auth, users
from resolvers.access import require_signed_in
from resolvers.pagination import PageRequest
from resolvers.users import UserFilter as UserQuery
from schema.audit import audited_mutation
from schema.context import Info
from schema.enums import LanguageEnum
from schema.errors import UserError, query, to_user_errors
from schema.inputs import provided, with_ids
from schema.org_units import OrgUnitType
from schema.partners import PartnerType
from schema.relay import Connection, RecordNode, decode_id

RoleEnum = strawberry.enum(Role, name="Role")
USER_LINKS = {"org_unit_id": ("OrgUnit", "org_unit_id"), "partner_id": ("Partner", "partner_id")}


@strawberry.type(name="ApiToken", description="A token for a machine client (shown once).")
class ApiTokenType:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The first characters of its secret part.")
    can_write: bool
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, token: ApiToken) -> "ApiTokenType":
        return cls(
            id=strawberry.ID(str(token.id)),
            name=token.name,
            prefix=token.prefix,
            can_write=token.can_write,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


@strawberry.type(name="User", description="An account.")
class UserType(RecordNode):
    id: relay.NodeID[str]
    email: str
    display_name: str
    role: RoleEnum  # type: ignore[valid-type]
    active: bool
    revision: int
    created_at: datetime
    preferred_language: LanguageEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The language chosen by the person; null: the client's Accept-Language."
    )
    model: strawberry.Private[User]

    record_type = User

    @classmethod
    def from_model(cls, user: User) -> "UserType":
        return cls(
            id=str(user.id),
            email=user.email,
            display_name=user.display_name,
            role=user.role,
            active=user.active,
            revision=user.revision,
            created_at=user.created_at,
            preferred_language=user.preferred_language,
            model=user,
        )

    @strawberry.field(description="The department of an OFFICER.")
    async def org_unit(self, info: Info) -> OrgUnitType | None:
        if self.model.org_unit_id is None:
            return None
        found = await info.context.loaders.org_unit.load(self.model.org_unit_id)
        return OrgUnitType.from_model(found) if found else None

    @strawberry.field(description="The partner a PARTNER user acts for.")
    async def partner(self, info: Info) -> PartnerType | None:
        if self.model.partner_id is None:
            return None
        found = await info.context.loaders.partner.load(self.model.partner_id)
        return PartnerType.from_model(found) if found else None

    @strawberry.field(description="The user's API tokens (for the user and ADMINs).")
    async def api_tokens(self, info: Info) -> list[ApiTokenType]:
        assert self.model.id is not None
        found = await auth.api_tokens_of(info.context, self.model.id)
        return [ApiTokenType.from_model(t) for t in found]


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str | None = strawberry.field(
        default=None, description="The session to end; default: the one making the request."
    )


@strawberry.type
class AuthPayload:
    access_token: str | None = strawberry.field(description="Send as `Authorization: Bearer …`.")
    refresh_token: str | None = strawberry.field(description="Single use; trade it for new ones.")
    expires_in: int | None = strawberry.field(description="Seconds the access token lives.")
    user: UserType | None
    retry_after_seconds: int | None = strawberry.field(
        description="When RATE_LIMITED: how long to wait."
    )
    errors: list[UserError]


@strawberry.type
class LogoutPayload:
    ok: bool = False
    errors: list[UserError]


@strawberry.input
class CreateApiTokenInput:
    name: str


@strawberry.input
class RevokeApiTokenInput:
    id: strawberry.ID


@strawberry.input
class SetApiTokenWriteInput:
    id: strawberry.ID
    can_write: bool


@strawberry.type
class CreateApiTokenPayload:
    token: str | None = strawberry.field(description="Shown only now; store it safely.")
    api_token: ApiTokenType | None
    errors: list[UserError]


@strawberry.type
class ApiTokenPayload:
    api_token: ApiTokenType | None
    errors: list[UserError]


@strawberry.input
class CreateUserInput:
    email: str
    display_name: str
    role: RoleEnum  # type: ignore[valid-type]
    password: str
    org_unit_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None


@strawberry.input
class UpdateUserInput:
    id: strawberry.ID
    revision: int | None = None
    display_name: str | None = strawberry.UNSET
    role: RoleEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    org_unit_id: strawberry.ID | None = strawberry.UNSET
    partner_id: strawberry.ID | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.input
class ResetPasswordInput:
    user_id: strawberry.ID
    new_password: str


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.type
class UserPayload:
    user: UserType | None
    errors: list[UserError]


@strawberry.input
class UserFilter:
    role: list[RoleEnum] | None = None  # type: ignore[valid-type]
    active: bool | None = None
    org_unit_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None


def _user_payload(user: User | None, errors: list[UserError]) -> UserPayload:
    return UserPayload(user=UserType.from_model(user) if user else None, errors=errors)


def _token_payload(token: ApiToken | None, errors: list[UserError]) -> ApiTokenPayload:
    return ApiTokenPayload(
        api_token=ApiTokenType.from_model(token) if token else None, errors=errors
    )


def _auth_payload(signed: auth.SignedIn | None, errors: list[UserError]) -> AuthPayload:
    return AuthPayload(
        access_token=signed.access_token if signed else None,
        refresh_token=signed.refresh_token if signed else None,
        expires_in=signed.expires_in if signed else None,
        user=UserType.from_model(signed.user) if signed else None,
        retry_after_seconds=None,
        errors=errors,
    )


@strawberry.type
class IdentityQueries:
    @strawberry.field(description="The signed-in user; null when anonymous.")
    async def viewer(self, info: Info) -> UserType | None:
        viewer = info.context.viewer
        if viewer.id is None:
            return None
        found = await users.get_user(info.context, PydanticObjectId(viewer.id))
        return UserType.from_model(found) if found else None

    @strawberry.field(description="Accounts, by email (ADMIN).")
    async def users(
        self,
        info: Info,
        filter: UserFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[UserType]:
        async def run() -> Connection[UserType]:
            flt = None
            if filter is not None:
                ids = with_ids(provided(filter, skip=frozenset({"role", "active"})), USER_LINKS)
                flt = UserQuery(role=filter.role, active=filter.active, **ids)
            page = await users.list_users(info.context, flt, PageRequest(first=first, after=after))
            return Connection[UserType].of(page, UserType.from_model)

        return await query(run())


@strawberry.type
class IdentityMutations:
    @audited_mutation(description="Sign in; returns an access token and a refresh token.")
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        try:
            return _auth_payload(await auth.login(info.context, input.email, input.password), [])
        except auth.RateLimited as limited:
            payload = _auth_payload(None, to_user_errors(limited))
            payload.retry_after_seconds = limited.retry_after
            return payload
        except (DomainError, DomainErrors) as error:
            return _auth_payload(None, to_user_errors(error))

    @audited_mutation(description="Trade a refresh token for a new access and refresh token.")
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload:
        return _auth_payload(await auth.refresh(info.context, input.refresh_token), [])

    @audited_mutation(description="End a session: its refresh token stops working at once.")
    async def logout(self, info: Info, input: LogoutInput | None = None) -> LogoutPayload:
        token = input.refresh_token if input else None
        await auth.logout(info.context, token)
        return LogoutPayload(ok=True, errors=[])

    @audited_mutation(
        description="A new API token for yourself (read-only until an ADMIN grants write)."
    )
    async def create_api_token(
        self, info: Info, input: CreateApiTokenInput
    ) -> CreateApiTokenPayload:
        secret, token = await auth.create_api_token(info.context, input.name)
        return CreateApiTokenPayload(
            token=secret, api_token=ApiTokenType.from_model(token), errors=[]
        )

    @audited_mutation(description="Revoke one of your API tokens (ADMIN: anyone's).")
    async def revoke_api_token(self, info: Info, input: RevokeApiTokenInput) -> ApiTokenPayload:
        token_id = _raw_id(input.id)
        result = await auth.revoke_api_token(info.context, token_id)
        return _token_payload(result, [])

    @audited_mutation(description="Grant or withdraw write access for an API token (ADMIN).")
    async def set_api_token_write(
        self, info: Info, input: SetApiTokenWriteInput
    ) -> ApiTokenPayload:
        token_id = _raw_id(input.id)
        result = await auth.set_api_token_write(info.context, token_id, input.can_write)
        return _token_payload(result, [])

    @audited_mutation(description="Create an account (ADMIN).")
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
        fields = with_ids(provided(input, skip=frozenset({"password"})), USER_LINKS)
        result = await users.create_user(info.context, fields, input.password)
        return _user_payload(result, [])

    @audited_mutation(
        description="Change an account's name, role, unit or partner, or (de)activate it (ADMIN)."
    )
    async def update_user(self, info: Info, input: UpdateUserInput) -> UserPayload:
        user_id = decode_id(input.id, "User", "id")
        changes = with_ids(provided(input, skip=frozenset({"id", "revision"})), USER_LINKS)
        result = await users.update_user(info.context, user_id, changes, input.revision)
        return _user_payload(result, [])

    @audited_mutation(description="Set a new password for an account; its sessions end (ADMIN).")
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> UserPayload:
        user_id = decode_id(input.user_id, "User", "userId")
        result = await users.reset_password(info.context, user_id, input.new_password)
        return _user_payload(result, [])

    @audited_mutation(description="Change your own password; your other sessions end.")
    async def change_password(self, info: Info, input: ChangePasswordInput) -> UserPayload:
        require_signed_in(info.context.viewer)
        result = await users.change_password(
            info.context, input.current_password, input.new_password
        )
        return _user_payload(result, [])


def _raw_id(value: strawberry.ID) -> PydanticObjectId:
    return parse_object_id(str(value))
