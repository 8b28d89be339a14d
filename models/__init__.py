from models.agreement import Agreement
from models.audit import AuditEntry
from models.org_unit import OrgUnit
from models.partner import Partner
from models.sessions import ApiToken, LoginThrottle, ServerSecret, Session
from models.user import User

DOCUMENT_MODELS = [
    OrgUnit,
    Partner,
    Agreement,
    User,
    Session,
    ApiToken,
    LoginThrottle,
    ServerSecret,
    AuditEntry,
]

__all__ = [
    "DOCUMENT_MODELS",
    "Agreement",
    "ApiToken",
    "AuditEntry",
    "LoginThrottle",
    "OrgUnit",
    "Partner",
    "ServerSecret",
    "Session",
    "User",
]
