"""Administrative commands: `python cli.py --help`."""

import argparse
import asyncio
import getpass
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import database
from models.credentials import use_hashing
from models.enums import Role
from models.errors import DomainError, DomainErrors
from settings import get_settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from database import Database
    from resolvers.backup import BagSummary

SDL_FILE = Path(__file__).with_name("schema.graphql")


def export_schema() -> None:
    # Imported here: the GraphQL schema takes a second to build its types, and the other
    # commands (backups, restores, fixity) do not serve it.
    from schema import build_schema

    SDL_FILE.write_text(build_schema(get_settings()).as_str() + "\n")
    print(f"wrote {SDL_FILE.name}")


async def load_demo(force: bool) -> int:
    # Imported here: fpdf and Pillow take seconds to import, and other commands need neither.
    from demo_data import DemoDataConflict, load_demo_data

    started = time.perf_counter()
    async with database.connect(get_settings()) as db:
        try:
            loaded = await load_demo_data(db, only_if_empty=not force)
        except DemoDataConflict as error:
            print(f"nothing loaded: {error}", file=sys.stderr)
            return 1
    if not loaded:
        print(
            "the database already has departments, partners or agreements; nothing loaded "
            "(--force adds the demo data next to them)"
        )
        return 0
    print(f"demo data loaded in {time.perf_counter() - started:.1f} s")
    return 0


def read_password() -> str:
    """NEW_USER_PASSWORD for scripts; otherwise asked twice, without echo."""
    given = os.environ.get("NEW_USER_PASSWORD")
    if given:
        return given
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("the passwords differ; nothing created")
    return first


async def create_user(args: argparse.Namespace) -> int:
    from models import OrgUnit, Partner
    from resolvers.context import Context
    from resolvers.users import register_user
    from resolvers.viewer import ANONYMOUS

    password = read_password()
    settings = get_settings()
    async with database.connect(settings) as db:
        fields: dict[str, object] = {
            "email": args.email,
            "display_name": args.display_name or args.email.split("@")[0],
            "role": args.role,
        }
        if args.org_unit:
            unit = await OrgUnit.find_one({"code": args.org_unit.upper()})
            if unit is None:
                print(f"no department with code {args.org_unit}", file=sys.stderr)
                return 1
            fields["org_unit_id"] = unit.id
        if args.partner:
            partner = await Partner.find_one({"name_key": args.partner.casefold()})
            if partner is None:
                print(f"no partner named {args.partner}", file=sys.stderr)
                return 1
            fields["partner_id"] = partner.id
        # The command line acts with the machine owner's authority: no viewer needed.
        ctx = Context(
            database=db, settings=settings, viewer=ANONYMOUS, request_id="cli", signing_key=""
        )
        try:
            user = await register_user(ctx, fields, password)
        except (DomainError, DomainErrors) as error:
            problems = error.errors if isinstance(error, DomainErrors) else [error]
            for problem in problems:
                print(f"{problem.field or 'error'}: {problem.message}", file=sys.stderr)
            return 1
    print(f"created {user.role} {user.email}")
    return 0


def update_catalogs() -> int:
    from i18n.catalogs import update

    for language, missing in update().items():
        print(f"{language}: {missing} messages to translate")
    return 0


async def run_reminders() -> int:
    """Turn new alerts into notifications once (for cron; the server also does it)."""
    from resolvers.reminders import run_reminders as remind

    settings = get_settings()
    # Connecting binds the models the job reads and writes.
    async with database.connect(settings):
        outcome = await remind(settings)
    print(f"{outcome.alerts} alerts; {outcome.notifications} new notifications")
    return 0


async def rebuild_listings() -> int:
    """Write every agreement's listing row again from the agreement (safe while the server
    runs)."""
    from models.agreement_listing import rebuild_listings as rebuild

    async with database.connect(get_settings()):
        listed = await rebuild()
    print(f"{listed} agreements listed")
    return 0


def _describe(summary: "BagSummary") -> str:
    records = sum(n for name, n in summary.records.items() if name != "files.files")
    return (
        f"{records} records in {len(summary.records) - 1} collections, {summary.files} files "
        f"({summary.file_bytes / 1e6:.1f} MB); SIKERMA {summary.system_version}, "
        f"schema {summary.schema_version}"
    )


async def _with_bag(
    act: "Callable[[Database, Path], Awaitable[BagSummary]]", path: str, done: str, refused: str
) -> int:
    """Run a backup or a restore on the database; a refusal is printed with exit code 1."""
    from resolvers.backup import BackupError

    async with database.connect(get_settings()) as db:
        try:
            summary = await act(db, Path(path))
        except BackupError as error:
            print(f"{refused}: {error}", file=sys.stderr)
            return 1
    print(f"{done} {path}: {_describe(summary)}")
    return 0


async def backup(dest: str) -> int:
    from resolvers.backup import backup as make_backup

    return await _with_bag(make_backup, dest, "backed up to", "no backup")


async def restore(bag: str) -> int:
    from resolvers.backup import restore as restore_bag

    return await _with_bag(restore_bag, bag, "restored", "not restored")


def verify_backup(bag: str) -> int:
    from resolvers.backup import BackupError, check_bag

    try:
        summary = check_bag(Path(bag))
    except BackupError as error:
        print(f"invalid: {error}", file=sys.stderr)
        return 1
    print(f"valid: {_describe(summary)}")
    return 0


async def verify_files() -> int:
    """Re-hash every stored file and re-check every history once (for cron, or by hand)."""
    from models.errors import DomainError
    from models.fixity import FixityTrigger
    from resolvers.fixity import run_fixity

    settings = get_settings()
    async with database.connect(settings) as db:
        try:
            run = await run_fixity(db, settings, FixityTrigger.COMMAND_LINE)
        except DomainError as error:
            print(error.message, file=sys.stderr)
            return 1
    assert run is not None
    print(
        f"{run.files_checked} files ({run.bytes_read / 1e6:.1f} MB) in "
        f"{run.duration_seconds or 0:.1f} s; {len(run.mismatches)} damaged or missing; "
        f"{run.chains_checked} histories, {len(run.chain_findings)} changed"
    )
    for item in run.mismatches:
        print(f"  {item.problem} {item.filename} ({item.file_id}) in {', '.join(item.owners)}")
    for finding in run.chain_findings:
        print(f"  {finding.problem} chronology of {finding.number}: {finding.detail}")
    return 2 if run.mismatches or run.chain_findings else 0


async def ocr_worker() -> int:
    """Read queued scans until stopped, without serving the API (e.g. on a machine of its
    own with Tesseract, at the same MONGODB_URI)."""
    from resolvers.ocr import OcrRunner
    from resolvers.ocr_availability import detect_availability

    settings = get_settings()
    found = await detect_availability(settings)
    if not found.available:
        print(f"OCR is unavailable: {found.reason}", file=sys.stderr)
        return 1
    async with database.connect(settings) as db:
        runner = OcrRunner(
            db, settings.model_copy(update={"ocr_workers": settings.ocr_workers or 1})
        )
        runner.start()
        print(f"reading queued scans with {runner.settings.ocr_workers} worker(s); Ctrl-C stops")
        try:
            await asyncio.Event().wait()
        finally:
            await runner.stop()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("export-schema", help="write the GraphQL SDL to schema.graphql")
    demo = commands.add_parser("load-demo", help="fill an empty database with demo data")
    demo.add_argument(
        "--force",
        action="store_true",
        help="load even if the database has data, unless a demo record would collide with it",
    )
    commands.add_parser(
        "update-catalogs", help="extract the code's messages into the gettext catalogs"
    )
    commands.add_parser(
        "run-reminders", help="notify new alerts once (cron; each alert is notified only once)"
    )
    commands.add_parser(
        "verify-files",
        help="re-hash every stored file and re-check every history now (exit 2: damage found)",
    )
    commands.add_parser(
        "rebuild-listings",
        help="write the rows lists and the dashboard read again from the agreements",
    )
    backup_command = commands.add_parser("backup", help="write the whole archive as a BagIt bag")
    backup_command.add_argument("dest", help="a new (or empty) directory")
    restore_command = commands.add_parser("restore", help="restore a bag into an empty database")
    restore_command.add_argument("bag")
    verify_command = commands.add_parser("verify-backup", help="check a bag without restoring")
    verify_command.add_argument("bag")
    commands.add_parser(
        "ocr-worker", help="read queued scans (OCR) until stopped, without serving the API"
    )
    user = commands.add_parser("create-user", help="create an account (e.g. the first ADMIN)")
    user.add_argument("--email", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--display-name")
    user.add_argument("--org-unit", help="department code, for an OFFICER")
    user.add_argument("--partner", help="partner name, for a PARTNER user")
    args = parser.parse_args()
    use_hashing(get_settings().password_hashing)
    try:
        run(args)
    except database.EngineStartError as error:
        print(error, file=sys.stderr)
        sys.exit(2)


def run(args: argparse.Namespace) -> None:
    if args.command == "export-schema":
        export_schema()
    elif args.command == "load-demo":
        sys.exit(asyncio.run(load_demo(args.force)))
    elif args.command == "update-catalogs":
        sys.exit(update_catalogs())
    elif args.command == "run-reminders":
        sys.exit(asyncio.run(run_reminders()))
    elif args.command == "verify-files":
        sys.exit(asyncio.run(verify_files()))
    elif args.command == "rebuild-listings":
        sys.exit(asyncio.run(rebuild_listings()))
    elif args.command == "backup":
        sys.exit(asyncio.run(backup(args.dest)))
    elif args.command == "restore":
        sys.exit(asyncio.run(restore(args.bag)))
    elif args.command == "verify-backup":
        sys.exit(verify_backup(args.bag))
    elif args.command == "ocr-worker":
        sys.exit(asyncio.run(ocr_worker()))
    elif args.command == "create-user":
        sys.exit(asyncio.run(create_user(args)))


if __name__ == "__main__":
    main()
