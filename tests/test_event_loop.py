"""What keeps the event loop free for the other requests of a process.

A request's records must be freed by reference counting when its answer is sent. Records
left in a reference cycle wait for the garbage collector, which then frees many requests'
records at once while nothing else runs (hundreds of ms under a page load, see the README).
"""

import asyncio
import gc
from collections.abc import Iterator

import pytest

from models import Agreement, AgreementListing
from tests.api import Api

PAGE = """query {
  agreements(first: 50) {
    nodes { id number parent { id number } children { id } partners { id } leadOrgUnits { id } }
  }
}"""


def agreements_alive() -> int:
    """Agreements and their listing rows (a list shows its rows) alive now."""
    return sum(1 for o in gc.get_objects() if isinstance(o, Agreement | AgreementListing))


async def alive_once_settled(expected: int) -> int:
    """`agreements_alive()`, once it is `expected` or after 5 s. The worker thread that
    validated a page's records holds them until just after it hands them over (its work item
    goes a moment later), which under load can be after the answer is read; records in a
    reference cycle stay for good, since the collector is off."""
    for _ in range(500):
        if (alive := agreements_alive()) == expected:
            break
        await asyncio.sleep(0.01)
    return alive


@pytest.fixture
def no_collector() -> Iterator[None]:
    """Only reference counting frees objects while the test runs."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def test_a_pages_records_are_freed_when_its_answer_is_sent(
    api: Api, no_collector: None
) -> None:
    framework = await api.agreement(form="KSB")
    for _ in range(3):
        await api.agreement(form="PKS", parentId=framework["id"])
    # The records of the requests before, once their threads have let them go.
    before = await alive_once_settled(0)

    nodes = (await api.gql(PAGE))["agreements"]["nodes"]

    assert len(nodes) == 4
    assert sum(len(n["children"]) for n in nodes) == 3
    assert await alive_once_settled(before) == before
