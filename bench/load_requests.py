"""The requests of the load mix (bench/locustfile.py), which bench/load.py also times alone."""

import json
from pathlib import Path

# The demo's administrator, as the demo data defines it (the first of demo/users.json).
DEMO_ADMIN = json.loads((Path(__file__).parent.parent / "demo" / "users.json").read_text())[0]
CREDENTIALS = {"email": DEMO_ADMIN["email"], "password": DEMO_ADMIN["password"]}
# What the crowd asks in its first seconds (bench/load.py `--warm-up`) is reported under this
# one name, apart from each kind's steady load.
ARRIVAL = "arrival (warm-up, every kind)"
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


# The filters the staff's agreement lists use, one at random per request.
LIST_FILTERS = (
    {"status": ["ACTIVE"]},
    {"cooperationType": ["KSDPK", "KSDD"]},
    {"field": "Kesehatan"},
    {"expiringWithinDays": 180},
)
