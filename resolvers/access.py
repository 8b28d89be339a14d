"""Row-level access rules, applied in one place before any query reaches the database."""

from typing import Any

from models import Agreement
from models.enums import Role
from models.errors import DomainError, ErrorCode
from resolvers.viewer import Viewer

INTERNAL_READERS = frozenset({Role.ADMIN, Role.REVIEWER, Role.EXECUTIVE, Role.OFFICER})


def agreement_scope(viewer: Viewer) -> dict[str, Any]:
    """The filter every agreement query of this viewer is combined with."""
    if viewer.role in INTERNAL_READERS:
        return {}
    if viewer.role == Role.PARTNER and viewer.partner_id is not None:
        return {"partner_ids": viewer.partner_id}
    return {"_id": None}


def can_read_agreement(viewer: Viewer, agreement: Agreement) -> bool:
    if viewer.role in INTERNAL_READERS:
        return True
    return viewer.role == Role.PARTNER and viewer.partner_id in agreement.partner_ids


def require_agreement_writer(viewer: Viewer, agreement: Agreement | None = None) -> None:
    """ADMIN writes everything; an OFFICER only what its unit leads."""
    if viewer.role == Role.ADMIN:
        return
    if (
        viewer.role == Role.OFFICER
        and agreement is not None
        and viewer.org_unit_id in agreement.lead_org_unit_ids
    ):
        return
    raise DomainError(ErrorCode.FORBIDDEN, "you may not change this agreement")


def require_admin(viewer: Viewer) -> None:
    if viewer.role != Role.ADMIN:
        raise DomainError(ErrorCode.FORBIDDEN, "only the cooperation unit (ADMIN) may do this")
