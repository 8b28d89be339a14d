"""Language: enum labels, the choice of language per request, and complete catalogs."""

import ast
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from i18n import LANGUAGES, catalogs, format_day, format_moment, format_money, language
from i18n.catalogs import ROOT
from settings import Settings
from tests.api import Api
from tests.monitoring import active_agreement, current_period

LABELS = "query($types: [String!]) { enumLabels(types: $types) { type value label description } }"


async def labels(api: Api, types: list[str] | None, language: str | None) -> list[dict[str, Any]]:
    headers = {"Accept-Language": language} if language else {}
    response = await api.post({"query": LABELS, "variables": {"types": types}}, headers)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["enumLabels"]


async def test_enum_labels_in_indonesian_by_default_and_english_on_request(api: Api) -> None:
    anonymous = api.as_(None)
    indonesian = await labels(anonymous, ["AgreementStatus"], None)
    assert [(i["type"], i["value"]) for i in indonesian] == [
        ("AgreementStatus", v) for v in ("DRAFT", "ACTIVE", "EXPIRED", "TERMINATED", "EXTENDED")
    ]
    by_value = {i["value"]: i for i in indonesian}
    assert by_value["ACTIVE"]["label"] == "Aktif"
    assert by_value["EXTENDED"]["description"] == "Digantikan oleh perpanjangan yang sudah berlaku."
    english = {
        i["value"]: i for i in await labels(anonymous, ["AgreementStatus"], "en-GB,en;q=0.8")
    }
    assert english["ACTIVE"]["label"] == "Active"
    # A language we do not serve falls back to Indonesian; the best supported one wins.
    assert (await labels(anonymous, ["AgreementStatus"], "fr"))[1]["label"] == "Aktif"
    assert (await labels(anonymous, ["AgreementStatus"], "fr, en;q=0.5, id;q=0.4"))[1][
        "label"
    ] == "Active"


async def test_every_enum_value_has_a_label_and_a_description(api: Api) -> None:
    introspection = await api.gql(
        "{ __schema { types { kind name enumValues { name description } } } }"
    )
    enums = {
        t["name"]: t["enumValues"]
        for t in introspection["__schema"]["types"]
        if t["kind"] == "ENUM" and not t["name"].startswith("__")
    }
    for values in enums.values():
        assert all(v["description"] for v in values)
    for chosen in ("id", "en"):
        every = await labels(api.as_(None), None, chosen)
        assert {(i["type"], i["value"]) for i in every} == {
            (name, v["name"]) for name, values in enums.items() for v in values
        }
        assert all(i["label"] and i["description"] for i in every)


async def test_unknown_enum_is_a_coded_error(api: Api) -> None:
    body = await api.raw(LABELS, {"types": ["AgreementStatus", "Nope"]})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "Nope" in body["errors"][0]["message"]


# --- the catalogs ---------------------------------------------------------------------------


def test_every_message_in_the_code_has_both_translations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    template = catalogs.extract()
    # An f-string cannot be looked up in a catalog: Babel skips it, and so would a reader.
    assert "Skipping f-string" not in capsys.readouterr().err
    assert len(template) > 400
    for chosen in LANGUAGES:
        assert catalogs.untranslated(template, chosen) == [], chosen
        # Each translation keeps the placeholders of its msgid (Babel's own checks).
        problems = [(m.id, errors) for m, errors in catalogs.read(chosen).check() if errors]
        assert problems == [], chosen


def test_messages_reach_errors_as_literals() -> None:
    """A message built at run time would escape extraction: errors take a literal msgid (or
    one marked with N_ where it is defined and held in a `msgid`, or one passed on from
    another error)."""
    offenders = []
    for path in sorted(ROOT.glob("*/**/*.py")) + sorted(ROOT.glob("*.py")):
        if {".venv", "tests", "bench", "data"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            erring = name in {"DomainError", "ApiError"} and len(node.args) > 1
            if erring and not _is_msgid(node.args[1]):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def _is_msgid(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Call):
        return getattr(node.func, "id", None) == "N_"
    if isinstance(node, ast.Attribute):
        return node.attr in {"msgid", "auth_error"}
    if isinstance(node, ast.Name):
        return node.id == "msgid"
    if isinstance(node, ast.BoolOp):
        return all(_is_msgid(v) for v in node.values)
    return False


def test_numbers_and_dates_read_the_local_way() -> None:
    with language("id"):
        assert format_money(Decimal("250000000")) == "Rp 250.000.000"
        assert format_day(date(2026, 12, 2)) == "2 Desember 2026"
        # 17:30 UTC is already the next day in Bogor.
        assert format_moment(datetime(2026, 12, 2, 17, 30, tzinfo=UTC)) == (
            "3 Desember 2026 00.30 WIB"
        )
    with language("en"):
        assert format_day(date(2026, 12, 2)) == "2 December 2026"


async def test_validation_messages_are_translated_by_rule(api: Api) -> None:
    agreement = await active_agreement(api)
    body = {"agreementId": agreement["id"], "period": current_period().code}
    body["scores"] = [{"indicator": "BENEFIT", "score": 6}]
    indonesian = await api.mutate("createEvaluation", "evaluation { id }", body)
    assert [(e["field"], e["code"], e["message"]) for e in indonesian["errors"]] == [
        ("scores.0.score", "INVALID", "paling besar 5")
    ]
    english = await api.post(
        {
            "query": "mutation($i: CreateEvaluationInput!) { createEvaluation(input: $i) "
            "{ errors { message } } }",
            "variables": {"i": body},
        },
        {"Accept-Language": "en"},
    )
    assert english.headers["content-language"] == "en"
    assert english.json()["data"]["createEvaluation"]["errors"] == [
        {"message": "must be at most 5"}
    ]
    unauthenticated = await api.as_(None).post({"query": "{ viewer { id } users { totalCount } }"})
    assert unauthenticated.headers["content-language"] == "id"
    assert unauthenticated.json()["errors"][0]["message"] == "silakan masuk lebih dulu"


def test_an_unknown_time_zone_stops_the_start() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings(time_zone="Asia/Bogor")
