"""Generated GraphQL requests (schemathesis, from schema.graphql) and what every answer must be.

The cases are drawn by Hypothesis up front, then sent through the app's real HTTP interface,
as the administrator (who reaches every field) and anonymously. An answer passes when it is
not a 5xx, has no INTERNAL_ERROR, and every error in it carries a code. A coded refusal
(BAD_USER_INPUT, NOT_FOUND, FORBIDDEN…) is a correct answer, not a failure.
"""

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"

# Scalars schemathesis has no strategy for. Files cannot be written in a document: the
# `Upload` scalar gets what a client could put there (strings, null), which the server must
# refuse with a code.
schemathesis.graphql.scalar("Upload", st.sampled_from(["", "file.pdf"]).map(nodes.String))
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.sampled_from(["1E+400", "1" * 50, "-0.001", "NaN", "abc"]),
    ).map(nodes.String),
)
schemathesis.graphql.scalar("JSON", st.text(max_size=20).map(nodes.String))


def generate(count: int) -> list[dict[str, Any]]:
    """`count` request bodies drawn from the schema, the same ones on every run."""
    schema = schemathesis.graphql.from_path(str(SCHEMA_FILE))
    strategy = schema.as_strategy()
    bodies: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: Any) -> None:
        body = case.body
        bodies.append(body if isinstance(body, dict) else {"query": body})

    collect()
    return bodies


def problems(status: int, body: Any) -> list[str]:
    """What is wrong with one answer (empty: it is fine)."""
    found = []
    if status >= 500:
        found.append(f"HTTP {status}")
    errors = body.get("errors", []) if isinstance(body, dict) else []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if code is None:
            found.append(f"uncoded error: {error.get('message')}")
        elif code == "INTERNAL_ERROR":
            found.append(f"INTERNAL_ERROR at {error.get('path')}")
    return found
