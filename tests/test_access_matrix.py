"""The generated access matrix: every Query field, every Mutation and every download route,
for every role, against one table of who gets through.

The schema is introspected for the root fields, so a field or a mutation added without a row
here fails the test. A cell is "denied" when the answer is UNAUTHENTICATED or FORBIDDEN
(top-level, in the payload, or as HTTP 401/403), or when the record the request names is
"not found" or null for that viewer; anything else (data, or a business-rule error such as
INVALID_TRANSITION) means the request got through the access rules.
"""

import json
from dataclasses import dataclass
from typing import Any

from tests.api import PDF, Api
from tests.monitoring import active_agreement, current_period, multipart
from tests.proposals import cast, gid, member, raw_id, reach

ROLES = (
    "ANONYMOUS",
    "PARTNER_A",
    "PARTNER_B",
    "OFFICER_A",
    "OFFICER_B",
    "REVIEWER",
    "EXECUTIVE",
    "ADMIN",
    "READ_ONLY_TOKEN",
)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"ANONYMOUS"}
WRITERS = SIGNED_IN - {"READ_ONLY_TOKEN"}
ADMIN = frozenset({"ADMIN"})
CITY = frozenset({"OFFICER_A", "OFFICER_B", "REVIEWER", "EXECUTIVE", "ADMIN", "READ_ONLY_TOKEN"})
ARCHIVE = frozenset({"REVIEWER", "EXECUTIVE", "ADMIN", "READ_ONLY_TOKEN"})
ADMIN_READERS = frozenset({"ADMIN", "READ_ONLY_TOKEN"})
QUEUE_READERS = frozenset({"ADMIN", "REVIEWER", "READ_ONLY_TOKEN"})
# Readers of agreement X (led by unit A, with partner A).
X_READERS = ARCHIVE | {"OFFICER_A", "PARTNER_A"}
X_MONITORS = ARCHIVE | {"OFFICER_A"}
X_CONTRIBUTORS = frozenset({"ADMIN", "OFFICER_A"})
PROPOSER = frozenset({"PARTNER_A"})
PROPOSERS = frozenset({"PARTNER_A", "PARTNER_B", "OFFICER_A", "OFFICER_B"})
DENIED_CODES = {"UNAUTHENTICATED", "FORBIDDEN"}


@dataclass
class World:
    clients: dict[str, Api]
    ids: dict[str, str]


async def world(api: Api) -> World:
    c = await cast(api)
    proposal = await reach(c, "SUBMITTED")
    x = await active_agreement(
        api, partnerIds=[c.p1["id"]], leadOrgUnitIds=[c.unit["id"]], visibility="PUBLIC"
    )
    document = (await api.uploaded(x["id"], type="MINUTES", title="Notulen"))["document"]
    evaluation = await api.ok(
        "createEvaluation",
        "evaluation { id }",
        {"agreementId": x["id"], "period": current_period().code},
    )
    event = await api.ok(
        "addChronologyEvent",
        "event { id }",
        {
            "agreementId": x["id"],
            "kind": "NOTE",
            "occurredAt": "2025-02-01T09:00:00Z",
            "title": "Rapat",
        },
    )
    token = await api.ok("createApiToken", "apiToken { id }", {"name": "matriks"})
    faq = await api.ok("createFaqEntry", "faqEntry { id }", {"question": "Apa?", "answer": "Ini."})
    template = await multipart(
        api,
        "mutation($input: UploadTemplateInput!) { uploadTemplate(input: $input) { template { id } errors { code } } }",
        {
            "input": {
                "file": None,
                "title": "Templat PKS",
                "documentType": "DRAFT",
                "published": True,
            }
        },
        FILE,
    )
    assert template["uploadTemplate"]["errors"] == [], template
    procedure = await api.ok(
        "updateProcedure",
        "procedure { id }",
        {"cooperationType": "KSDPK", "title": "Tata cara", "steps": [{"title": "Ajukan"}]},
    )
    user_id, _ = await member(api, "REVIEWER")
    _, read_only = await member(api, "ADMIN", can_write=False)
    ids = {
        "agreement": x["id"],
        "document": document["id"],
        "file": document["downloadUrl"],
        "proposal": proposal["id"],
        "attachment": proposal["attachments"][0]["id"],
        "procedure": procedure["procedure"]["id"],
        "tracking": proposal["trackingCode"],
        "evaluation": evaluation["evaluation"]["id"],
        "event": event["event"]["id"],
        "token": token["apiToken"]["id"],
        "faq": faq["faqEntry"]["id"],
        "template": template["uploadTemplate"]["template"]["id"],
        "user": gid("User", user_id),
        "unit_a": c.unit["id"],
        "p1": c.p1["id"],
        "p2": c.p2["id"],
    }
    clients = {
        "ANONYMOUS": c.anonymous,
        "PARTNER_A": c.partner,
        "PARTNER_B": c.other_partner,
        "OFFICER_A": c.officer,
        "OFFICER_B": c.other_officer,
        "REVIEWER": c.reviewer,
        "EXECUTIVE": c.executive,
        "ADMIN": api,
        "READ_ONLY_TOKEN": read_only,
    }
    return World(clients, ids)


# --- the table -------------------------------------------------------------------------------
# Query field → (the request, who gets through). `{agreement}` etc. are the world's ids.

QUERIES: dict[str, tuple[str, frozenset[str]]] = {
    "node": ('{ node(id: "{agreement}") { id } }', X_READERS),
    "nodes": ('{ nodes(ids: ["{agreement}"]) { id } }', X_READERS),
    "viewer": ("{ viewer { id } }", SIGNED_IN),
    "users": ("{ users { totalCount } }", ADMIN_READERS),
    "agreements": ("{ agreements { totalCount } }", SIGNED_IN),
    "partners": ("{ partners { totalCount } }", SIGNED_IN),
    "orgUnits": ("{ orgUnits { totalCount } }", SIGNED_IN),
    "auditLog": ("{ auditLog(first: 1) { totalCount } }", ADMIN_READERS),
    "myNotifications": ("{ myNotifications { totalCount } }", SIGNED_IN),
    "proposals": ("{ proposals { totalCount } }", QUEUE_READERS),
    "myProposals": ("{ myProposals { totalCount } }", SIGNED_IN),
    "proposal": ('{ proposal(id: "{proposal}") { id } }', QUEUE_READERS | PROPOSER),
    "proposalStatus": ('{ proposalStatus(trackingCode: "{tracking}") { status } }', EVERYONE),
    "procedures": ("{ procedures { title } }", EVERYONE),
    "faq": ("{ faq { totalCount } }", EVERYONE),
    "templates": ("{ templates { totalCount } }", EVERYONE),
    "publicAgreements": ("{ publicAgreements { totalCount } }", EVERYONE),
    "publicStatistics": ("{ publicStatistics { total } }", EVERYONE),
    "agreementStats": ("{ agreementStats(groupBy: [STATUS]) { total } }", SIGNED_IN),
    "evaluationStats": ("{ evaluationStats(groupBy: [PERIOD]) { total } }", CITY),
    "verifyChronology": ('{ verifyChronology(agreementId: "{agreement}") { intact } }', X_READERS),
    "timeline": ("{ timeline(first: 1) { totalCount } }", SIGNED_IN),
    "handoverBriefing": (
        '{ handoverBriefing(orgUnitId: "{unit_a}") { generatedAt } }',
        ARCHIVE | {"OFFICER_A"},
    ),
    "evaluations": ("{ evaluations { totalCount } }", CITY),
    "evaluationsDue": ("{ evaluationsDue { totalCount } }", CITY),
    # The current period's code is no secret.
    "evaluationPeriod": ("{ evaluationPeriod { code } }", EVERYONE),
    "alerts": ("{ alerts { totalCount } }", CITY),
    "dashboard": ("{ dashboard { agreementCount } }", CITY),
    "fixityRuns": (
        "{ fixityRuns { totalCount } }",
        frozenset({"ADMIN", "EXECUTIVE"}) | ADMIN_READERS,
    ),
    # Labels of values are public vocabulary.
    "enumLabels": ('{ enumLabels(types: ["AgreementStatus"]) { label } }', EVERYONE),
    # Each viewer finds only the documents it may read; the search itself needs a sign-in.
    "searchDocuments": ('{ searchDocuments(query: "kerja") { totalCount } }', SIGNED_IN),
}

# Node type → (the world's id of one, who reads it through `node(id:)`).
NODES: dict[str, tuple[str, frozenset[str]]] = {
    "Agreement": ("{agreement}", X_READERS),
    "DocumentRef": ("{document}", X_READERS),
    # A partner's users read their own organisation only.
    "Partner": ("{p1}", SIGNED_IN - {"PARTNER_B"}),
    "OrgUnit": ("{unit_a}", SIGNED_IN),
    # Another person's account: the cooperation unit's to read.
    "User": ("{user}", ADMIN_READERS),
    "Proposal": ("{proposal}", QUEUE_READERS | PROPOSER),
    "ProposalAttachment": ("{attachment}", QUEUE_READERS | PROPOSER),
    "Evaluation": ("{evaluation}", X_MONITORS),
    "PublicAgreement": ("{public_agreement}", EVERYONE),
    "Procedure": ("{procedure}", EVERYONE),
    "FaqEntry": ("{faq}", EVERYONE),
    "Template": ("{template}", EVERYONE),
}

# Mutation → (its input, files to send with it, who gets through).
FILE = {"input.file": ("berkas.pdf", PDF, "application/pdf")}
STRONG = "Cendana-Wangi-Sukasari-77"
MUTATIONS: dict[str, tuple[dict[str, Any], dict[str, Any], frozenset[str]]] = {
    "login": ({"email": "nobody@kotabogor.example", "password": "x"}, {}, EVERYONE),
    "refreshToken": ({"refreshToken": "not-a-token"}, {}, frozenset()),
    "logout": ({}, {}, SIGNED_IN),
    # The other roles act through API tokens here: minting tokens and changing a password
    # need a person's session.
    "createApiToken": ({"name": "t"}, {}, ADMIN),
    "revokeApiToken": ({"id": "{token}"}, {}, ADMIN),
    "setApiTokenWrite": ({"id": "{token}", "canWrite": False}, {}, ADMIN),
    "createUser": (
        {
            "email": "u{n}@kotabogor.example",
            "displayName": "U",
            "role": "REVIEWER",
            "password": STRONG,
        },
        {},
        ADMIN,
    ),
    "updateUser": ({"id": "{user}", "displayName": "Nama"}, {}, ADMIN),
    "resetPassword": ({"userId": "{user}", "newPassword": STRONG}, {}, ADMIN),
    "changePassword": ({"currentPassword": "salah", "newPassword": STRONG}, {}, ADMIN),
    "createAgreement": (
        {
            "number": "M/{n}",
            "title": "T",
            "form": "KSB",
            "cooperationType": "KSDPK",
            "partnerIds": ["{p1}"],
            "leadOrgUnitIds": ["{unit_a}"],
        },
        {},
        ADMIN,
    ),
    "updateAgreement": ({"id": "{agreement}", "archiveLocation": "Lemari {n}"}, {}, ADMIN),
    "activateAgreement": ({"agreementId": "{agreement}"}, {}, ADMIN),
    "expireAgreement": ({"agreementId": "{agreement}"}, {}, ADMIN),
    "terminateAgreement": (
        {"agreementId": "{agreement}", "reason": "uji", "terminatedOn": "2000-01-01"},
        {},
        ADMIN,
    ),
    "extendAgreement": (
        {"agreementId": "{agreement}", "number": "E/{n}", "endsOn": "2000-01-01"},
        {},
        ADMIN,
    ),
    "addAgreementAmendment": (
        {
            "agreementId": "{agreement}",
            "number": "A/{n}",
            "title": "Adendum",
            "signedOn": "2000-01-01",
        },
        {},
        ADMIN,
    ),
    "uploadAgreementDocument": (
        {"agreementId": "{agreement}", "type": "OTHER", "title": "Lain", "file": None},
        FILE,
        X_CONTRIBUTORS,
    ),
    "createPartner": ({"name": "Mitra {n}", "kind": "NGO"}, {}, ADMIN),
    "updatePartner": ({"id": "{p1}", "city": "Bogor {n}"}, {}, ADMIN),
    "createOrgUnit": ({"code": "M{n}", "name": "Dinas {n}"}, {}, ADMIN),
    "updateOrgUnit": ({"id": "{unit_a}", "shortName": "D{n}"}, {}, ADMIN),
    "markNotificationsRead": ({"ids": []}, {}, WRITERS),
    "registerPartner": (
        {
            "name": "Yayasan {n}",
            "kind": "NGO",
            "contactName": "Kontak",
            "email": "r{n}@mitra.example",
            "password": STRONG,
        },
        {},
        EVERYONE,
    ),
    "verifyPartnerRegistration": ({"partnerId": "{p2}"}, {}, ADMIN),
    "rejectPartnerRegistration": ({"partnerId": "{p2}", "reason": "uji"}, {}, ADMIN),
    "mergePartnerRegistration": ({"partnerId": "{p2}", "intoPartnerId": "{p1}"}, {}, ADMIN),
    "createProposal": ({"title": "Usulan {n}"}, {}, PROPOSERS),
    "updateProposal": ({"proposalId": "{proposal}", "title": "Usulan"}, {}, PROPOSER),
    "uploadProposalAttachment": (
        {"proposalId": "{proposal}", "type": "OTHER", "title": "Lain", "file": None},
        FILE,
        PROPOSER,
    ),
    "submitProposal": ({"proposalId": "{proposal}"}, {}, PROPOSER),
    "withdrawProposal": ({"proposalId": "{proposal}"}, {}, PROPOSER),
    "verifyProposal": ({"proposalId": "{proposal}"}, {}, ADMIN),
    "requestProposalRevision": (
        {"proposalId": "{proposal}", "note": "uji"},
        {},
        frozenset({"ADMIN", "REVIEWER"}),
    ),
    "recordProposalReview": (
        {"proposalId": "{proposal}", "note": "uji", "recommendation": "REVISE"},
        {},
        frozenset({"REVIEWER"}),
    ),
    "approveProposal": ({"proposalId": "{proposal}"}, {}, ADMIN),
    "rejectProposal": ({"proposalId": "{proposal}", "reason": "uji"}, {}, ADMIN),
    "updateProcedure": (
        {
            "cooperationType": "KSDPK",
            "title": "Tata cara",
            "steps": [{"title": "Ajukan", "description": ""}],
        },
        {},
        ADMIN,
    ),
    "createFaqEntry": ({"question": "Q{n}?", "answer": "A"}, {}, ADMIN),
    "updateFaqEntry": ({"id": "{faq}", "answer": "B{n}"}, {}, ADMIN),
    "uploadTemplate": ({"file": None, "title": "Templat {n}"}, FILE, ADMIN),
    "updateTemplate": ({"templateId": "{template}", "title": "T{n}"}, {}, ADMIN),
    "addChronologyEvent": (
        {
            "agreementId": "{agreement}",
            "kind": "NOTE",
            "occurredAt": "2025-03-01T09:00:00Z",
            "title": "Catatan {n}",
        },
        {},
        X_CONTRIBUTORS,
    ),
    "correctChronologyEvent": (
        {"agreementId": "{agreement}", "eventId": "{event}", "reason": "uji", "title": "Rapat {n}"},
        {},
        X_CONTRIBUTORS,
    ),
    "createEvaluation": ({"agreementId": "{agreement}", "period": "2020-S1"}, {}, X_CONTRIBUTORS),
    "updateEvaluation": ({"id": "{evaluation}", "findings": "temuan {n}"}, {}, X_CONTRIBUTORS),
    "submitEvaluation": ({"evaluationId": "{evaluation}"}, {}, X_CONTRIBUTORS),
    "reviewEvaluation": ({"evaluationId": "{evaluation}"}, {}, ADMIN),
    "completeFollowUpAction": (
        {"evaluationId": "{evaluation}", "actionId": "0123456789abcdef01234567"},
        {},
        X_CONTRIBUTORS,
    ),
    "uploadEvaluationEvidence": (
        {"evaluationId": "{evaluation}", "file": None},
        FILE,
        X_CONTRIBUTORS,
    ),
    "verifyFiles": ({"reason": "pemeriksaan"}, {}, ADMIN),
    "rerunDocumentOcr": ({"documentId": "{document}"}, {}, ADMIN),
    "setPreferredLanguage": ({"language": "EN"}, {}, WRITERS),
}

# Download routes → who gets the file or the export.
ROUTES: dict[str, frozenset[str]] = {
    "{file}": X_READERS,
    "/exports/agreements.csv": SIGNED_IN,
    "/exports/agreements.ndjson": SIGNED_IN,
    "/exports/chronology.csv": SIGNED_IN,
    "/exports/evaluations.csv": CITY,
    "/briefings/handover/{unit_a_raw}": ARCHIVE | {"OFFICER_A"},
    "/open-data/ocds.json": EVERYONE,
    "/dossiers/{agreement_raw}.zip": X_READERS,
}


# --- running one cell ------------------------------------------------------------------------


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, raw in ids.items():
            value = value.replace("{" + name + "}", raw)
        return value
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


# Ids an input names that are not the record the access rule is about.
NOT_THE_TARGET = {"actionId"}


def denied(body: dict[str, Any]) -> bool:
    """Whether the answer refuses the viewer (see the module's docstring)."""
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        # Each request in the table is well-formed: a malformed one would prove nothing.
        assert code not in {"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}, body
        if code in DENIED_CODES or code == "NOT_FOUND":
            return True
    data = body.get("data") or {}
    for value in data.values():
        if value is None:
            return True
        if isinstance(value, list) and value and all(v is None for v in value):
            return True
        for error in (value.get("errors") or []) if isinstance(value, dict) else []:
            if error["code"] in DENIED_CODES:
                return True
            field = error["field"] or ""
            if error["code"] == "NOT_FOUND" and field.endswith(("Id", "id")):
                return field not in NOT_THE_TARGET
    return False


async def mutation_outcome(
    client: Api, name: str, input: dict[str, Any], files: dict[str, Any]
) -> bool:
    """Whether `name` got through for this client (True) or was denied (False)."""
    query = f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ errors {{ field code }} }} }}"
    if name == "logout":
        query = "mutation { logout { errors { field code } } }"
    if files:
        response = await client.client.post(
            "/graphql",
            data={
                "operations": json.dumps({"query": query, "variables": {"input": input}}),
                "map": json.dumps({"0": ["variables.input.file"]}),
            },
            files={"0": files["input.file"]},
            headers={**client.headers, "Apollo-Require-Preflight": "true"},
        )
    else:
        response = await client.post({"query": query, "variables": {"input": input}})
    if response.status_code in (401, 403):
        return False
    assert response.status_code == 200, (name, response.text)
    return not denied(response.json())


def root_fields(schema: dict[str, Any], type_name: str) -> set[str]:
    for item in schema["types"]:
        if item["name"] == type_name:
            return {f["name"] for f in item["fields"]}
    raise AssertionError(type_name)


async def test_every_root_field_and_route_has_a_row(api: Api) -> None:
    data = await api.gql("{ __schema { types { name fields { name } } } }")
    assert root_fields(data["__schema"], "Query") == set(QUERIES)
    assert root_fields(data["__schema"], "Mutation") == set(MUTATIONS)
    nodes = await api.gql('{ __type(name: "Node") { possibleTypes { name } } }')
    assert {t["name"] for t in nodes["__type"]["possibleTypes"]} == set(NODES)


async def test_the_access_matrix(api: Api) -> None:
    w = await world(api)
    ids = {
        **w.ids,
        "unit_a_raw": raw_id(w.ids["unit_a"]),
        "agreement_raw": raw_id(w.ids["agreement"]),
        "public_agreement": gid("PublicAgreement", raw_id(w.ids["agreement"])),
    }
    mismatches = []
    for field, (query, allowed) in QUERIES.items():
        for role in ROLES:
            body = await w.clients[role].raw(fill(query, ids))
            through = not denied(body)
            if through != (role in allowed):
                mismatches.append(("query", field, role, "through" if through else "denied"))
    for type_name, (node_id, allowed) in NODES.items():
        for role in ROLES:
            body = await w.clients[role].raw(fill(f'{{ node(id: "{node_id}") {{ id }} }}', ids))
            through = not denied(body)
            if through != (role in allowed):
                mismatches.append(("node", type_name, role, "through" if through else "denied"))
    n = 0
    # A role that gets through may change the world (withdraw the proposal, log out): the
    # denied roles go first, and "through" includes business-rule refusals.
    for name, (input, files, allowed) in MUTATIONS.items():
        for role in sorted(ROLES, key=lambda r: (r in allowed, r == "ADMIN")):
            n += 1
            client = w.clients[role]
            if name == "logout" and role == "ADMIN":
                continue  # the administrator's session drives the rest of the test
            through = await mutation_outcome(client, name, fill(input, {**ids, "n": str(n)}), files)
            if through != (role in allowed):
                mismatches.append(("mutation", name, role, "through" if through else "denied"))
    for route, allowed in ROUTES.items():
        for role in ROLES:
            response = await w.clients[role].get(fill(route, ids))
            through = response.status_code == 200
            assert response.status_code < 500, (route, role, response.text)
            if through != (role in allowed):
                mismatches.append(("route", route, role, str(response.status_code)))
    assert mismatches == [], "\n".join(map(str, mismatches))
