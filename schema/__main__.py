"""``python -m schema``: print the SDL; ``--write`` updates schema.graphql; ``--check`` compares."""

from __future__ import annotations

import argparse
import sys

from schema.app import SDL_PATH, sdl


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schema", description=__doc__)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write schema.graphql")
    action.add_argument("--check", action="store_true", help="exit 1 if schema.graphql is stale")
    args = parser.parse_args(argv)
    current = sdl()
    if args.write:
        SDL_PATH.write_text(current, encoding="utf-8")
        print(f"wrote {SDL_PATH.name}")
        return 0
    if args.check:
        if SDL_PATH.read_text(encoding="utf-8") != current:
            print(f"{SDL_PATH.name} is stale: run `python -m schema --write`", file=sys.stderr)
            return 1
        print(f"{SDL_PATH.name} is up to date")
        return 0
    print(current, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
