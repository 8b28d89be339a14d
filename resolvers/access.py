"""Who may change what, and who reads which sensitive fields (docs/domain.md, "Actors"). Which
records a viewer reads is ruled in resolvers/scoped.py, through which every read goes. A record
the viewer may not read is reported as not found, never as forbidden."""

from typing import Any

from pydantic import BaseModel

from i18n import N_
from models import Agreement, Partner, Proposal
from models.enums import Role
from models.errors import DomainError, ErrorCode
from models.redaction import Audience, Clearance, redact
from resolvers.viewer import Viewer

# Roles that read the whole internal archive.
ARCHIVE_READERS = frozenset({Role.ADMIN, Role.REVIEWER, Role.EXECUTIVE})
NOTHING = {"_id": None}


def require_signed_in(viewer: Viewer) -> Role:
    if viewer.role is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, viewer.auth_error or N_("sign in first"))
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


# --- proposals (menu 2) ----------------------------------------------------------------------
# A proposal belongs to its proposer (a department's officers, or a partner's users) until it
# is submitted; from then on the cooperation unit and the TKKSD work it through their queue.

PROPOSAL_QUEUE_ROLES = frozenset({Role.ADMIN, Role.REVIEWER})
PROPOSER_ROLES = frozenset({Role.OFFICER, Role.PARTNER})
EVER_SUBMITTED = {"submitted_at": {"$ne": None}}


def own_proposal_scope(viewer: Viewer) -> dict[str, Any]:
    """The proposals the viewer made (for its department or its partner)."""
    role = require_signed_in(viewer)
    if role == Role.OFFICER:
        return {"proposer_org_unit_id": viewer.org_unit_id}
    if role == Role.PARTNER:
        return {"proposer_partner_id": viewer.partner_id}
    return NOTHING


def proposal_queue_scope(viewer: Viewer) -> dict[str, Any]:
    """The review queue: every proposal ever submitted (drafts stay the proposer's)."""
    if require_signed_in(viewer) not in PROPOSAL_QUEUE_ROLES:
        raise DomainError(
            ErrorCode.FORBIDDEN, "only the cooperation unit and the TKKSD see the proposal queue"
        )
    return EVER_SUBMITTED


def is_proposer(viewer: Viewer, proposal: Proposal) -> bool:
    if viewer.role == Role.OFFICER:
        return proposal.proposer_org_unit_id == viewer.org_unit_id
    if viewer.role == Role.PARTNER:
        return proposal.proposer_partner_id == viewer.partner_id
    return False


def require_proposer_role(viewer: Viewer) -> Role:
    """Proposing is for a department's officers and a partner's users."""
    role = require_writer(viewer)
    if role not in PROPOSER_ROLES:
        raise DomainError(
            ErrorCode.FORBIDDEN, "proposals are made by a department (OFFICER) or a partner"
        )
    return role


def require_proposal_proposer(viewer: Viewer, proposal: Proposal) -> None:
    """Editing, attaching, submitting and withdrawing: only the proposer."""
    require_proposer_role(viewer)
    if not is_proposer(viewer, proposal):
        raise DomainError(ErrorCode.FORBIDDEN, "only the proposer may do this")


def require_proposal_screener(viewer: Viewer) -> None:
    """Asking the proposer for a revision: the cooperation unit or the TKKSD."""
    if require_writer(viewer) not in PROPOSAL_QUEUE_ROLES:
        raise DomainError(
            ErrorCode.FORBIDDEN, "only the cooperation unit or the TKKSD may ask for a revision"
        )


def require_proposal_reviewer(viewer: Viewer) -> None:
    """Recording a review (notes and a recommendation) is the TKKSD's job."""
    if require_writer(viewer) != Role.REVIEWER:
        raise DomainError(ErrorCode.FORBIDDEN, "only a TKKSD reviewer may record a review")


def require_proposal_decider(viewer: Viewer) -> None:
    """Verifying, approving and rejecting a proposal: the cooperation unit."""
    require_admin(viewer)


# --- public information (menu 5) ------------------------------------------------------------


def published_scope(viewer: Viewer, include_unpublished: bool) -> dict[str, Any]:
    """Procedures, FAQ and templates: the public reads what is published; the cooperation unit
    also what it has withdrawn or not yet released."""
    if include_unpublished:
        require_admin_reader(viewer)
        return {}
    return {"published": True}


def require_content_editor(viewer: Viewer) -> None:
    """The public information is the cooperation unit's to write."""
    require_admin(viewer)


def require_history_reader(viewer: Viewer) -> None:
    """Earlier versions of public content (who changed what) are for the cooperation unit."""
    require_admin_reader(viewer)


def can_download_template(viewer: Viewer, published: bool, is_current: bool) -> bool:
    """Anyone may download the current file of a published template; earlier versions and
    withdrawn templates only the cooperation unit."""
    return (published and is_current) or viewer.role == Role.ADMIN


def sees_review_notes(viewer: Viewer) -> bool:
    """The TKKSD's notes and recommendations are internal to the city."""
    return viewer.role in PROPOSAL_QUEUE_ROLES


# --- sensitive fields (models/redaction.py) ---------------------------------------------------

CITY_STAFF = ARCHIVE_READERS | {Role.OFFICER}


def clearance(viewer: Viewer) -> Clearance:
    """Which sensitive fields (declared on the models) this viewer reads."""

    def cleared(audience: Audience, record: BaseModel) -> bool:
        if viewer.role in CITY_STAFF:
            return True
        if audience == Audience.CITY_OR_SELF and viewer.role == Role.PARTNER:
            return isinstance(record, Partner) and record.id == viewer.partner_id
        return False

    return cleared


def shown[M: BaseModel](viewer: Viewer, record: M) -> M:
    """`record` with the fields this viewer may not read cleared."""
    return redact(record, clearance(viewer))


# --- chronology and monitoring (menus 3 and 4) -----------------------------------------------
# Evaluations, alerts, dashboards and hand-over briefings are internal: the cooperation unit,
# the TKKSD, leadership, and a department's officers for what their department leads.
# Partners and the public never see them.

MONITORING_READERS = ARCHIVE_READERS | {Role.OFFICER}


def require_monitoring_reader(viewer: Viewer) -> Role:
    role = require_signed_in(viewer)
    if role not in MONITORING_READERS:
        raise DomainError(ErrorCode.FORBIDDEN, "monitoring and evaluation are internal")
    return role


def require_evaluator(viewer: Viewer, agreement: Agreement) -> None:
    """Evaluating an agreement: the cooperation unit, or an officer of a lead department."""
    require_agreement_contributor(viewer, agreement)


def require_evaluation_reviewer(viewer: Viewer) -> None:
    require_admin(viewer)


def require_chronology_corrector(viewer: Viewer, agreement: Agreement, manual: bool) -> None:
    """A lead department's officer may correct history entered by hand; the events the acts
    wrote themselves (signing, amending…) only the cooperation unit corrects."""
    require_agreement_contributor(viewer, agreement)
    if not manual and viewer.role != Role.ADMIN:
        raise DomainError(
            ErrorCode.FORBIDDEN, "only the cooperation unit (ADMIN) corrects this kind of event"
        )


def can_read_briefing(viewer: Viewer, org_unit_id: Any) -> bool:
    """A department's hand-over briefing: its own officers and the internal readers."""
    role = require_monitoring_reader(viewer)
    return role != Role.OFFICER or viewer.org_unit_id == org_unit_id
