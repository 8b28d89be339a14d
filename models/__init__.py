from models.agreement import Agreement
from models.org_unit import OrgUnit
from models.partner import Partner

DOCUMENT_MODELS = [OrgUnit, Partner, Agreement]

__all__ = ["DOCUMENT_MODELS", "Agreement", "OrgUnit", "Partner"]
