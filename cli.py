"""Administrative commands: `python cli.py --help`."""

import argparse
from pathlib import Path

from schema import build_schema
from settings import get_settings

SDL_FILE = Path(__file__).with_name("schema.graphql")


def export_schema() -> None:
    SDL_FILE.write_text(build_schema(get_settings()).as_str() + "\n")
    print(f"wrote {SDL_FILE.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("export-schema", help="write the GraphQL SDL to schema.graphql")
    args = parser.parse_args()
    if args.command == "export-schema":
        export_schema()


if __name__ == "__main__":
    main()
