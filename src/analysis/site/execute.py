"""Executing one notebook: papermill on the project kernel, with the kernel started
again when it dies before its first cell."""

from __future__ import annotations

import functools
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from .. import paths

__all__ = ["ENGINE", "KERNEL_START_TRIES", "environment", "execute", "kernel_config",
           "kernel_name", "stderr_to"]

ENGINE = "lacra"
# How many cells the current run in this process has started: none means the kernel
# never came up, which is worth another try (see ``execute``).
_RUN = {"cells_started": 0}
# Tries for a kernel that dies or stays silent before its first cell. Kernels take five
# TCP ports each, picked by binding to port 0 and letting go; a kernel started at the
# same moment in another worker (or any other program) can take one of them first, and
# the kernel then exits with "Address already in use".
KERNEL_START_TRIES = 3


def kernel_config():
    """The kernel manager's settings: CurveZMQ encryption of the kernel's TCP sockets
    where the kernelspec declares it (ipykernel's does), so the messages between this
    process and the kernel are not plain text on the loopback interface, and the kernel
    does not log its "running over TCP without encryption" warning on every start."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport_encryption": "auto"}})


def kernel_name() -> str:
    """The project's kernel when it is registered, else the default ``python3``."""
    from jupyter_client.kernelspec import find_kernel_specs

    return paths.KERNEL_NAME if paths.KERNEL_NAME in find_kernel_specs() else "python3"


@functools.cache
def _register_engine() -> None:
    """Register papermill's nbclient engine, writing the executed notebook only when
    the run ends (papermill's own last write, or on failure) instead of at the start
    and end of every cell: two JSON dumps of the growing notebook per cell were a
    tenth of a page's cost. A run cut short (a kernel that died, a timeout) still
    leaves the notebook as far as it got, for debugging."""
    from papermill.engines import NBClientEngine, papermill_engines

    class SaveAtEnd(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            write, complete = nb_man.save, nb_man.notebook_complete
            cell_start = nb_man.cell_start

            def complete_and_write(**kw):
                nb_man.save = write  # the end of the run writes, as papermill would
                return complete(**kw)

            def counted_start(*args, **kw):
                _RUN["cells_started"] += 1
                return cell_start(*args, **kw)

            nb_man.save = lambda **kw: None  # per-cell writes skipped
            nb_man.notebook_complete = complete_and_write
            nb_man.cell_start = counted_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(ENGINE, SaveAtEnd)


def execute(notebook: Path, executed: Path, parameters: dict, *, kernel: str,
            timeout: int | None, log: Path):
    """Run the notebook with papermill into ``executed``; start the kernel again (up
    to ``KERNEL_START_TRIES`` times in all) when it failed before running any cell.
    Returns the executed notebook and how many kernels it took."""
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel

    _register_engine()
    attempt = 1
    while True:
        _RUN["cells_started"] = 0
        try:
            nb = papermill.execute_notebook(
                str(notebook), str(executed), parameters=parameters, kernel_name=kernel,
                cwd=str(notebook.parent), progress_bar=False, log_output=False,
                execution_timeout=timeout, engine_name=ENGINE,
                # every output is in hand when the last cell ends, and the kernel keeps
                # nothing worth a clean exit: a graceful shutdown only waited ~0.7 s
                shutdown_kernel="immediate", config=kernel_config())
            return nb, attempt
        except NoSuchKernel:
            raise  # no kernel of that name: starting again cannot help
        except Exception as exc:
            if _RUN["cells_started"] or attempt == KERNEL_START_TRIES:
                raise
            with open(log, "a", encoding="utf-8") as handle:
                print(f"lacra: the kernel did not start ({type(exc).__name__}: {exc}); "
                      f"starting another (try {attempt + 1} of {KERNEL_START_TRIES})",
                      file=handle)
        attempt += 1


@contextmanager
def environment(values: dict[str, str]):
    """Set environment variables (inherited by the kernel) for a while, then restore."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def stderr_to(log: Path):
    """Send file descriptor 2 (inherited by the kernel process) to ``log`` for a while."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(log, "ab") as handle:
            os.dup2(handle.fileno(), 2)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def __dir__() -> list[str]:
    return sorted(__all__)
