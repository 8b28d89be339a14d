"""Managing accounts: the cooperation unit creates users, changes roles, deactivates and
resets; everyone changes their own password."""

import asyncio
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId

from models import OrgUnit, Partner, User
from models.credentials import check_password_rules, hash_password, verify_password
from models.enums import Role
from models.errors import DomainError, ErrorCode
from resolvers import scoped
from resolvers.access import require_admin, require_admin_reader, require_writer
from resolvers.auth import revoke_api_tokens, revoke_sessions
from resolvers.context import Context
from resolvers.pagination import Page, PageRequest, SortKey, combine, paginate
from resolvers.passwords import password_hints

# What an account edit may change; the password has its own acts.
EDITABLE_FIELDS = frozenset({"display_name", "role", "org_unit_id", "partner_id", "active"})


@dataclass
class UserFilter:
    role: list[Role] | None = None
    active: bool | None = None
    org_unit_id: PydanticObjectId | None = None
    partner_id: PydanticObjectId | None = None


async def _hints(fields: dict[str, Any]) -> list[str]:
    """The user's email and name, the name of its department or partner, the city's words."""
    organisation = None
    if fields.get("org_unit_id") is not None:
        organisation = await OrgUnit.get(fields["org_unit_id"])
    elif fields.get("partner_id") is not None:
        organisation = await Partner.get(fields["partner_id"])
    return await password_hints(
        str(fields.get("email", "")),
        str(fields.get("display_name", "")),
        organisation.name if organisation is not None else "",
    )


async def _check_links(fields: dict[str, Any]) -> None:
    if fields.get("org_unit_id") is not None and await OrgUnit.get(fields["org_unit_id"]) is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such department", "orgUnitId")
    if fields.get("partner_id") is not None and await Partner.get(fields["partner_id"]) is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such partner", "partnerId")


async def create_user(ctx: Context, fields: dict[str, Any], password: str) -> User:
    require_admin(ctx.viewer)
    return await register_user(ctx, fields, password)


async def register_user(ctx: Context, fields: dict[str, Any], password: str) -> User:
    """Create an account (the caller has checked who may); also used by the CLI."""
    check_password_rules(password, ctx.settings.password_min_length, await _hints(fields))
    user = User.build(**fields, password_hash=await asyncio.to_thread(hash_password, password))
    await _check_links(fields)
    return await user.create_checked()


async def require_user(ctx: Context, user_id: PydanticObjectId) -> User:
    user = await scoped.get(ctx.viewer, User, user_id)
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such user", "id")
    return user


async def update_user(
    ctx: Context, user_id: PydanticObjectId, changes: dict[str, Any], revision: int | None
) -> User:
    require_admin(ctx.viewer)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(ErrorCode.INVALID, "cannot edit %(fields)s", fields=sorted(unknown))
    user = await require_user(ctx, user_id)
    if user_id == ctx.viewer.user_id and (
        changes.get("active") is False or changes.get("role", Role.ADMIN) != Role.ADMIN
    ):
        raise DomainError(
            ErrorCode.INVALID, "you cannot deactivate or demote yourself; ask another ADMIN"
        )
    await _check_links(changes)
    updated = await user.update_fields(changes, expected_revision=revision)
    if not updated.active or updated.role != user.role:
        # Access changes take effect at once, not when the access token expires.
        await revoke_sessions({"user_id": user_id}, "account changed by an administrator")
    return updated


async def reset_password(ctx: Context, user_id: PydanticObjectId, password: str) -> User:
    require_admin(ctx.viewer)
    return await _set_password(ctx, await require_user(ctx, user_id), password)


async def change_password(ctx: Context, current: str, password: str) -> User:
    require_writer(ctx.viewer)
    if ctx.viewer.api_token_id is not None:
        raise DomainError(ErrorCode.FORBIDDEN, "sign in as a person to change the password")
    user = await require_user(ctx, ctx.viewer.user_id)
    if not await asyncio.to_thread(verify_password, user.password_hash, current):
        raise DomainError(
            ErrorCode.INVALID_CREDENTIALS, "the current password is wrong", "currentPassword"
        )
    # Every other session of the user ends; the one changing it goes on.
    return await _set_password(ctx, user, password, keep=ctx.viewer.session_id)


async def _set_password(
    ctx: Context, user: User, password: str, keep: PydanticObjectId | None = None
) -> User:
    hints = await _hints(user.model_dump())
    check_password_rules(password, ctx.settings.password_min_length, hints)
    updated = await user.update_fields(
        {"password_hash": await asyncio.to_thread(hash_password, password)}
    )
    await revoke_sessions({"user_id": user.id, "_id": {"$ne": keep}}, "password changed")
    # A token made under the old password is as suspect as a session.
    await revoke_api_tokens({"user_id": user.id})
    return updated


async def list_users(ctx: Context, flt: UserFilter | None, request: PageRequest) -> Page[User]:
    require_admin_reader(ctx.viewer)
    query: dict[str, Any] = {}
    if flt is not None:
        if flt.role:
            query["role"] = {"$in": [r.value for r in flt.role]}
        if flt.active is not None:
            query["active"] = flt.active
        if flt.org_unit_id is not None:
            query["org_unit_id"] = flt.org_unit_id
        if flt.partner_id is not None:
            query["partner_id"] = flt.partner_id
    return await paginate(
        User,
        combine(await scoped.readable(ctx.viewer, User), query),
        SortKey("email"),
        request,
        default_size=ctx.settings.default_page_size,
        max_size=ctx.settings.max_page_size,
    )


async def get_user(ctx: Context, user_id: PydanticObjectId) -> User | None:
    return await scoped.get(ctx.viewer, User, user_id)
