from models.agreement import Agreement
from models.agreement_counters import AgreementCounter
from models.agreement_keys import AgreementKeys
from models.agreement_listing import AgreementListing
from models.audit import AuditEntry
from models.document_text import DocumentPage, DocumentText
from models.evaluation import Evaluation
from models.fixity import FixityRun, JobLease
from models.idempotency import IdempotencyKey
from models.notification import Notification
from models.org_unit import OrgUnit
from models.partner import Partner
from models.persisted_query import PersistedQuery
from models.proposal import Proposal
from models.public_content import FaqEntry, Procedure, Template
from models.rate_limit import RateLimitWindow
from models.sequence import Counter
from models.sessions import ApiToken, LoginThrottle, ServerSecret, Session
from models.user import User

DOCUMENT_MODELS = [
    OrgUnit,
    Partner,
    Agreement,
    AgreementKeys,
    AgreementListing,
    AgreementCounter,
    User,
    Session,
    ApiToken,
    LoginThrottle,
    ServerSecret,
    AuditEntry,
    Notification,
    Proposal,
    Counter,
    Procedure,
    FaqEntry,
    Template,
    PersistedQuery,
    Evaluation,
    IdempotencyKey,
    FixityRun,
    JobLease,
    DocumentText,
    DocumentPage,
    RateLimitWindow,
]

__all__ = [
    "DOCUMENT_MODELS",
    "Agreement",
    "AgreementCounter",
    "AgreementKeys",
    "AgreementListing",
    "ApiToken",
    "AuditEntry",
    "Counter",
    "DocumentPage",
    "DocumentText",
    "Evaluation",
    "FaqEntry",
    "FixityRun",
    "IdempotencyKey",
    "JobLease",
    "LoginThrottle",
    "Notification",
    "OrgUnit",
    "Partner",
    "PersistedQuery",
    "Procedure",
    "Proposal",
    "RateLimitWindow",
    "ServerSecret",
    "Session",
    "Template",
    "User",
]
