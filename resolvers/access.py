"""Who may read and change what (DOMAIN.md, "Actors"). Every rule is here, and every use case
calls these before it touches the database. A record the viewer may not read is reported as
not found, never as forbidden."""

from typing import Any

from models import Agreement
from models.enums import Role
from models.errors import DomainError, ErrorCode
from resolvers.viewer import Viewer

# Roles that read the whole internal archive.
ARCHIVE_READERS = frozenset({Role.ADMIN, Role.REVIEWER, Role.EXECUTIVE})
NOTHING = {"_id": None}


def require_signed_in(viewer: Viewer) -> Role:
    if viewer.role is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, viewer.auth_error or "sign in first")
    return viewer.role


def require_writer(viewer: Viewer) -> Role:
    role = require_signed_in(viewer)
    if not viewer.can_write:
        raise DomainError(ErrorCode.FORBIDDEN, "this API token is read-only")
    return role


def require_admin(viewer: Viewer) -> None:
    if require_writer(viewer) != Role.ADMIN:
        raise DomainError(ErrorCode.FORBIDDEN, "only the cooperation unit (ADMIN) may do this")


def require_admin_reader(viewer: Viewer) -> None:
    if require_signed_in(viewer) != Role.ADMIN:
        raise DomainError(ErrorCode.FORBIDDEN, "only the cooperation unit (ADMIN) may see this")


# --- agreements ----------------------------------------------------------------------------


def agreement_scope(viewer: Viewer) -> dict[str, Any]:
    """The filter every agreement query of this viewer is combined with."""
    role = require_signed_in(viewer)
    if role in ARCHIVE_READERS:
        return {}
    if role == Role.OFFICER:
        return {"lead_org_unit_ids": viewer.org_unit_id}
    if role == Role.PARTNER:
        return {"partner_ids": viewer.partner_id}
    return NOTHING


def can_read_agreement(viewer: Viewer, agreement: Agreement) -> bool:
    if viewer.role in ARCHIVE_READERS:
        return True
    if viewer.role == Role.OFFICER:
        return viewer.org_unit_id in agreement.lead_org_unit_ids
    if viewer.role == Role.PARTNER:
        return viewer.partner_id in agreement.partner_ids
    return False


def require_agreement_editor(viewer: Viewer) -> None:
    """Recording agreements and moving them through their life cycle is the cooperation
    unit's job."""
    require_admin(viewer)


def require_agreement_contributor(viewer: Viewer, agreement: Agreement) -> None:
    """Adding files and history: the cooperation unit, or an officer of a lead department."""
    role = require_writer(viewer)
    if role == Role.ADMIN:
        return
    if role == Role.OFFICER and viewer.org_unit_id in agreement.lead_org_unit_ids:
        return
    raise DomainError(ErrorCode.FORBIDDEN, "you may not change this agreement")


# --- partners and departments ----------------------------------------------------------------


def partner_scope(viewer: Viewer) -> dict[str, Any]:
    role = require_signed_in(viewer)
    if role == Role.PARTNER:
        return {"_id": viewer.partner_id}
    return {}


def can_read_partner(viewer: Viewer, partner_id: Any) -> bool:
    if viewer.role is None:
        return False
    return viewer.role != Role.PARTNER or viewer.partner_id == partner_id


def org_unit_scope(viewer: Viewer) -> dict[str, Any]:
    """The city's departments are no secret to anyone signed in."""
    require_signed_in(viewer)
    return {}
