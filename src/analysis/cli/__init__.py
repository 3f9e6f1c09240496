"""The ``analysis`` command: one entry point, a subcommand per job.

Each subcommand is a module of this package offering ``add_parser(subparsers)``, which
sets ``func`` to the function that runs it; the work itself is done by the library
modules, which never parse arguments. Adding a command means adding its module here and
its name to ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

__all__ = ["COMMANDS", "build_parser", "main"]

# The subcommands, in the order --help lists them; each is the module analysis.cli.NAME.
COMMANDS = ("synth", "validate", "render", "reference", "reconcile", "arrests", "verify",
            "audit")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="LA Cannabis Relief Analytics: generate, validate, analyse and publish "
        "data on the mass dismissal of cannabis convictions in Los Angeles County.",
        epilog="Run 'analysis COMMAND --help' for the options of one command.",
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        # Work cut short (a notebook's kernel, say) may still report from asyncio as
        # the process exits; the one line below is the whole story.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        print("interrupted", file=sys.stderr)
        return 130


def __dir__() -> list[str]:
    return sorted(__all__)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
