"""One chunk of the DOJ-format file: people, records, sentences, truth and rows.

A chunk is a slice of the population with its own random stream (the seed and the
chunk's number), so a file of any size is written chunk by chunk in bounded memory,
and the same seed and size always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from . import codes, people, records, rows, sentences, truth
from .params import COMPUTE_AT, COMPUTE_AT_EARLIEST, DojAssumptions, doj_target

__all__ = ["CHUNK_PEOPLE", "Chunk", "chunk", "plan"]

CHUNK_PEOPLE = 60_000  # people per chunk: the default file is one chunk


@dataclass(frozen=True)
class Chunk:
    """What one chunk asks for: people per group and Prop 64 conviction totals (the
    felonies the rules dismiss, the misdemeanors)."""

    index: int
    offset: int  # people in the chunks before it
    counts: dict
    dismissed: int
    misdemeanors: int


def _split(total: int, k: int) -> list[int]:
    return [total // k + (i < total % k) for i in range(k)]


def plan(a: DojAssumptions, scale: float) -> list[Chunk]:
    """The chunks of a file at ``scale`` (1.0 is the published population)."""
    counts = people.group_counts(a, scale)
    n = sum(counts.values())
    if n < 1:
        raise ValueError(f"scale {scale} leaves nobody in the file")
    k = max(1, math.ceil(n / CHUNK_PEOPLE))
    per = {g: _split(c, k) for g, c in counts.items()}
    dismissed = _split(int(round(doj_target("doj_felonies") * scale)), k)
    misdemeanors = _split(int(round(doj_target("doj_misdemeanors") * scale)), k)
    out, offset = [], 0
    for i in range(k):
        c = {g: per[g][i] for g in counts}
        out.append(Chunk(i, offset, c, dismissed[i], misdemeanors[i]))
        offset += sum(c.values())
    return out


def _offenses(rng, conv: pl.DataFrame, a: DojAssumptions) -> pl.DataFrame:
    """Offense descriptions from the code keys, some Prop 64 ones written unspaced."""
    kind = pl.col("kind")
    squeeze = (kind == "p64") & pl.Series(rng.random(conv.height) < a.unspaced_section_share)
    text = (pl.when(kind == "p64").then(pl.col("key").replace_strict(codes.OFFENSES,
                                                                     default=""))
            .when(kind == "sex").then(pl.col("level").replace_strict(codes.SEX_OFFENSES))
            .otherwise(pl.col("key")))
    return conv.with_columns(offense=pl.when(squeeze).then(
        text.str.replace(" HS-", "HS-", literal=True)).otherwise(text))


def chunk(seed: int, c: Chunk, a: DojAssumptions, compute_at: dt.date = COMPUTE_AT
          ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The chunk's rows (95 text columns and ``conv``) and its convictions decided as
    of ``compute_at``."""
    rng = np.random.default_rng([seed, c.index])
    folk = people.people(rng, c.counts, a)
    t, events = records.build(rng, folk, c.dismissed, c.misdemeanors, a)
    sent = sentences.sentences(rng, t, a)
    death = sentences.deaths(rng, folk, t, a)
    conv = pl.DataFrame({
        "person": t["person"], "conv": np.arange(len(t["person"])),
        "kind": t["kind"].astype(str), "level": t["level"].astype(str),
        "county": t["county"].astype(str), "key": t["key"].astype(str),
        "date": people.to_real(t["date"]),
        **{k: (v.astype(str) if v.dtype == object else v) for k, v in sent.items()},
    })
    conv = _offenses(rng, conv, a)
    folk_df = pl.DataFrame({"person": np.arange(len(folk["group"])), "dob": folk["dob"],
                            "death": death, "gender": folk["gender"], "race": folk["race"],
                            "group": folk["group"]})
    reg = events["registration"]
    regs = pl.DataFrame({
        "person": np.concatenate([p for p, _ in reg]) if reg else np.zeros(0, np.int64),
        "date": people.to_real(np.concatenate([d for _, d in reg])) if reg
        else np.zeros(0, np.int64)})
    person, date, offense, level, court = events["arrest"][0]
    arrests = pl.DataFrame({"person": person, "conv": np.arange(len(person)),
                            "date": people.to_real(date), "offense": offense.astype(str),
                            "level": level.astype(str), "court_step": court})
    decided = truth.determine(conv, folk_df, regs, compute_at=compute_at)
    if COMPUTE_AT_EARLIEST <= compute_at <= COMPUTE_AT:
        _check(decided, c)  # other dates give other determinations, by design
    dead = folk_df.filter(pl.col("death") >= 0).select("person", date=pl.col("death"))
    frame = rows.rows(conv, regs, dead, arrests,
                      folk_df.select("person", "dob", "gender", "race"), rng, a, c.offset)
    decided = decided.join(folk_df.select("person", "group"), on="person", how="left")
    return frame, decided.with_columns(person=pl.col("person") + c.offset)


def _check(decided: pl.DataFrame, c: Chunk) -> None:
    """Refuse a chunk whose ground truth misses what it was built for."""
    got = decided.filter((pl.col("level") == "F") & (pl.col("determination") == "dismissed"))
    if got.height != c.dismissed:
        raise AssertionError(f"chunk {c.index}: {got.height} felonies dismissed, "
                             f"not {c.dismissed}")


def __dir__() -> list[str]:
    return sorted(__all__)
