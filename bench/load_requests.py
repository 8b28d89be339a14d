"""The requests of the load mix (bench/locustfile.py), which bench/load.py also times alone."""

from datetime import UTC, datetime

ADMIN_EMAIL = "admin@sikerma.example"
ADMIN_PASSWORD = "Demo-Admin-Sikerma-2026"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }"
LIST = """query($f: AgreementFilter, $first: Int) { agreements(filter: $f, first: $first) {
  totalCount nodes { id number title status endsOn partners { name } leadOrgUnits { name } } } }"""
DETAIL = """query($id: ID!) { node(id: $id) { ... on Agreement {
  id number title purpose status signedOn endsOn partners { id name kind }
  leadOrgUnits { id name } documents { id title size downloadUrl }
  evaluations { id period status overallScore }
  chronology(first: 20) { nodes { id kind title occurredAt } } } } }"""
DASHBOARD = """{ dashboard { agreementCount byStatus { key count } byField { key count }
  byLeadOrgUnit { orgUnit { name } count } expiringByMonth { month count }
  evaluationProgress { period due done overduePrevious } } }"""
ALERTS = """{ alerts(first: 50) { totalCount nodes { id kind severity dueOn message
  agreement { id number } } } }"""
PUBLIC = """query($first: Int) { publicAgreements(first: $first) { totalCount
  nodes { id number title cooperationType } } }"""
ADD_EVENT = """mutation($i: AddChronologyEventInput!) { addChronologyEvent(input: $i) {
  errors { code message } } }"""
FIND_EVALUATIONS = """query($f: EvaluationFilter) { evaluations(filter: $f, first: 100) {
  nodes { id } } }"""
UPDATE_EVALUATION = """mutation($i: UpdateEvaluationInput!) { updateEvaluation(input: $i) {
  errors { code message } } }"""
UPLOAD = """mutation($i: UploadAgreementDocumentInput!) { uploadAgreementDocument(input: $i) {
  errors { code message } } }"""


def current_period() -> str:
    today = datetime.now(UTC)
    return f"{today.year}-S{1 if today.month <= 6 else 2}"


# The filters the staff's agreement lists use, one at random per request.
LIST_FILTERS = (
    {"status": ["ACTIVE"]},
    {"cooperationType": ["KSDPK", "KSDD"]},
    {"field": "Kesehatan"},
    {"expiringWithinDays": 180},
)
