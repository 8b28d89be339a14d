"""The load mix for `python -m bench load` (locust): what the city's users do at once.

Signed-in staff (the demo ADMIN) list agreements with filters, open one with its history,
look at the dashboard and alerts, record chronology events, update their evaluation draft
and attach small scans; anonymous citizens browse the public catalogue. Each request is
named after what it does, so locust reports each kind on its own. Run by bench/load.py,
never by hand against a server that is not the bench's own (it writes).
"""

import json
import os
import random
from datetime import UTC, datetime
from itertools import count
from typing import Any

from gevent.lock import Semaphore
from locust import HttpUser, between, task

ADMIN_EMAIL = os.environ.get("LOAD_EMAIL", "admin@sikerma.example")
ADMIN_PASSWORD = os.environ.get("LOAD_PASSWORD", "Demo-Admin-Sikerma-2026")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 20_000 + b"\n%%EOF\n"
USERS = count()
# One sign-in shared by the simulated staff of this process: signing in is not part of the
# mix, and fifty password checks at once would make the first minute a sign-in benchmark.
SESSION: dict[str, str] = {}
SIGN_IN = Semaphore()

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
CREATE_EVALUATION = """mutation($i: CreateEvaluationInput!) { createEvaluation(input: $i) {
  evaluation { id } errors { code message } } }"""
FIND_EVALUATION = """query($f: EvaluationFilter) { evaluations(filter: $f, first: 1) {
  nodes { id } } }"""
UPDATE_EVALUATION = """mutation($i: UpdateEvaluationInput!) { updateEvaluation(input: $i) {
  errors { code message } } }"""
UPLOAD = """mutation($i: UploadAgreementDocumentInput!) { uploadAgreementDocument(input: $i) {
  errors { code message } } }"""


def current_period() -> str:
    today = datetime.now(UTC)
    return f"{today.year}-S{1 if today.month <= 6 else 2}"


class Reader(HttpUser):
    """Anonymous: the public catalogue (menu 5)."""

    weight = 1
    wait_time = between(0.5, 2)

    @task
    def catalogue(self) -> None:
        self.client.post(
            "/graphql",
            json={"query": PUBLIC, "variables": {"first": 20}},
            name="public catalogue",
        )


class Staff(HttpUser):
    """A signed-in member of the cooperation unit."""

    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.number = next(USERS)
        with SIGN_IN:
            if "token" not in SESSION:
                credentials = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
                SESSION["token"] = self.gql(LOGIN, {"i": credentials}, "login")["login"][
                    "accessToken"
                ]
        self.client.headers["Authorization"] = f"Bearer {SESSION['token']}"
        # Agreements still running: only those can be evaluated for the current period.
        running = {"status": ["ACTIVE"], "endsAfter": datetime.now(UTC).date().isoformat()}
        active = self.gql(LIST, {"f": running, "first": 100}, "agreement list (setup)")[
            "agreements"
        ]["nodes"]
        self.agreements = [a["id"] for a in active]
        # Each user keeps its own evaluation draft, on an agreement no other user evaluates.
        mine = {"agreementId": self.agreements[self.number % len(self.agreements)]}
        mine["period"] = current_period()
        found = self.gql(FIND_EVALUATION, {"f": mine}, "evaluation find (setup)")
        if found["evaluations"]["nodes"]:
            self.evaluation = found["evaluations"]["nodes"][0]["id"]
        else:
            created = self.gql(CREATE_EVALUATION, {"i": mine}, "evaluation create (setup)")
            self.evaluation = created["createEvaluation"]["evaluation"]["id"]

    def gql(self, query: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
        with self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            name=name,
            catch_response=True,
        ) as response:
            body = response.json() if response.status_code == 200 else {}
            if response.status_code != 200 or body.get("errors"):
                response.failure(f"{response.status_code}: {str(body.get('errors'))[:300]}")
                return {}
            data: dict[str, Any] = body["data"]
            payload = next(iter(data.values()))
            if isinstance(payload, dict) and payload.get("errors"):
                response.failure(str(payload["errors"])[:300])
            return data

    @task(4)
    def agreement_list(self) -> None:
        flt = random.choice(
            [
                {"status": ["ACTIVE"]},
                {"cooperationType": ["KSDPK", "KSDD"]},
                {"field": "Kesehatan"},
                {"expiringWithinDays": 180},
            ]
        )
        self.gql(LIST, {"f": flt, "first": 50}, "agreement list (filtered, 50)")

    @task(3)
    def detail(self) -> None:
        self.gql(DETAIL, {"id": random.choice(self.agreements)}, "agreement detail (nested)")

    @task(1)
    def dashboard(self) -> None:
        self.gql(DASHBOARD, {}, "dashboard")

    @task(1)
    def alerts(self) -> None:
        self.gql(ALERTS, {}, "alerts")

    @task(2)
    def chronology_write(self) -> None:
        event = {
            "agreementId": random.choice(self.agreements),
            "kind": "NOTE",
            "title": f"Catatan uji beban {random.randrange(10**9)}",
            "occurredAt": datetime.now(UTC).isoformat(),
        }
        self.gql(ADD_EVENT, {"i": event}, "chronology write")

    @task(1)
    def evaluation_write(self) -> None:
        if self.evaluation is None:
            return
        change = {"id": self.evaluation, "findings": f"Temuan {random.randrange(10**9)}"}
        self.gql(UPDATE_EVALUATION, {"i": change}, "evaluation write")

    @task(1)
    def upload(self) -> None:
        operations = {
            "query": UPLOAD,
            "variables": {
                "i": {
                    "agreementId": random.choice(self.agreements),
                    "type": "MINUTES",
                    "title": "Berita acara",
                    "file": None,
                }
            },
        }
        with self.client.post(
            "/graphql",
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.i.file"]}),
            },
            files={"0": ("berita-acara.pdf", PDF, "application/pdf")},
            headers={"Apollo-Require-Preflight": "1"},
            name="small upload (20 KB)",
            catch_response=True,
        ) as response:
            body = response.json() if response.status_code == 200 else {}
            payload = (body.get("data") or {}).get("uploadAgreementDocument") or {}
            if response.status_code != 200 or body.get("errors") or payload.get("errors"):
                response.failure(f"{response.status_code}: {str(body)[:300]}")
