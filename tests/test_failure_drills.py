"""Failure drills: a render that goes wrong never harms the published site.

Each drill publishes a small site (two tiny notebooks, a config of their own in a
temporary folder), then breaks a render in one way: a notebook raising mid-render, a
kernel killed, an output folder that cannot be written, an interrupt (SIGINT) during
execution. In each, the published site stays byte for byte as it was, the message is
one clear line (no traceback), and the next run publishes without any manual clean-up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import cli, paths
from analysis.site import publish, verify

pytestmark = pytest.mark.slow

KERNEL = {"name": "la-cannabis-relief", "display_name": "Python (LA Cannabis Relief)",
          "language": "python"}

# What the drill notebook does in its second cell, by the value of ``fail``.
DRILL_CELL = """
if fail == "raise":
    raise ValueError("planted failure")
if fail == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
if fail == "sleep":
    Path(started).write_text(str(os.getpid()))
    time.sleep(300)
print(f"second cell ran ({fail or 'first run'})")
"""


def _notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    nb = new_notebook(metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})
    for i, (kind, source) in enumerate(cells):
        cell = (new_markdown_cell(source) if kind == "md" else new_code_cell(
            source, metadata={"tags": ["parameters"]} if kind == "params" else {}))
        cell["id"] = f"c{i:02d}"
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


class Drill:
    """A temporary project: two notebooks, a config, and the site folder."""

    def __init__(self, root: Path):
        self.root = root
        self.site = root / "out" / "site"
        self.config = root / "reports.yml"
        self.drill = _notebook(root / "drill.ipynb", [
            ("md", "# Drill page\n\nA page whose render goes wrong on purpose."),
            ("params", 'fail: str = ""  # what goes wrong: "", raise, kill or sleep\n'
                       'started: str = ""  # file written when the sleep begins'),
            ("code", "import os, signal, time\nfrom pathlib import Path\n"
                     "print('first cell ran')"),
            ("code", DRILL_CELL.strip()),
        ])
        self.steady = _notebook(root / "steady.ipynb", [
            ("md", "# Steady page\n\nAlways renders."),
            ("code", "print('steady')"),
        ])

    def configure(self, fail: str, started: Path | None = None) -> None:
        params = {"fail": fail} | ({"started": str(started)} if started else {})
        self.config.write_text(yaml.safe_dump({"reports": [
            {"name": "drill", "notebook": str(self.drill), "title": "Drill", "page": "drill",
             "summary": "Goes wrong on purpose.", "parameters": [params]},
            {"name": "steady", "notebook": str(self.steady), "title": "Steady",
             "summary": "Always renders."},
        ]}), encoding="utf-8")

    def cli(self, capsys, *extra: str) -> tuple[int, str]:
        code = cli.main(["render", "--config", str(self.config), "--site", str(self.site),
                         "--jobs", "1", *extra])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    def snapshot(self) -> dict[str, bytes]:
        return {p.relative_to(self.site).as_posix(): p.read_bytes()
                for p in sorted(self.site.rglob("*")) if p.is_file()}

    def publish_first(self, capsys) -> dict[str, bytes]:
        self.configure("")
        code, text = self.cli(capsys)
        assert code == 0, text
        before = self.snapshot()
        assert "drill.html" in before and "steady.html" in before
        assert b"first run" in before["drill.ipynb"]
        return before

    def recovers(self, capsys, before: dict[str, bytes]) -> None:
        """The next run publishes the fixed page, with no clean-up in between."""
        self.configure("fixed")
        code, text = self.cli(capsys)
        assert code == 0, text
        after = self.snapshot()
        assert b"second cell ran (fixed)" in after["drill.ipynb"]
        assert after["steady.html"] == before["steady.html"]  # carried over, unchanged
        assert not (self.site.parent / ".staging").exists()
        drifts, _ = verify(self.site, config=self.config, notebooks=self.root)
        assert drifts == []


@pytest.fixture
def drill(tmp_path) -> Drill:
    return Drill(tmp_path)


def test_a_notebook_raising_mid_render(drill, capsys):
    before = drill.publish_first(capsys)
    drill.configure("raise")
    code, text = drill.cli(capsys)
    assert code == 1 and "Traceback" not in text
    assert "report 'drill'" in text and "ValueError: planted failure" in text
    assert "(id c03)" in text and 'if fail == "raise":' in text  # the cell that raised
    assert "left unchanged" in text
    assert drill.snapshot() == before
    assert (drill.site.parent / ".failed" / "drill.ipynb").is_file()  # kept to debug
    drill.recovers(capsys, before)


def test_a_killed_kernel(drill, capsys):
    before = drill.publish_first(capsys)
    drill.configure("kill")
    code, text = drill.cli(capsys)
    assert code == 1 and "Traceback" not in text
    assert "report 'drill'" in text and "died" in text.lower()
    # a kernel lost mid-notebook is no retry (its log is kept only when it wrote one)
    log = drill.site.parent / ".failed" / "drill.log"
    assert not log.exists() or "the kernel did not start" not in log.read_text("utf-8")
    # the notebook as far as it got is kept, though it is written only when a run ends
    assert (drill.site.parent / ".failed" / "drill.ipynb").is_file()
    assert "executed notebook kept for debugging" in text
    assert drill.snapshot() == before
    drill.recovers(capsys, before)


@pytest.fixture
def taken_port(monkeypatch):
    """A port another program holds, handed to the next kernels as if it were free:
    what happens when two workers start kernels at the same moment and both pick it.
    ``taken_port(n)`` hands it to the next ``n`` kernels."""
    import socket

    from jupyter_client.connect import LocalPortCache

    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    find = LocalPortCache.find_available_port
    state = {"kernels": 0, "calls": 0}

    def find_available_port(self, ip):
        first = state["calls"] % 5 == 0  # a kernel asks for five ports in turn
        state["calls"] += 1
        if first and state["kernels"]:
            state["kernels"] -= 1
            return port
        return find(self, ip)

    def arm(kernels: int) -> None:
        state.update(kernels=kernels, calls=0)

    monkeypatch.setattr(LocalPortCache, "find_available_port", find_available_port)
    yield arm
    holder.close()


def test_a_kernel_that_loses_its_port_is_started_again(drill, capsys, taken_port):
    before = drill.publish_first(capsys)
    drill.configure("fixed")
    taken_port(1)
    code, text = drill.cli(capsys)
    assert code == 0, text
    assert "drill: done" in text and "the kernel failed to start 1 time(s) first" in text
    assert b"second cell ran (fixed)" in drill.snapshot()["drill.ipynb"]
    assert drill.snapshot()["steady.html"] == before["steady.html"]


def test_a_kernel_that_never_starts_fails_after_three_tries(drill, capsys, taken_port):
    before = drill.publish_first(capsys)
    drill.configure("fixed")
    taken_port(3)
    code, text = drill.cli(capsys)
    assert code == 1 and "Traceback" not in text
    assert "report 'drill'" in text and "Kernel died before replying" in text
    log = (drill.site.parent / ".failed" / "drill.log").read_text(encoding="utf-8")
    assert log.count("the kernel did not start") == 2  # tries 2 and 3 announced
    assert drill.snapshot() == before
    drill.recovers(capsys, before)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes whatever the folder's mode")
def test_an_unwritable_output_folder(drill, capsys):
    before = drill.publish_first(capsys)
    drill.configure("fixed")
    out = drill.site.parent
    out.chmod(0o555)
    try:
        code, text = drill.cli(capsys)
    finally:
        out.chmod(0o755)
    assert code == 1 and "Traceback" not in text
    assert "cannot write" in text and str(out) in text
    assert drill.snapshot() == before
    drill.recovers(capsys, before)


def test_an_output_path_that_is_not_a_folder(drill, capsys, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the site's folder should be", encoding="utf-8")
    drill.configure("")
    code = cli.main(["render", "--config", str(drill.config), "--site",
                     str(blocker / "site"), "--jobs", "1"])
    text = "".join(capsys.readouterr())
    assert code == 1 and "Traceback" not in text and "cannot write" in text
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_publishing_fails_at_the_last_step(drill, capsys, monkeypatch):
    """Writing the new site fails after every page rendered (disk full, permissions):
    the old site stays, the message is one line, the next run cleans up and publishes."""
    before = drill.publish_first(capsys)
    drill.configure("raise-free")

    def refuse(new, site):
        raise PermissionError(13, "Permission denied", str(site))

    monkeypatch.setattr(publish, "swap_in", refuse)
    code, text = drill.cli(capsys)
    assert code == 1 and "Traceback" not in text and "cannot write" in text
    assert drill.snapshot() == before
    monkeypatch.undo()
    drill.recovers(capsys, before)


def test_the_swap_without_renameat2_never_loses_the_site(tmp_path, monkeypatch):
    """Where the atomic exchange is unavailable, a failure moving the new site in puts
    the old one back; a crash between the two moves is repaired by the next run."""
    site, new = tmp_path / "site", tmp_path / "new"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    new.mkdir()
    (new / "index.html").write_text("new", encoding="utf-8")
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    real_rename = Path.rename

    def rename(self, target):
        if self == new:
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError):
        publish.swap_in(new, site)
    assert (site / "index.html").read_text(encoding="utf-8") == "old"
    monkeypatch.setattr(Path, "rename", real_rename)

    # a crash left only the previous copy: the next render restores it first
    real_rename(site, tmp_path / ".previous")
    publish.recover_previous(site)
    assert (site / "index.html").read_text(encoding="utf-8") == "old"
    assert not (tmp_path / ".previous").exists()


def test_an_interrupt_during_a_render(drill, capsys, tmp_path):
    before = drill.publish_first(capsys)
    started = tmp_path / "started"
    drill.configure("sleep", started)
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis", "render", "--config", str(drill.config),
         "--site", str(drill.site), "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=paths.ROOT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not started.is_file() and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
        assert started.is_file(), "the drill notebook never started"
        kernel = int(started.read_text())
        os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C in a terminal does
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode in (1, 130), err
    assert "Traceback" not in err, err
    assert "interrupted" in err or "left unchanged" in err
    assert drill.snapshot() == before
    for _ in range(50):  # the kernel does not outlive the render
        try:
            os.kill(kernel, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(kernel, signal.SIGKILL)
        pytest.fail("the notebook's kernel outlived the interrupted render")
    drill.recovers(capsys, before)
