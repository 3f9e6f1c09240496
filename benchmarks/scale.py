"""Case tables of any size for benchmarks, built from the synthetic default.

The 123,600-row synthetic dataset is tiled with fresh case and person ids until it
reaches the requested size, so group cardinalities grow the way a real, larger list's
would (more people, the same categories). Files are cached in ``benchmarks/.data``.
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl

from analysis import paths, synth

CACHE = paths.ROOT / "benchmarks" / ".data"
SIZES = {"124k": 123_600, "1m": 1_000_000, "10m": 10_000_000}


def scaled_cases(rows: int, seed: int = paths.DEFAULT_SEED) -> Path:
    """A Parquet case table of ``rows`` rows; generated once, then reused."""
    out = CACHE / f"cases_{rows}_seed{seed}.parquet"
    if out.is_file():
        return out
    base = synth.generate(seed)
    tiles = math.ceil(rows / base.height)
    frame = (
        pl.concat(
            base.with_columns(
                # tile k gets its own ids so people and cases stay distinct
                pl.format("{}-{}", "case_id", pl.lit(k)).alias("case_id"),
                pl.format("{}-{}", "person_id", pl.lit(k)).alias("person_id"),
            )
            for k in range(tiles)
        )
        .head(rows)
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    return synth.write(frame, out)


def large_list(rows: int = 1_000_000, seed: int = paths.DEFAULT_SEED,
               suffix: str = ".csv") -> Path:
    """A plausible case list of ``rows`` rows, as a user would hand it in (CSV).

    Unlike :func:`scaled_cases`, each tile is drawn afresh: tile ``k`` is the synthetic
    default generated with seed ``seed + k``, its case and person ids made its own, so
    dates, places and people differ between tiles as they would in a larger county's
    list. The last tile keeps whole people (in person order) up to ``rows``, splitting
    one at most. Deterministic; written once to ``benchmarks/.data`` and reused.
    """
    out = CACHE / f"list_{rows}_seed{seed}{suffix}"
    if out.is_file():
        return out
    parts, have, k = [], 0, 0
    while have < rows:
        tile = synth.generate(seed + k).with_columns(
            pl.format("{}-{}", "case_id", pl.lit(k)).alias("case_id"),
            pl.format("{}-{}", "person_id", pl.lit(k)).alias("person_id"))
        if have + tile.height > rows:
            tile = tile.sort("person_id", "batch", "case_id", "count").head(rows - have)
        parts.append(tile)
        have += tile.height
        k += 1
    frame = pl.concat(parts).sort("batch", "case_id", "count")
    CACHE.mkdir(parents=True, exist_ok=True)
    return synth.write(frame, out)
