"""Closed by default: every read of a record a viewer may or may not see goes through
resolvers/scoped.py, whose rules decide what each viewer reads.

The application's source is scanned for direct reads of the scoped models (`Agreement.find(`,
`Partner.get(`, `Proposal.get_pymongo_collection()`…) and for pages of them whose filter does
not come from `scoped`. A direct read is allowed only where ALLOWED names it with the reason it
needs no viewer's rule; an entry that no longer matches anything fails too, so the list stays
true.
"""

import ast
import os
from pathlib import Path

import pytest

from models import Agreement, AuditEntry, Partner
from models.enums import Role
from models.errors import DomainError, ErrorCode
from resolvers.access import NOTHING
from resolvers.scoped import RULES, SCOPED_MODELS, Use, readable
from resolvers.viewer import ANONYMOUS, Viewer

ROOT = Path(__file__).resolve().parent.parent
SCOPED = frozenset(model.__name__ for model in SCOPED_MODELS)
READS = frozenset(
    {
        "aggregate",
        "count",
        "distinct",
        "find",
        "find_all",
        "find_many",
        "find_one",
        "get",
        "get_motor_collection",
        "get_pymongo_collection",
    }
)
SCOPED_MODULE = "resolvers/scoped.py"

# Not part of the application's request paths; each reads as the system, not as a viewer.
NOT_SCANNED = {
    "tests": "the tests arrange and inspect records directly",
    "models": "a record's own methods read what they are about to change",
    "bench": "benchmarks set up and measure data",
    "web": "the web app is TypeScript",
    "node_modules": "third-party code",
    "cli.py": "operator commands run as the system",
    "demo_data.py": "loads the demonstration data as the system",
}

# (file, "Model.method") → why this read needs no viewer's rule.
ALLOWED = {
    ("resolvers/agreements.py", "Agreement.find"): (
        "is_file_referenced: the unattached-file sweep asks whether any record holds a file"
    ),
    ("resolvers/proposals.py", "Proposal.find"): (
        "is_file_referenced: the unattached-file sweep asks whether any record holds a file"
    ),
    ("resolvers/evaluations.py", "Evaluation.find"): (
        "is_file_referenced: the unattached-file sweep asks whether any record holds a file"
    ),
    ("resolvers/public.py", "Template.find"): (
        "is_template_file: the unattached-file sweep asks whether any record holds a file"
    ),
    ("resolvers/evaluations.py", "Evaluation.find_one"): (
        "the duplicate check of a new evaluation, inside its transaction; it reads nothing out"
    ),
    ("resolvers/fixity.py", "Agreement.get_pymongo_collection"): (
        "the integrity job checks every stored file, as the system"
    ),
    ("resolvers/monitoring.py", "AgreementListing.get_pymongo_collection"): (
        "reads whose filter is scoped.monitored (alerts, due evaluations, dashboard)"
    ),
    ("resolvers/stats.py", "Agreement.get_pymongo_collection"): (
        "the statistics aggregation, whose $match is scoped.readable"
    ),
    ("resolvers/stats.py", "Evaluation.get_pymongo_collection"): (
        "the scores aggregation, whose $match is built on scoped.monitored and scoped.ids"
    ),
    ("resolvers/partner_registration.py", "Proposal.find"): (
        "deciding a registration acts on every proposal of that partner, drafts included"
    ),
    ("resolvers/partner_registration.py", "Agreement.find"): (
        "merging a registration moves every agreement naming the duplicate partner"
    ),
    ("resolvers/partner_registration.py", "Partner.get_pymongo_collection"): (
        "merging a registration deletes the duplicate partner (a write)"
    ),
    ("resolvers/passwords.py", "OrgUnit.get_pymongo_collection"): (
        "the city's department names feed the password-strength check; nothing is shown"
    ),
    ("resolvers/auth.py", "User.get"): (
        "signing in: the account behind a session or token is read before there is a viewer"
    ),
    ("resolvers/auth.py", "User.find_one"): "signing in: the account of an email and password",
    ("resolvers/auth.py", "User.get_pymongo_collection"): (
        "signing in: counting failed attempts on the account (a write)"
    ),
    ("resolvers/mailer.py", "User.get"): "mail delivery: the address of a notification's user",
    ("resolvers/notifications.py", "User.get_pymongo_collection"): (
        "notifying: the language and address of each recipient"
    ),
    ("resolvers/notifications.py", "User.find"): "notifying: the users of a role",
    ("resolvers/reminders.py", "User.find"): "the reminder job: the officers of lead departments",
    ("resolvers/proposals.py", "User.find"): "notifying: the users of a proposal's proposer",
    ("resolvers/partner_registration.py", "User.find"): (
        "deciding a registration acts on every account of that partner"
    ),
    ("resolvers/partner_registration.py", "User.get_pymongo_collection"): (
        "deciding a registration deactivates or moves the partner's accounts (a write)"
    ),
    (
        "lifespan.py",
        "User.find",
    ): "startup: production refuses a database holding the demo accounts",
    ("resolvers/users.py", "OrgUnit.get"): (
        "an account's department: its name as a password hint, its existence as a link check"
    ),
    ("resolvers/users.py", "Partner.get"): (
        "an account's partner: its name as a password hint, its existence as a link check"
    ),
}


def _sources() -> list[Path]:
    found = []
    for directory, subdirectories, files in os.walk(ROOT):
        relative = Path(directory).relative_to(ROOT)
        subdirectories[:] = [
            d
            for d in subdirectories
            if not d.startswith(".")
            and str(relative / d) not in NOT_SCANNED
            and d not in NOT_SCANNED
        ]
        found += [
            Path(directory) / f
            for f in files
            if f.endswith(".py") and str(relative / f) not in NOT_SCANNED
        ]
    return found


def _reads(path: Path) -> list[tuple[str, int]]:
    """The direct reads of scoped models in one file: ("Model.method", line)."""
    reads = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id in SCOPED
            and function.attr in READS
        ):
            reads.append((f"{function.value.id}.{function.attr}", node.lineno))
        if (
            isinstance(function, ast.Name)
            and function.id == "paginate"
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in SCOPED
            and "scoped." not in ast.unparse(node.args[1])
        ):
            reads.append((f"paginate({node.args[0].id}) without a scoped filter", node.lineno))
    return reads


def test_every_read_of_a_scoped_model_goes_through_the_scoped_read() -> None:
    used = set()
    unexplained = []
    for path in _sources():
        name = path.relative_to(ROOT).as_posix()
        if name == SCOPED_MODULE:
            continue
        for read, line in _reads(path):
            if (name, read) in ALLOWED:
                used.add((name, read))
            else:
                unexplained.append(f"{name}:{line}: {read}")
    assert not unexplained, (
        "read these through resolvers/scoped.py (or add them to ALLOWED with the reason "
        "they need no viewer's rule):\n" + "\n".join(sorted(unexplained))
    )
    assert not set(ALLOWED) - used, f"ALLOWED names reads that are gone: {set(ALLOWED) - used}"


def test_the_scan_sees_a_direct_read(tmp_path: Path) -> None:
    """The scan itself: a new use case reading agreements by hand is caught."""
    source = tmp_path / "new_use_case.py"
    source.write_text(
        "async def f(ctx, i):\n"
        "    await Agreement.get(i)\n"
        "    await paginate(Partner, {'name': 'x'}, key, request)\n"
        "    await paginate(Partner, combine(await scoped.readable(v, Partner), {}), k, r)\n"
    )
    assert _reads(source) == [
        ("Agreement.get", 2),
        ("paginate(Partner) without a scoped filter", 3),
    ]


OFFICER = Viewer(id="1", role=Role.OFFICER)


async def test_a_model_or_use_without_a_rule_reads_nothing() -> None:
    assert (AuditEntry, Use.READ) not in RULES
    assert await readable(OFFICER, AuditEntry) == NOTHING
    assert (Agreement, Use.NAMED) not in RULES
    assert await readable(OFFICER, Agreement, Use.NAMED) == NOTHING


async def test_anonymous_is_asked_to_sign_in_not_shown_nothing() -> None:
    with pytest.raises(DomainError) as refused:
        await readable(ANONYMOUS, Partner)
    assert refused.value.code == ErrorCode.UNAUTHENTICATED
