"""The ``analysis`` command: one entry point, a subcommand per job.

Each subcommand lives in the module that does the work; that module offers
``add_parser(subparsers)`` and sets ``func`` to the function that runs it. Adding a
command means adding it and its module to ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

__all__ = ["COMMANDS", "build_parser", "main"]

# Each subcommand and the module offering it, in the order --help lists them.
COMMANDS = {
    "synth": "analysis.synth",
    "validate": "analysis.validate",
    "render": "analysis.site.run",
    "reference": "analysis.reference",
    "reconcile": "analysis.reconcile",
    "arrests": "analysis.arrests",
    "verify": "analysis.site.drift",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="LA Cannabis Relief Analytics: generate, validate, analyse and publish "
        "data on the mass dismissal of cannabis convictions in Los Angeles County.",
        epilog="Run 'analysis COMMAND --help' for the options of one command.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(module).add_parser(sub)
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
