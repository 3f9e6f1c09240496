"""Loading case data: the synthetic default or a user's real list, always validated.

A list in another layout is read through a mapping file (:mod:`analysis.casemap`).
When ``mapping`` or ``encoding`` is not given, ``$LACRA_DATA_MAPPING`` and
``$LACRA_DATA_ENCODING`` (:data:`analysis.paths.DATA_MAPPING_ENV`,
:data:`~analysis.paths.DATA_ENCODING_ENV`) give them, so a notebook calling
``analysis.open_cases(data_path)`` under ``analysis render --mapping M`` reads the mapped
list; pass ``mapping=""`` to read without one whatever the environment says. The
synthetic default is never read through a mapping.

Validation is remembered: the validated frame of a file is kept in ``paths.VALIDATED``
under a key made of the file's SHA-256, the text encoding asked for, the mapping file's
SHA-256 and a digest of the id salt (when the mapping hashes person ids), the day, the
versions of the validating code and of polars. The same bytes read again on the same
day by the same code give the same frame, so a render of twenty pages validates its
data once. Any change to the file, the rules or the schema makes a new key; a memo that
cannot be read is ignored and rebuilt; a folder that cannot be written only means no
memo. Failures are never remembered: a rejected file is re-checked every time.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import (
    casemap,
    caserules,
    checksum,
    ingest,
    paths,
    provenance,
    pseudonym,
    schema,
    spellings,
    synth,
    validate,
)

__all__ = ["MEMOS_KEPT", "Source", "describe_source", "generator_of", "load_cases", "memo_key",
           "open_cases", "resolve"]

MEMOS_KEPT = 8  # validated copies kept; older ones are removed


def resolve(path: str | Path | None = None, seed: int = paths.DEFAULT_SEED) -> Path:
    """The file behind ``path``; empty or None means the synthetic default for ``seed``."""
    if path in (None, ""):
        return synth.default_cases(seed)
    return Path(path).expanduser().resolve()


def load_cases(path: str | Path | None = None, *, seed: int = paths.DEFAULT_SEED,
               encoding: str | None = None, mapping: str | Path | None = None,
               memo: bool = True) -> pl.DataFrame:
    """The validated case frame; raises :class:`analysis.ingest.ValidationError`.

    ``mapping`` (a mapping file) and ``encoding`` default to the environment (see the
    module's notes). With ``memo`` (the default) a file validated before is read back
    from its memo instead of being validated again.
    """
    file = resolve(path, seed)
    return _load(file, *_options(file, encoding, mapping), memo)[0]


def open_cases(path: str | Path | None = None, *, seed: int = paths.DEFAULT_SEED,
               encoding: str | None = None,
               mapping: str | Path | None = None) -> tuple[pl.DataFrame, Source]:
    """:func:`load_cases` and :func:`describe_source` together, what every page opens
    with; the file is read for its checksum once, for the memo and the data card.

    Without ``mapping`` or ``encoding``, the ones ``analysis render --mapping/--encoding``
    gave the kernel (see the module's notes) are used."""
    file = resolve(path, seed)
    frame, digest = _load(file, *_options(file, encoding, mapping), memo=True)
    return frame, _source(file, digest)


def _options(file: Path, encoding: str | None, mapping: str | Path | casemap.CaseMapping | None,
             ) -> tuple[str | None, casemap.CaseMapping | None]:
    """The encoding and the loaded mapping to read ``file`` with: as given, else from
    the environment; never any for the synthetic default."""
    if _is_synthetic(file):
        return None, None
    if encoding is None:
        encoding = os.environ.get(paths.DATA_ENCODING_ENV) or None
    if mapping is None:
        mapping = os.environ.get(paths.DATA_MAPPING_ENV) or None
    if isinstance(mapping, casemap.CaseMapping):
        return encoding, mapping
    return encoding, casemap.load_mapping(mapping) if mapping else None


def _load(file: Path, encoding: str | None, mapping: casemap.CaseMapping | None,
          memo: bool) -> tuple[pl.DataFrame, str | None]:
    """The validated frame of ``file``, and its SHA-256 when it was taken for the memo."""
    if not memo or not file.is_file():
        return validate.read_cases(file, encoding=encoding, mapping=mapping), None
    digest = checksum.sha256_file(file)
    kept = paths.VALIDATED / f"{memo_key(file, encoding, digest, mapping=mapping)}.parquet"
    try:
        frame = pl.read_parquet(kept)
        if frame.schema == schema.SCHEMA:
            return frame, digest
    except Exception:  # no memo yet, or one that cannot be read: validate afresh
        pass
    frame = validate.read_cases(file, encoding=encoding, mapping=mapping)
    _remember(frame, kept)
    return frame, digest


@functools.cache
def _code_version() -> str:
    """A digest of the code that decides what a valid, typed frame is: the case rules,
    the schema and the ingest layer that reads files and runs the rules."""
    digest = hashlib.sha256(pl.__version__.encode())
    modules = (validate, caserules, casemap, spellings, pseudonym, schema)
    for source in (*(Path(m.__file__) for m in modules),
                   *sorted(Path(ingest.__file__).parent.glob("*.py"))):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def memo_key(file: Path, encoding: str | None = None, digest: str | None = None, *,
             mapping: str | Path | casemap.CaseMapping | None = None) -> str:
    """The name of ``file``'s validation memo: its bytes (``digest``, its SHA-256, when
    already taken), the encoding, the mapping file's bytes and the salt its person ids
    are hashed under, the day, the code."""
    if mapping is not None and not isinstance(mapping, casemap.CaseMapping):
        mapping = casemap.load_mapping(mapping)
    mapped = ([mapping.sha256, pseudonym.salt_digest() if mapping.person_from else ""]
              if mapping else [])
    parts = [digest or checksum.sha256_file(file), encoding or "", *mapped,
             dt.date.today().isoformat(), _code_version()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _remember(frame: pl.DataFrame, target: Path) -> None:
    """Write the memo atomically (a reader never sees half a file); drop old memos."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        os.close(handle)
        try:
            frame.write_parquet(name)
            os.replace(name, target)
        finally:
            Path(name).unlink(missing_ok=True)
        memos = sorted(target.parent.glob("*.parquet"), key=lambda p: p.stat().st_mtime,
                       reverse=True)
        for old in memos[MEMOS_KEPT:]:
            old.unlink(missing_ok=True)
    except OSError:  # a read-only checkout still loads, only without the memo
        pass


@dataclass(frozen=True)
class Source:
    """What a page says about the data it was built from. ``generator`` is the one that
    made a synthetic list (:data:`analysis.provenance.GENERATORS`; found from the file's
    place when not given: :func:`generator_of`), empty for a real list."""

    path: Path
    synthetic: bool
    sha256: str
    generator: str = ""

    def __post_init__(self) -> None:
        if not self.synthetic:
            if self.generator:
                raise ValueError(f"a real list has no generator, not {self.generator!r}")
            return
        if not self.generator:
            object.__setattr__(self, "generator", generator_of(self.path))
        if self.generator not in provenance.GENERATORS:
            raise ValueError(f"no generator {self.generator!r}: one of "
                             f"{', '.join(provenance.GENERATORS)}")

    @property
    def default(self) -> bool:
        """The project's own synthetic case list (not a list derived from other files)."""
        return self.synthetic and self.path.resolve().parent == paths.SYNTHETIC.resolve()

    @property
    def label(self) -> str:
        if self.default:
            return f"synthetic default data ({self.path.name}), generated by this project"
        if self.synthetic:  # e.g. the case list analysis doj made of the synthetic DOJ file
            return f"synthetic data ({_shown_path(self.path)}), generated by this project"
        return f"user-supplied file {self.path.name}"


def _shown_path(file: Path) -> str:
    """A generated file's path under data/synthetic, else its name."""
    try:
        return file.resolve().relative_to(paths.SYNTHETIC.resolve()).as_posix()
    except ValueError:
        return file.name


def describe_source(path: str | Path | None = None, seed: int = paths.DEFAULT_SEED) -> Source:
    return _source(resolve(path, seed))


def _doj_summary(file: Path) -> dict | None:
    """The summary ``analysis doj`` wrote beside the case list ``file`` (None when there
    is none, or what is there is not one)."""
    from . import summarychecks

    found = summarychecks.beside(file)
    try:
        return summarychecks.load(found) if found else None
    except ValueError:
        return None


_UNREAD = object()  # the summary beside a list, not looked for yet


def generator_of(file: Path, summary=_UNREAD) -> str:
    """Which generator made the synthetic list ``file``: the DOJ generator for a list
    ``analysis doj`` wrote (its summary beside it; ``summary``, when the caller has
    read it already), except directly in data/synthetic (where the default list lives);
    the case-list generator otherwise."""
    if file.resolve().parent == paths.SYNTHETIC.resolve():
        return provenance.CASE_LIST
    if summary is _UNREAD:
        summary = _doj_summary(file)
    return provenance.DOJ if summary else provenance.CASE_LIST


def _is_synthetic(file: Path, summary=_UNREAD) -> bool:
    """A file the project generated: anything under ``data/synthetic`` (the default case
    list, and what ``make doj-demo`` derives from the synthetic DOJ file), or a list
    ``analysis doj`` made of a DOJ file ``analysis synth --format doj`` wrote (its
    ``summary`` says so: ``lacra.syntheticInput``)."""
    if paths.SYNTHETIC.resolve() in file.resolve().parents:
        return True
    if summary is _UNREAD:
        summary = _doj_summary(file)
    return bool(summary and (summary.get("lacra") or {}).get("syntheticInput") is True)


def _source(file: Path, digest: str | None = None) -> Source:
    summary = _doj_summary(file)  # read once: it says both whether and how it was made
    synthetic = _is_synthetic(file, summary)
    return Source(file, synthetic, digest or checksum.sha256_file(file),
                  generator_of(file, summary) if synthetic else "")


def __dir__() -> list[str]:
    return sorted(__all__)
