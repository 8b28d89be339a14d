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
import time
from datetime import UTC, datetime
from itertools import count
from typing import Any

from gevent.lock import Semaphore
from locust import HttpUser, between, task

from bench.load_requests import (
    ADD_EVENT,
    ALERTS,
    ARRIVAL,
    CREDENTIALS,
    DASHBOARD,
    DETAIL,
    FIND_EVALUATIONS,
    LIST,
    LIST_FILTERS,
    LOGIN,
    PUBLIC,
    UPDATE_EVALUATION,
    UPLOAD,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 20_000 + b"\n%%EOF\n"
USERS = count()
# One sign-in shared by the simulated staff of this process: signing in is not part of the
# mix, and fifty password checks at once would make the first minute a sign-in benchmark.
SESSION: dict[str, str] = {}
SIGN_IN = Semaphore()
# The crowd's first seconds (bench/load.py `--warm-up`): its users arrive, sign in and set up
# at once, and what they ask is reported as ARRIVAL.
WARM_UP_ENDS = time.monotonic() + float(os.environ.get("LOAD_WARM_UP_SECONDS", "0"))
# The period of the evaluation drafts bench/load.py seeded, one per user.
PERIOD = os.environ["LOAD_PERIOD"]


def kind(name: str) -> str:
    """The name a request of this kind is reported under now."""
    return name if time.monotonic() >= WARM_UP_ENDS else ARRIVAL


class Reader(HttpUser):
    """Anonymous: the public catalogue (menu 5)."""

    weight = 1
    wait_time = between(0.5, 2)

    @task
    def catalogue(self) -> None:
        self.client.post(
            "/graphql",
            json={"query": PUBLIC, "variables": {"first": 20}},
            name=kind("public catalogue"),
        )


class Staff(HttpUser):
    """A signed-in member of the cooperation unit."""

    weight = 4
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.number = next(USERS)
        with SIGN_IN:
            if "token" not in SESSION:
                SESSION["token"] = self.gql(LOGIN, {"i": CREDENTIALS}, "login")["login"][
                    "accessToken"
                ]
        self.client.headers["Authorization"] = f"Bearer {SESSION['token']}"
        # Agreements still running: only those can be evaluated for the current period.
        running = {"status": ["ACTIVE"], "endsAfter": datetime.now(UTC).date().isoformat()}
        active = self.gql(LIST, {"f": running, "first": 100}, "agreement list (setup)")[
            "agreements"
        ]["nodes"]
        self.agreements = [a["id"] for a in active]
        # Each user keeps updating its own draft of this period's evaluation, on an agreement
        # no other user evaluates: bench/load.py seeds one per user.
        drafts = {"period": PERIOD, "status": ["DRAFT"]}
        found = self.gql(FIND_EVALUATIONS, {"f": drafts}, "evaluation drafts (setup)")
        mine = found["evaluations"]["nodes"]
        # None if none were seeded: then every evaluation write fails, and the run with it.
        self.evaluation = mine[self.number % len(mine)]["id"] if mine else None

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
        flt = random.choice(LIST_FILTERS)
        self.gql(LIST, {"f": flt, "first": 50}, kind("agreement list (filtered, 50)"))

    @task(3)
    def detail(self) -> None:
        self.gql(DETAIL, {"id": random.choice(self.agreements)}, kind("agreement detail (nested)"))

    @task(1)
    def dashboard(self) -> None:
        self.gql(DASHBOARD, {}, kind("dashboard"))

    @task(1)
    def alerts(self) -> None:
        self.gql(ALERTS, {}, kind("alerts"))

    @task(2)
    def chronology_write(self) -> None:
        event = {
            "agreementId": random.choice(self.agreements),
            "kind": "NOTE",
            "title": f"Catatan uji beban {random.randrange(10**9)}",
            "occurredAt": datetime.now(UTC).isoformat(),
        }
        self.gql(ADD_EVENT, {"i": event}, kind("chronology write"))

    @task(1)
    def evaluation_write(self) -> None:
        change = {"id": self.evaluation, "findings": f"Temuan {random.randrange(10**9)}"}
        self.gql(UPDATE_EVALUATION, {"i": change}, kind("evaluation write"))

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
            name=kind("small upload (20 KB)"),
            catch_response=True,
        ) as response:
            body = response.json() if response.status_code == 200 else {}
            payload = (body.get("data") or {}).get("uploadAgreementDocument") or {}
            if response.status_code != 200 or body.get("errors") or payload.get("errors"):
                response.failure(f"{response.status_code}: {str(body)[:300]}")
