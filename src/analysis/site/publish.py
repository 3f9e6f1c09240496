"""Publishing a site atomically: one render at a time, a staging folder beside the
site, and one rename to swap the new site in.

Everything sits in the site's parent folder (the rename needs one file system):
``.render.lock``, ``.staging/`` (removed after every run, whatever happened),
``.failed/`` (the failed pages of the last run that executed any: their notebooks and
kernel logs) and, for a moment during a swap without the atomic exchange,
``.previous/``.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .config import Locked

__all__ = ["clear_failed", "failed_dir", "recover_previous", "staging", "swap_in"]

LOCK = ".render.lock"
STAGING = ".staging"
FAILED = ".failed"
PREVIOUS = ".previous"


def failed_dir(site: Path) -> Path:
    """Where failed pages' executed notebooks and kernel logs are kept."""
    return Path(site).parent / FAILED


def clear_failed(site: Path) -> None:
    """Forget the failures of an earlier run (call with the lock held, before work)."""
    shutil.rmtree(failed_dir(site), ignore_errors=True)


@contextmanager
def staging(site: Path) -> Iterator[Path]:
    """Hold the render lock and give an empty folder to build the new site in.

    A site a crash left moved aside is put back first. The staging folder is removed
    when the block ends, on success, error or interrupt alike.
    """
    site = Path(site)
    root = site.parent / STAGING
    with _lock(site.parent / LOCK), _cleaned(root):
        recover_previous(site)
        shutil.rmtree(root, ignore_errors=True)
        out = root / "site"
        out.mkdir(parents=True)
        yield out
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _lock(path: Path):
    """Only one render at a time writes the staging folder and swaps the site."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Locked(f"another render is running (lock {path}); nothing was done"
                         ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _cleaned(staging_root: Path):
    """Remove the staging folder when a render stops on an error or an interrupt."""
    try:
        yield
    except BaseException:
        shutil.rmtree(staging_root, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def swap_in(new: Path, site: Path) -> None:
    """Make ``new`` the published site; the old one is removed only afterwards."""
    site.parent.mkdir(parents=True, exist_ok=True)
    if not site.exists():
        new.rename(site)
        return
    if _exchange(new, site):
        shutil.rmtree(new)  # now holds the previous site
        return
    previous = site.parent / PREVIOUS
    shutil.rmtree(previous, ignore_errors=True)
    site.rename(previous)
    try:
        new.rename(site)
    except BaseException:
        previous.rename(site)  # put the published site back
        raise
    shutil.rmtree(previous, ignore_errors=True)


def recover_previous(site: Path) -> None:
    """Put back a site that a crash left moved aside by :func:`swap_in`."""
    previous = site.parent / PREVIOUS
    if previous.is_dir() and not site.exists():
        previous.rename(site)


def __dir__() -> list[str]:
    return sorted(__all__)
