"""agreementStats: grouped counts by aggregation, under each viewer's access rules."""

from typing import Any

from tests.api import Api
from tests.kept import kept_fixture
from tests.monitoring import active_agreement, create_evaluation, current_period, scores

STATS = """query($by: [AgreementDimension!]!, $filter: AgreementFilter) {
  agreementStats(groupBy: $by, filter: $filter) {
    total
    groups { cooperationType form status field partnerKind signedYear endYear
             orgUnit { name } count totalValue }
  }
}"""


async def stats(api: Api, by: list[str], flt: dict[str, Any] | None = None) -> dict[str, Any]:
    return (await api.gql(STATS, {"by": by, "filter": flt}))["agreementStats"]


def keyed(groups: list[dict[str, Any]], *names: str) -> dict[tuple[Any, ...], tuple[int, str]]:
    return {tuple(g[n] for n in names): (g["count"], g["totalValue"]) for g in groups}


@kept_fixture
async def archive(api: Api) -> dict[str, Any]:
    """Four agreements over two departments and three partners of two kinds."""
    dinkes, disdik = await api.org_unit(name="Dinkes"), await api.org_unit(name="Disdik")
    ipb = await api.partner(kind="UNIVERSITY")
    unpak = await api.partner(kind="UNIVERSITY")
    pt = await api.partner(kind="COMPANY")
    made = [
        await api.agreement(
            cooperationType="KSDPK",
            field="Kesehatan",
            partnerIds=[ipb["id"], unpak["id"]],
            leadOrgUnitIds=[dinkes["id"]],
            signedOn="2021-03-01",
            endsOn="2026-02-28",
            value="100",
            title="Riset kesehatan masyarakat",
        ),
        await api.agreement(
            cooperationType="KSDPK",
            field="Kesehatan",
            partnerIds=[pt["id"]],
            leadOrgUnitIds=[dinkes["id"], disdik["id"]],
            signedOn="2021-07-01",
            value="50.5",
        ),
        await api.agreement(
            cooperationType="KSDD",
            field="Pendidikan",
            form="PKS",
            partnerIds=[ipb["id"], pt["id"]],
            leadOrgUnitIds=[disdik["id"]],
            signedOn="2023-01-01",
            endsOn="2026-12-31",
        ),
        await api.agreement(
            cooperationType="SINERGI", leadOrgUnitIds=[disdik["id"]], partnerIds=[pt["id"]]
        ),
    ]
    return {"dinkes": dinkes, "disdik": disdik, "agreements": made}


async def test_counts_by_one_and_several_dimensions(api: Api, archive: dict[str, Any]) -> None:
    by_type = await stats(api, ["COOPERATION_TYPE"])
    assert by_type["total"] == 4
    assert [(g["cooperationType"], g["count"]) for g in by_type["groups"]] == [
        ("KSDPK", 2),
        ("KSDD", 1),
        ("SINERGI", 1),
    ]
    assert by_type["groups"][0]["totalValue"] == "150.5"
    assert by_type["groups"][0]["form"] is None  # not asked for

    two = await stats(api, ["FIELD", "SIGNED_YEAR"])
    assert keyed(two["groups"], "field", "signedYear") == {
        ("Kesehatan", 2021): (2, "150.5"),
        ("Pendidikan", 2023): (1, "0"),
        ("", None): (1, "0"),
    }
    ends = await stats(api, ["END_YEAR", "FORM", "STATUS"])
    assert keyed(ends["groups"], "endYear", "form", "status") == {
        (2026, "KSB", "DRAFT"): (1, "100"),
        (2026, "PKS", "DRAFT"): (1, "0"),
        (None, "KSB", "DRAFT"): (2, "50.5"),
    }


async def test_units_and_partner_kinds_count_each_agreement_once_per_group(
    api: Api, archive: dict[str, Any]
) -> None:
    units = await stats(api, ["ORG_UNIT"])
    assert units["total"] == 4
    assert {g["orgUnit"]["name"]: g["count"] for g in units["groups"]} == {"Dinkes": 2, "Disdik": 3}
    kinds = await stats(api, ["PARTNER_KIND"])
    # Two universities on one agreement count it once for UNIVERSITY.
    assert keyed(kinds["groups"], "partnerKind") == {
        ("COMPANY",): (3, "50.5"),
        ("UNIVERSITY",): (2, "100"),
    }
    both = await stats(api, ["ORG_UNIT", "PARTNER_KIND"], {"signedYear": 2021})
    assert both["total"] == 2
    assert sorted((g["orgUnit"]["name"], g["partnerKind"], g["count"]) for g in both["groups"]) == [
        ("Dinkes", "COMPANY", 1),
        ("Dinkes", "UNIVERSITY", 1),
        ("Disdik", "COMPANY", 1),
    ]


async def test_filters_apply_including_text_search(api: Api, archive: dict[str, Any]) -> None:
    by_text = await stats(api, ["FIELD"], {"text": "kesehatan masyarakat"})
    assert (by_text["total"], by_text["groups"][0]["field"]) == (1, "Kesehatan")
    by_unit = await stats(api, ["COOPERATION_TYPE"], {"orgUnitId": archive["dinkes"]["id"]})
    assert by_unit["total"] == 2
    none = await stats(api, ["STATUS"], {"status": ["ACTIVE"]})
    assert none == {"total": 0, "groups": []}


async def test_each_viewer_counts_only_what_it_may_read(api: Api, archive: dict[str, Any]) -> None:
    _, officer = await api.user("OFFICER", orgUnitId=archive["dinkes"]["id"])
    seen = await stats(officer, ["COOPERATION_TYPE"])
    assert (seen["total"], [g["count"] for g in seen["groups"]]) == (2, [2])
    token = (await officer.ok("createApiToken", "token", {"name": "Notebook"}))["token"]
    assert (await stats(officer.as_(token), ["STATUS"]))["total"] == 2
    _, executive = await api.user("EXECUTIVE")
    assert (await stats(executive, ["STATUS"]))["total"] == 4
    anonymous = await api.as_(None).raw(STATS, {"by": ["STATUS"]})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    twice = await api.raw(STATS, {"by": ["STATUS", "STATUS"]})
    assert twice["errors"][0]["extensions"] == {"code": "INVALID", "field": "groupBy"}


EVALUATION_STATS = """query($by: [EvaluationDimension!]!, $filter: EvaluationStatsFilter) {
  evaluationStats(groupBy: $by, filter: $filter) {
    total
    groups { period status recommendation cooperationType field orgUnit { name } count
             averageScore indicators { indicator average } }
  }
}"""


@kept_fixture
async def monitored(api: Api) -> dict[str, Any]:
    """Three evaluations: two of Dinkes' KSDPK agreement (one of them over several periods),
    one of Disdik's KSDD agreement."""
    dinkes, disdik = await api.org_unit(name="Dinkes"), await api.org_unit(name="Disdik")
    health = await active_agreement(api, leadOrgUnitIds=[dinkes["id"]], field="Kesehatan")
    school = await active_agreement(
        api, leadOrgUnitIds=[disdik["id"]], cooperationType="KSDD", field="Pendidikan"
    )
    this, last = current_period(), current_period().previous()
    made = [
        await create_evaluation(api, health["id"], scores=scores(4), recommendation="CONTINUE"),
        await create_evaluation(
            api, health["id"], period=last.code, scores=scores(2), recommendation="REVISE"
        ),
        await create_evaluation(api, school["id"]),
    ]
    assert all(m["errors"] == [] for m in made)
    return {"dinkes": dinkes, "this": this.code, "last": last.code}


async def test_evaluation_stats_count_and_average_by_group(
    api: Api, monitored: dict[str, Any]
) -> None:
    data = await api.gql(EVALUATION_STATS, {"by": ["COOPERATION_TYPE"]})
    stats_ = data["evaluationStats"]
    assert stats_["total"] == 3
    ksdpk, ksdd = stats_["groups"]
    assert (ksdpk["cooperationType"], ksdpk["count"], ksdpk["averageScore"]) == ("KSDPK", 2, 3.0)
    assert {i["indicator"]: i["average"] for i in ksdpk["indicators"]}["GOAL_FIT"] == 3.0
    assert len(ksdpk["indicators"]) == 8
    # Not scored yet: counted, but no averages.
    assert (ksdd["count"], ksdd["averageScore"], ksdd["indicators"]) == (1, None, [])

    by_period = await api.gql(
        EVALUATION_STATS,
        {"by": ["PERIOD", "RECOMMENDATION"], "filter": {"agreements": {"field": "Kesehatan"}}},
    )
    groups = by_period["evaluationStats"]["groups"]
    assert sorted((g["period"], g["recommendation"], g["averageScore"]) for g in groups) == sorted(
        [(monitored["this"], "CONTINUE", 4.0), (monitored["last"], "REVISE", 2.0)]
    )
    units = await api.gql(
        EVALUATION_STATS, {"by": ["ORG_UNIT", "STATUS"], "filter": {"period": monitored["this"]}}
    )
    assert sorted(
        (g["orgUnit"]["name"], g["status"], g["count"]) for g in units["evaluationStats"]["groups"]
    ) == [
        ("Dinkes", "DRAFT", 1),
        ("Disdik", "DRAFT", 1),
    ]


async def test_evaluation_stats_follow_the_monitoring_rules(
    api: Api, monitored: dict[str, Any]
) -> None:
    _, officer = await api.user("OFFICER", orgUnitId=monitored["dinkes"]["id"])
    mine = await officer.gql(EVALUATION_STATS, {"by": ["FIELD"]})
    assert mine["evaluationStats"]["total"] == 2
    _, partner = await api.user("PARTNER", partnerId=(await api.partner())["id"])
    refused = await partner.raw(EVALUATION_STATS, {"by": ["FIELD"]})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad_period = await api.raw(EVALUATION_STATS, {"by": ["FIELD"], "filter": {"period": "2026"}})
    assert bad_period["errors"][0]["extensions"]["code"] == "INVALID"
