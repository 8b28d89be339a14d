"""Administrative commands: `python cli.py --help`."""

import argparse
import asyncio
import sys
import time
from pathlib import Path

import database
from schema import build_schema
from settings import get_settings

SDL_FILE = Path(__file__).with_name("schema.graphql")


def export_schema() -> None:
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
    args = parser.parse_args()
    if args.command == "export-schema":
        export_schema()
    elif args.command == "load-demo":
        sys.exit(asyncio.run(load_demo(args.force)))


if __name__ == "__main__":
    main()
