"""A fixed budget of generated requests in every run (FUZZ_CASES, default 300; `make fuzz`
runs 5,000): no 5xx, no INTERNAL_ERROR, every error coded."""

import os

from tests.api import Api
from tests.fuzz import generate, problems

CASES = int(os.environ.get("FUZZ_CASES", "300"))


async def test_generated_requests_get_coded_answers(api: Api) -> None:
    bodies = generate(CASES)
    assert len(bodies) >= CASES
    # Some records to find, so lookups by id and nested fields have something to resolve.
    await api.agreement()
    failures = []
    for n, body in enumerate(bodies):
        client = api if n % 2 == 0 else api.as_(None)
        response = await client.post(body)
        payload = response.json() if response.content else None
        for problem in problems(response.status_code, payload):
            failures.append((problem, body["query"][:300]))
    assert failures == [], failures[:10]
