"""Signing in and proving it: sessions with rotating refresh tokens, JWT access tokens, API
tokens for machine clients, and throttling of failed sign-ins."""

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from beanie import PydanticObjectId
from bson.errors import InvalidId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from i18n import N_
from models import ApiToken, LoginThrottle, ServerSecret, Session, User
from models.clock import utcnow
from models.credentials import (
    digest,
    hash_password,
    needs_rehash,
    new_secret,
    same_digest,
    verify_password,
)
from models.enums import Role
from models.errors import DomainError, ErrorCode
from resolvers.access import require_admin, require_signed_in, require_writer
from resolvers.context import Context
from resolvers.viewer import ANONYMOUS, Viewer, refused
from settings import Settings

ALGORITHM = "HS256"
API_TOKEN_PREFIX = "skt"
# How often an API token's last-used time is written (not on every request).
LAST_USED_PRECISION = timedelta(minutes=1)


class RateLimited(DomainError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            ErrorCode.RATE_LIMITED,
            N_("too many failed sign-ins; try again in %(seconds)s s"),
            seconds=retry_after,
        )
        self.retry_after = retry_after


@dataclass
class SignedIn:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


async def signing_key(settings: Settings) -> str:
    """JWT_SECRET, or the key every API process shares through the database (made once)."""
    if settings.jwt_secret:
        return settings.jwt_secret
    # If another process made it first, the insert fails and theirs is used.
    with contextlib.suppress(DuplicateKeyError):
        await ServerSecret(id="jwt", value=new_secret()).insert()
    stored = await ServerSecret.get("jwt")
    assert stored is not None
    return stored.value


# --- reading credentials ---------------------------------------------------------------------


async def authenticate(authorization: str | None, settings: Settings, key: str) -> Viewer:
    """The viewer an `Authorization` header proves, or anonymous with the reason it failed."""
    if not authorization:
        return ANONYMOUS
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return refused(N_("send credentials as `Authorization: Bearer <token>`"))
    credential = credential.strip()
    if credential.startswith(f"{API_TOKEN_PREFIX}_"):
        return await _api_token_viewer(credential)
    return await _access_token_viewer(credential, key)


async def _access_token_viewer(token: str, key: str) -> Viewer:
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
        user_id = PydanticObjectId(claims["sub"])
        session_id = PydanticObjectId(claims["sid"])
    except jwt.ExpiredSignatureError:
        return refused(N_("the access token has expired; refresh it"))
    except (jwt.InvalidTokenError, InvalidId, KeyError, TypeError):
        return refused(N_("the access token is not valid"))
    user, session = await asyncio.gather(User.get(user_id), Session.get(session_id))
    if session is None or session.revoked_at is not None or session.user_id != user_id:
        return refused(N_("this session has been signed out"))
    return _viewer_of(user, session_id=session_id)


async def _api_token_viewer(credential: str) -> Viewer:
    _, _, rest = credential.partition("_")
    token_id, _, secret = rest.partition("_")
    try:
        token = await ApiToken.get(PydanticObjectId(token_id))
    except InvalidId:
        token = None
    if token is None or not same_digest(secret, token.token_hash):
        return refused(N_("the API token is not valid"))
    if token.revoked_at is not None:
        return refused(N_("this API token has been revoked"))
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        await ApiToken.get_pymongo_collection().update_one(
            {"_id": token.id}, {"$set": {"last_used_at": now}}
        )
    return _viewer_of(
        await User.get(token.user_id), api_token_id=token.id, can_write=token.can_write
    )


def _viewer_of(user: User | None, **extra: Any) -> Viewer:
    if user is None or not user.active:
        return refused(N_("this account is deactivated"))
    return Viewer(
        id=str(user.id),
        name=user.display_name,
        role=user.role,
        org_unit_id=user.org_unit_id,
        partner_id=user.partner_id,
        language=user.preferred_language.value if user.preferred_language else None,
        **extra,
    )


# --- signing in and out ----------------------------------------------------------------------


def _throttle_keys(email: str, address: str | None, settings: Settings) -> list[tuple[str, int]]:
    # An account is throttled per address it is tried from: failures from an attacker's
    # address do not lock the owner out from the office.
    account = f"account:{email.strip().lower()}|{address or '-'}"
    keys = [(account, settings.login_free_attempts)]
    if address:
        keys.append((f"address:{address}", settings.login_free_attempts_per_address))
    return keys


async def _check_throttle(keys: list[tuple[str, int]]) -> None:
    now = utcnow()
    for key, _ in keys:
        entry = await LoginThrottle.get(key)
        if entry and entry.blocked_until and entry.blocked_until > now:
            raise RateLimited(max(1, int((entry.blocked_until - now).total_seconds() + 0.999)))


async def _record_failure(keys: list[tuple[str, int]], settings: Settings) -> None:
    now = utcnow()
    throttle = LoginThrottle.get_pymongo_collection()
    quiet = now - timedelta(minutes=settings.login_failure_window_minutes)
    for key, free in keys:
        # Failures long past are forgiven: an office's shared address is not blocked for good.
        await throttle.update_one(
            {"_id": key, "last_failure_at": {"$lt": quiet}},
            {"$set": {"failures": 0, "blocked_until": None}},
        )
        raw = await throttle.find_one_and_update(
            {"_id": key},
            {"$inc": {"failures": 1}, "$set": {"last_failure_at": now}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        beyond = int(raw["failures"]) - free if raw else 0
        if beyond >= 0:
            delay = min(
                settings.login_base_delay_seconds * 2**beyond, settings.login_max_delay_seconds
            )
            await throttle.update_one(
                {"_id": key}, {"$set": {"blocked_until": now + timedelta(seconds=delay)}}
            )


async def count_attempt(key: str, free: int, settings: Settings) -> None:
    """Throttle another act like failed sign-ins (e.g. anonymous registrations per address):
    refuse while `key` is blocked, otherwise count this attempt against it."""
    keys = [(key, free)]
    await _check_throttle(keys)
    await _record_failure(keys, settings)


async def login(ctx: Context, email: str, password: str) -> SignedIn:
    """The same answer for an unknown email and a wrong password, in the same time."""
    keys = _throttle_keys(email, ctx.client_address, ctx.settings)
    await _check_throttle(keys)
    user = await User.find_one({"email": email.strip().lower()})
    valid = await asyncio.to_thread(verify_password, user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        await _record_failure(keys, ctx.settings)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "the email or the password is wrong")
    await LoginThrottle.get_pymongo_collection().delete_one({"_id": keys[0][0]})
    if needs_rehash(user.password_hash):
        await User.get_pymongo_collection().update_one(
            {"_id": user.id},
            {"$set": {"password_hash": await asyncio.to_thread(hash_password, password)}},
        )
    secret = new_secret()
    session = Session(
        user_id=user.id,  # type: ignore[arg-type]
        current_hash=digest(secret),
        expires_at=utcnow() + timedelta(days=ctx.settings.refresh_token_days),
    )
    await session.insert()
    return _signed_in(ctx, user, session, secret)


def _signed_in(ctx: Context, user: User, session: Session, secret: str) -> SignedIn:
    # From here on the request acts for the person who signed in (the audit entry names them).
    ctx.viewer = _viewer_of(user, session_id=session.id)
    now = utcnow()
    lifetime = timedelta(minutes=ctx.settings.access_token_minutes)
    claims = {"sub": str(user.id), "sid": str(session.id), "iat": now, "exp": now + lifetime}
    return SignedIn(
        access_token=jwt.encode(claims, ctx.signing_key, algorithm=ALGORITHM),
        refresh_token=f"{session.id}.{secret}",
        expires_in=int(lifetime.total_seconds()),
        user=user,
    )


def _parse_refresh(token: str) -> tuple[PydanticObjectId, str]:
    session_id, _, secret = token.partition(".")
    try:
        return PydanticObjectId(session_id), secret
    except InvalidId:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "the refresh token is not valid") from None


async def refresh(ctx: Context, token: str) -> SignedIn:
    """Trade a refresh token for a new pair. A token used twice means a copy is loose: the
    whole session is revoked, and both holders must sign in again."""
    session_id, secret = _parse_refresh(token)
    session = await Session.get(session_id)
    if session is None or session.revoked_at is not None or session.expires_at < utcnow():
        raise DomainError(ErrorCode.UNAUTHENTICATED, "the session has ended; sign in again")
    new = new_secret()
    rotated = await Session.get_pymongo_collection().update_one(
        {"_id": session_id, "current_hash": digest(secret), "revoked_at": None},
        {"$set": {"current_hash": digest(new), "refreshed_at": utcnow()}},
    )
    if rotated.modified_count != 1:
        await revoke_sessions({"_id": session_id}, "refresh token reused")
        raise DomainError(
            ErrorCode.UNAUTHENTICATED,
            "this refresh token was already used; the session is revoked, sign in again",
        )
    user = await User.get(session.user_id)
    if user is None or not user.active:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "this account is deactivated")
    return _signed_in(ctx, user, session, new)


async def logout(ctx: Context, token: str | None) -> None:
    """End the session of the given refresh token, or else the viewer's current session."""
    if token:
        session_id, secret = _parse_refresh(token)
        session = await Session.get(session_id)
        if session is None or not same_digest(secret, session.current_hash):
            raise DomainError(ErrorCode.UNAUTHENTICATED, "the refresh token is not valid")
        await revoke_sessions({"_id": session_id}, "signed out")
        return
    require_signed_in(ctx.viewer)
    if ctx.viewer.session_id is None:
        raise DomainError(ErrorCode.INVALID, "an API token has no session; revoke the token")
    await revoke_sessions({"_id": ctx.viewer.session_id}, "signed out")


async def revoke_sessions(query: dict[str, Any], reason: str) -> None:
    await Session.get_pymongo_collection().update_many(
        {**query, "revoked_at": None}, {"$set": {"revoked_at": utcnow(), "revoked_reason": reason}}
    )


# --- API tokens ------------------------------------------------------------------------------


async def revoke_api_tokens(query: dict[str, Any]) -> None:
    await ApiToken.get_pymongo_collection().update_many(
        {**query, "revoked_at": None}, {"$set": {"revoked_at": utcnow()}}
    )


async def create_api_token(ctx: Context, name: str) -> tuple[str, ApiToken]:
    """A token for the viewer, shown once. Machine tokens cannot mint more tokens."""
    user_id = ctx.viewer.user_id
    if ctx.viewer.api_token_id is not None:
        raise DomainError(ErrorCode.FORBIDDEN, "sign in as a person to create API tokens")
    secret = new_secret()
    token = ApiToken.build(user_id=user_id, name=name, token_hash=digest(secret), prefix=secret[:6])
    await token.create_checked()
    return f"{API_TOKEN_PREFIX}_{token.id}_{secret}", token


async def _own_or_admin_token(ctx: Context, token_id: PydanticObjectId) -> ApiToken:
    require_signed_in(ctx.viewer)
    token = await ApiToken.get(token_id)
    if token is None or (token.user_id != ctx.viewer.user_id and ctx.viewer.role != Role.ADMIN):
        raise DomainError(ErrorCode.NOT_FOUND, "no such API token", "id")
    return token


async def revoke_api_token(ctx: Context, token_id: PydanticObjectId) -> ApiToken:
    # A read-only token may revoke itself (a leaked token is stopped at once), nothing else.
    if ctx.viewer.api_token_id != token_id:
        require_writer(ctx.viewer)
    token = await _own_or_admin_token(ctx, token_id)
    if token.revoked_at is not None:
        return token
    return await token.update_fields({"revoked_at": utcnow()})


async def set_api_token_write(
    ctx: Context, token_id: PydanticObjectId, can_write: bool
) -> ApiToken:
    require_admin(ctx.viewer)
    token = await _own_or_admin_token(ctx, token_id)
    return await token.update_fields({"can_write": can_write})


async def api_tokens_of(ctx: Context, user_id: PydanticObjectId) -> list[ApiToken]:
    return await ApiToken.find({"user_id": user_id}).sort("-created_at").to_list()
