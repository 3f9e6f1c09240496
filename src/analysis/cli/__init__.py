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

__all__ = ["COMMANDS", "EXIT_BAD_DATA", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_LOCKED",
           "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

# Exit statuses, the same for every command that can meet the case (``render --help``
# lists what each means for a render). A scheduler can tell them apart: 1 wants a look
# at a page, 2 at the command line or config, 3 at the data, 4 only a later try.
EXIT_OK = 0  # done, or nothing to do
EXIT_FAILED = 1  # the work failed (a page, the audit, writing the output)
EXIT_USAGE = 2  # bad arguments or config (argparse's own status too)
EXIT_BAD_DATA = 3  # the input data failed validation
EXIT_LOCKED = 4  # another run holds the lock: nothing was done
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it

# The subcommands, in the order --help lists them; each is the module analysis.cli.NAME.
COMMANDS = ("synth", "validate", "render", "reference", "reconcile", "arrests", "verify",
            "audit", "doj")


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
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        # Work cut short (a notebook's kernel, say) may still report from asyncio as
        # the process exits; the one line below is the whole story.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def __dir__() -> list[str]:
    return sorted(__all__)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
