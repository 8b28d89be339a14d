from models.agreement import Agreement
from models.audit import AuditEntry
from models.notification import Notification
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
    Notification,
]

__all__ = [
    "DOCUMENT_MODELS",
    "Agreement",
    "ApiToken",
    "AuditEntry",
    "LoginThrottle",
    "Notification",
    "OrgUnit",
    "Partner",
    "ServerSecret",
    "Session",
    "User",
]
