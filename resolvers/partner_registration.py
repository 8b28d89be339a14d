"""Online partner registration: an outside organisation signs itself up with its first user,
and the cooperation unit verifies the registration, merges it into the partner already on
record, or rejects it."""

import asyncio
from typing import Any

from beanie import PydanticObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from i18n import N_, later
from models import Agreement, Partner, Proposal, User
from models.audit import note_changes
from models.base import stale
from models.chronology import event
from models.clock import utcnow
from models.credentials import check_password_rules, hash_password
from models.enums import ChronologyKind, PartnerStatus, Role
from models.errors import DomainError, DomainErrors, ErrorCode
from models.proposal import OPEN_STATUSES
from models.transactions import in_transaction
from resolvers import auth, scoped
from resolvers.access import require_admin
from resolvers.context import Context
from resolvers.notifications import Message, notify_safely, subject, users_with_role
from resolvers.passwords import password_hints


class RegistrationLimited(auth.RateLimited):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.msgid = N_("too many registrations from this address; try again in %(seconds)s s")


async def register_partner(
    ctx: Context, partner_fields: dict[str, Any], contact: dict[str, Any], password: str
) -> tuple[Partner, User]:
    """Anyone may register; the partner waits UNVERIFIED and its user can sign in at once."""
    if ctx.client_address:
        try:
            await auth.count_attempt(
                f"registration:{ctx.client_address}",
                ctx.settings.registration_free_per_address,
                ctx.settings,
            )
        except auth.RateLimited as limited:
            raise RegistrationLimited(limited.retry_after) from None
    partner_id = PydanticObjectId()
    email = str(contact.get("email") or "").strip()
    problems: list[DomainError] = []
    if not email:
        problems.append(DomainError(ErrorCode.REQUIRED, "an email is needed to sign in", "email"))
    try:
        partner = Partner.build(
            **partner_fields,
            id=partner_id,
            contacts=[{**contact, "email": email or None}],
            registration_status=PartnerStatus.UNVERIFIED,
        )
    except DomainError as error:
        problems.append(error)
    except DomainErrors as error:
        problems.extend(error.errors)
    try:
        user = User.build(
            email=email,
            display_name=contact.get("name", ""),
            role=Role.PARTNER,
            partner_id=partner_id,
            password_hash="-",  # hashed once everything else is known to be in order
        )
    except DomainErrors as error:
        # The contact's name and email were checked with the partner already.
        problems.extend(e for e in error.errors if e.field not in {"display_name", "email"})
    if problems:
        raise DomainErrors([_as_input(e) for e in problems])
    hints = await password_hints(email, str(contact.get("name", "")), partner.name)
    check_password_rules(password, ctx.settings.password_min_length, hints)
    user.password_hash = await asyncio.to_thread(hash_password, password)

    async def create(session: AsyncClientSession) -> tuple[Partner, User]:
        return (
            await partner.create_checked(session=session),
            await user.create_checked(session=session),
        )

    partner, user = await in_transaction(ctx.database.client, create)
    await notify_safely(
        await users_with_role(Role.ADMIN),
        Message(
            kind="PARTNER_REGISTERED",
            title=later("New partner registration: %(partner)s", partner=partner.name),
            body=later(
                "%(partner)s (%(kind)s) registered online through %(name)s <%(email)s>. Check "
                "who they are, then verify the registration, merge it with an existing partner, "
                "or reject it.",
                partner=partner.name,
                kind=partner.kind,
                name=user.display_name,
                email=user.email,
            ),
            subject_id=subject("Partner", partner.id),
        ),
        email=True,
    )
    return partner, user


def _as_input(error: DomainError) -> DomainError:
    """Name the input field the client sent (the contact is stored as the partner's first)."""
    field = error.field or ""
    if field.startswith("contacts.0."):
        field = field.removeprefix("contacts.0.")
        field = {"name": "contact_name", "position": "contact_position"}.get(field, field)
    return DomainError(error.code, error.msgid, field or None, **error.params)


async def _registration(
    ctx: Context, partner_id: PydanticObjectId, field: str = "partnerId"
) -> Partner:
    partner = await scoped.get(ctx.viewer, Partner, partner_id)
    if partner is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such partner", field)
    return partner


async def _partner_users(partner_id: PydanticObjectId) -> list[PydanticObjectId]:
    found = await User.find({"partner_id": partner_id}).to_list()
    return [u.id for u in found if u.id is not None]


async def verify_registration(
    ctx: Context, partner_id: PydanticObjectId, revision: int | None
) -> Partner:
    require_admin(ctx.viewer)
    partner = await _registration(ctx, partner_id)
    verified = await partner.decide(PartnerStatus.VERIFIED, expected_revision=revision)
    await notify_safely(
        await _partner_users(partner_id),
        Message(
            kind="PARTNER_VERIFIED",
            title=later("Partner registration verified"),
            body=later(
                "The cooperation unit of the City of Bogor has verified %(partner)s.",
                partner=partner.name,
            ),
            subject_id=subject("Partner", partner_id),
        ),
        email=True,
    )
    return verified


async def reject_registration(
    ctx: Context, partner_id: PydanticObjectId, reason: str, revision: int | None
) -> Partner:
    """Refuse a registration (e.g. not a real organisation): its users can no longer sign
    in and its open proposals are rejected with the same reason."""
    require_admin(ctx.viewer)
    partner = await _registration(ctx, partner_id)
    partner.check_undecided()
    user_ids = await _partner_users(partner_id)
    proposals = await Proposal.find(
        {"proposer_partner_id": partner_id, "status": {"$in": list(OPEN_STATUSES)}}
    ).to_list()

    async def reject(session: AsyncClientSession) -> Partner:
        rejected = await partner.decide(
            PartnerStatus.REJECTED, reason, expected_revision=revision, session=session
        )
        await User.get_pymongo_collection().update_many(
            {"_id": {"$in": user_ids}, "active": True},
            {"$set": {"active": False, "updated_at": utcnow()}, "$inc": {"revision": 1}},
            session=session,
        )
        for proposal in proposals:
            await proposal.reject(
                ctx.viewer.actor,
                f"Pendaftaran mitra ditolak: {rejected.rejection_reason}",
                session=session,
            )
        return rejected

    rejected = await in_transaction(ctx.database.client, reject)
    for user_id in user_ids:
        note_changes(f"User:{user_id}", {"active": True}, {"active": False})
    await auth.revoke_sessions({"user_id": {"$in": user_ids}}, "partner registration rejected")
    await notify_safely(
        user_ids,
        Message(
            kind="PARTNER_REJECTED",
            title=later("Partner registration rejected"),
            body=later(
                "The registration of %(partner)s was rejected: %(reason)s",
                partner=partner.name,
                reason=rejected.rejection_reason,
            ),
        ),
        email=True,
    )
    return rejected


async def merge_registration(
    ctx: Context,
    partner_id: PydanticObjectId,
    into_id: PydanticObjectId,
    revision: int | None,
) -> Partner:
    """The organisation is already on record: its users, proposals and any agreement move to
    the partner kept, which takes the registration's new contacts; the duplicate is removed."""
    require_admin(ctx.viewer)
    duplicate = await _registration(ctx, partner_id)
    kept = await _registration(ctx, into_id, "intoPartnerId")
    duplicate.check_undecided()
    if kept.id == duplicate.id:
        raise DomainError(
            ErrorCode.INVALID, "a registration cannot merge into itself", "intoPartnerId"
        )
    if kept.registration_status != PartnerStatus.VERIFIED:
        raise DomainError(
            ErrorCode.PARTNER_NOT_VERIFIED, "merge into a verified partner", "intoPartnerId"
        )
    if revision is not None and revision != duplicate.revision:
        raise stale("Partner")
    _, absorbed = kept.revised(kept.absorbed(duplicate))
    user_ids = await _partner_users(partner_id)
    moved = await Proposal.find(
        {"$or": [{"proposer_partner_id": partner_id}, {"partner_ids": partner_id}]}
    ).to_list()
    agreements = await Agreement.find({"partner_ids": partner_id}).to_list()
    now = utcnow()

    async def merge(session: AsyncClientSession) -> Partner:
        merged_into = kept
        if absorbed:
            merged_into = await kept.compare_and_set({"$set": absorbed}, session=session)
        await User.get_pymongo_collection().update_many(
            {"_id": {"$in": user_ids}},
            {"$set": {"partner_id": into_id, "updated_at": now}, "$inc": {"revision": 1}},
            session=session,
        )
        for proposal in moved:
            await proposal.move_partner(partner_id, into_id, session=session)
        for agreement in agreements:
            partners = list(
                dict.fromkeys(into_id if p == partner_id else p for p in agreement.partner_ids)
            )
            merged = event(
                ChronologyKind.UPDATED,
                "Data mitra digabungkan",
                ctx.viewer.actor,
                description=(
                    f"{duplicate.name} (pendaftaran daring) digabungkan ke {merged_into.name}."
                ),
            )
            await agreement.commit({"partner_ids": partners}, [merged], session=session)
        removed = await Partner.get_pymongo_collection().delete_one(
            {"_id": partner_id, "revision": duplicate.revision}, session=session
        )
        if removed.deleted_count != 1:
            raise stale("Partner")
        return merged_into

    kept = await in_transaction(ctx.database.client, merge)
    note_changes(duplicate.audit_name, {"name": duplicate.name}, {"merged_into": str(into_id)})
    for user_id in user_ids:
        note_changes(
            f"User:{user_id}", {"partner_id": str(partner_id)}, {"partner_id": str(into_id)}
        )
    await notify_safely(
        user_ids,
        Message(
            kind="PARTNER_MERGED",
            title=later("Partner registration verified"),
            body=later(
                "%(duplicate)s is already recorded as a partner of the City of Bogor under the "
                "name %(kept)s; your account and proposals are now linked to that record.",
                duplicate=duplicate.name,
                kept=kept.name,
            ),
            subject_id=subject("Partner", into_id),
        ),
        email=True,
    )
    return kept
