"""Rules officials expect: a PKS within its KSB's term, renewals that wait for activation."""

from typing import Any

from tests.api import Api

SELECT = "agreement { id startsOn endsOn status }"


async def _framework(api: Api) -> dict[str, Any]:
    return await api.agreement(form="KSB", startsOn="2024-01-01", endsOn="2029-12-31")


async def test_a_pks_may_not_outlast_or_predate_its_ksb(api: Api) -> None:
    ksb = await _framework(api)
    late = await api.mutate(
        "createAgreement",
        SELECT,
        {
            "number": "119/900-KS/2025",
            "title": "PKS terlalu panjang",
            "form": "PKS",
            "cooperationType": "KSDPK",
            "parentId": ksb["id"],
            "partnerIds": [p["id"] for p in ksb["partners"]],
            "leadOrgUnitIds": [u["id"] for u in ksb["leadOrgUnits"]],
            "startsOn": "2025-01-01",
            "endsOn": "2035-12-31",
        },
    )
    [error] = late["errors"]
    assert (error["field"], error["code"]) == ("endsOn", "OUTSIDE_PARENT_TERM")
    # Both dates are named, as people write them.
    assert "31 Desember 2035" in error["message"]
    assert "31 Desember 2029" in error["message"]
    assert await api.count("agreements", {"number": "119/900-KS/2025"}) == 0

    early = await api.mutate(
        "createAgreement",
        SELECT,
        {
            "number": "119/901-KS/2025",
            "title": "PKS terlalu awal",
            "form": "PKS",
            "cooperationType": "KSDPK",
            "parentId": ksb["id"],
            "partnerIds": [p["id"] for p in ksb["partners"]],
            "leadOrgUnitIds": [u["id"] for u in ksb["leadOrgUnits"]],
            "startsOn": "2023-06-01",
            "endsOn": "2026-12-31",
        },
    )
    assert [(e["field"], e["code"]) for e in early["errors"]] == [
        ("startsOn", "OUTSIDE_PARENT_TERM")
    ]
    assert "1 Januari 2024" in early["errors"][0]["message"]


async def test_dates_are_checked_on_update_of_the_child_and_of_the_parent(api: Api) -> None:
    ksb = await _framework(api)
    pks = await api.agreement(
        form="PKS", parentId=ksb["id"], startsOn="2025-01-01", endsOn="2028-12-31"
    )
    longer = await api.mutate("updateAgreement", SELECT, {"id": pks["id"], "endsOn": "2031-12-31"})
    assert [(e["field"], e["code"]) for e in longer["errors"]] == [
        ("endsOn", "OUTSIDE_PARENT_TERM")
    ]
    # Shortening the KSB would leave the PKS running past it: refused, naming the PKS.
    shorter = await api.mutate("updateAgreement", SELECT, {"id": ksb["id"], "endsOn": "2027-12-31"})
    [error] = shorter["errors"]
    assert (error["field"], error["code"]) == ("endsOn", "OUTSIDE_PARENT_TERM")
    assert pks["number"] in error["message"]
    later = await api.mutate("updateAgreement", SELECT, {"id": ksb["id"], "startsOn": "2025-06-01"})
    assert [(e["field"], e["code"]) for e in later["errors"]] == [
        ("startsOn", "OUTSIDE_PARENT_TERM")
    ]
    assert await api.count("agreements", {"ends_on": {"$ne": None}}) == 2
    fine = await api.ok("updateAgreement", SELECT, {"id": ksb["id"], "endsOn": "2030-12-31"})
    assert fine["agreement"]["endsOn"] == "2030-12-31"
