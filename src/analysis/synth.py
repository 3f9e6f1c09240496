"""The synthetic, deterministic case-level default dataset.

Case-level dismissal lists are not public, so the project ships a generator whose
output reproduces every published figure it can (see :mod:`analysis.assumptions`) and
fills the rest from documented assumptions. The same seed always gives the same rows
and, written to the same format, the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from . import paths, reference, schema
from .assumptions import DEFAULT, Assumptions, target

__all__ = ["COURTHOUSES", "DEFAULT_COURTHOUSE", "LAST_DAY_OF_2016", "LAST_YEAR",
           "default_cases", "generate", "write"]

LAST_YEAR = schema.PROP64_EFFECTIVE.year  # 2016
LAST_DAY_OF_2016 = schema.PROP64_EFFECTIVE.timetuple().tm_yday  # Nov 8 = day 313

# A few courthouses of the Superior Court, by the city whose cases they hear; other
# jurisdictions default to the downtown criminal courthouse. Only used for rows found in
# court records.
COURTHOUSES = {
    "Long Beach": "Governor George Deukmejian Courthouse",
    "Pasadena": "Pasadena Courthouse",
    "Torrance": "Torrance Courthouse",
    "Compton": "Compton Courthouse",
    "Lancaster": "Michael D. Antonovich Antelope Valley Courthouse",
    "Palmdale": "Michael D. Antonovich Antelope Valley Courthouse",
    "Pomona": "Pomona Courthouse South",
    "Santa Monica": "Santa Monica Courthouse",
    "Burbank": "Burbank Courthouse",
    "Norwalk": "Norwalk Courthouse",
    "Alhambra": "Alhambra Courthouse",
    "Santa Clarita": "Santa Clarita Courthouse",
}
DEFAULT_COURTHOUSE = "Clara Shortridge Foltz Criminal Justice Center"


class _Pools:
    """Jurisdictions and their sampling weights, by eligibility."""

    def __init__(self) -> None:
        table = reference.jurisdictions()
        self.names = np.array(table["jurisdiction"].cast(pl.String).to_list())
        self.population = table["population_2020"].to_numpy().astype(float)
        own = np.isin(self.names, schema.CITY_PROSECUTOR_CITIES)
        self.masks = {"all": np.ones(len(self.names), bool), "city": own, "da": ~own}

    def draw(self, rng: np.random.Generator, pool: str, n: int) -> np.ndarray:
        mask = self.masks[pool]
        weights = self.population[mask] / self.population[mask].sum()
        return rng.choice(self.names[mask], size=n, p=weights)


def _exact_counts(shares: dict[str, float], n: int) -> dict[str, int]:
    """Split ``n`` into integer counts whose shares are as close as possible."""
    raw = {k: v * n for k, v in shares.items()}
    counts = {k: int(np.floor(v)) for k, v in raw.items()}
    short = n - sum(counts.values())
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[:short]:
        counts[k] += 1
    return counts


def _year_weights(profile, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    years = np.arange(first, last + 1)
    anchors, weights = zip(*profile, strict=True)
    w = np.interp(years, anchors, weights)
    return years, w / w.sum()


def _dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """A uniformly random day within each year, never after Prop 64's cut-off."""
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    length = np.where(years == LAST_YEAR, LAST_DAY_OF_2016, 365 + leap)
    day = np.floor(rng.random(len(years)) * length).astype(int)
    start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    return start + day.astype("timedelta64[D]")


def _people(rng, n: int, race_shares: dict[str, float], pools: _Pools) -> pl.DataFrame:
    counts = _exact_counts(race_shares, n)
    race = np.repeat(list(counts), list(counts.values()))
    rng.shuffle(race)
    return pl.DataFrame({"race_ethnicity": race, "home": pools.draw(rng, "all", n)})


def _spread(rng, n_people: int, n_rows: int, shape: float) -> np.ndarray:
    """How many convictions each person holds: one each, extras spread unevenly."""
    weights = rng.gamma(shape, size=n_people)
    extra = rng.multinomial(n_rows - n_people, weights / weights.sum())
    return 1 + extra


def _batch(rng, batch: str, people: pl.DataFrame, felonies: int, misdemeanors: int,
           a: Assumptions, pools: _Pools) -> pl.DataFrame:
    """Rows of one motion before case numbering."""
    n = felonies + misdemeanors
    per_person = _spread(rng, people.height, n, a.repeat_weight_shape)
    rows = people.select(pl.all().repeat_by(pl.Series(per_person)).explode())
    level = np.array(["felony"] * felonies + ["misdemeanor"] * misdemeanors)
    rng.shuffle(level)

    # Where each conviction was filed: at home when home is eligible for that level.
    misd_pool = "city" if batch == "feb2020" else "da"
    home = rows["home"].to_numpy()
    eligible = (level == "felony") | np.isin(home, pools.names[pools.masks[misd_pool]])
    jurisdiction = home.copy()
    need = (~eligible).nonzero()[0]
    jurisdiction[need] = pools.draw(rng, misd_pool, len(need))

    # Years follow the assumed profile from the batch's first year.
    first = {("feb2020", "felony"): int(target("feb2020_first_year")),
             ("feb2020", "misdemeanor"): a.feb2020_misdemeanor_first_year}
    years = np.empty(n, int)
    for lvl in ("felony", "misdemeanor"):
        idx = (level == lvl).nonzero()[0]
        start = first.get((batch, lvl), a.sep2021_first_year)
        ys, w = _year_weights(a.year_profile, start, LAST_YEAR)
        years[idx] = rng.choice(ys, size=len(idx), p=w)
        years[idx[0]] = start  # the oldest year reported is present
    dates = _dates(rng, years)

    # Code sections from the assumed mixes.
    mixes = {
        ("feb2020", "felony"): a.feb2020_felony_sections,
        ("feb2020", "misdemeanor"): (("11357", 1.0),),
        ("sep2021", "felony"): a.sep2021_felony_sections,
        ("sep2021", "misdemeanor"): a.sep2021_misdemeanor_sections,
    }
    section = np.empty(n, object)
    for lvl in ("felony", "misdemeanor"):
        idx = (level == lvl).nonzero()[0]
        names, weights = zip(*mixes[(batch, lvl)], strict=True)
        section[idx] = rng.choice(names, size=len(idx), p=np.array(weights) / sum(weights))

    return rows.with_columns(
        pl.Series("charge_level", level),
        pl.Series("jurisdiction", jurisdiction),
        pl.Series("conviction_date", dates).cast(pl.Date),
        pl.Series("hs_section", section.astype(str)),
        pl.lit(batch).alias("batch"),
        pl.Series("u_case", rng.random(n)),
        pl.Series("u_court", rng.random(n)),
    )


def _finish(rows: pl.DataFrame, a: Assumptions, prefix: str) -> pl.DataFrame:
    """Group convictions into cases, then derive the dependent columns."""
    capture = dict(a.court_capture_by_decade)
    decade = schema.conviction_decade("conviction_date")
    return (
        rows
        # order each person's convictions in time
        .sort("person_id", "conviction_date", "u_case")
        # a further conviction of the same level may be another count of the same case
        .with_columns(
            joins=((pl.col("person_id") == pl.col("person_id").shift(1))
                   & (pl.col("charge_level") == pl.col("charge_level").shift(1))
                   & (pl.col("u_case") < a.same_case_share))
            # the first row has no row before it: it starts a case (never null)
            .fill_null(False)
        )
        .with_columns(case_no=(~pl.col("joins")).cum_sum())
        # counts of one case share the first count's date and place
        .with_columns(
            pl.col("conviction_date").first().over("case_no"),
            pl.col("jurisdiction").first().over("case_no"),
            count=pl.int_range(1, pl.len() + 1).over("case_no").cast(pl.Int16),
        )
        # pseudonymous case numbers in conviction order
        .sort("conviction_date", "case_no", "count")
        .with_columns(
            case_id=pl.format("{}-{}", pl.lit(prefix),
                              (pl.col("case_no").rank("dense", descending=False)
                               .cast(pl.String).str.zfill(6))),
        )
        # which lists found it
        .with_columns(
            found_in_court=pl.when(pl.col("batch") == "sep2021").then(True)
            .when(pl.col("conviction_date").dt.year() < a.sep2021_first_year).then(False)
            .otherwise(pl.col("u_court") < decade.replace_strict(capture, default=0.0)),
            found_in_doj=pl.col("batch") == "feb2020",
        )
    )


def generate(seed: int = paths.DEFAULT_SEED, assumptions: Assumptions = DEFAULT) -> pl.DataFrame:
    """The synthetic case-level dataset for ``seed``, in the canonical schema."""
    a = assumptions
    rng = np.random.default_rng(seed)
    pools = _Pools()

    # People of the 2020 motion: published race shares, exact counts.
    other = dict(a.other_unknown_split)
    shares_2020 = {"Latino": target("feb2020_share_latino"),
                   "Black": target("feb2020_share_black"),
                   "White": target("feb2020_share_white")}
    shares_2020 |= {k: v * target("feb2020_share_other_unknown") for k, v in other.items()}
    n_2020 = int(target("feb2020_people"))
    people_2020 = _people(rng, n_2020, shares_2020, pools)

    # People of the 2021 motion: some return from 2020, the rest are new.
    f21, m21 = int(target("sep2021_felonies")), int(target("sep2021_misdemeanors"))
    n_2021 = round((f21 + m21) / a.sep2021_convictions_per_person)
    n_back = round(n_2021 * a.sep2021_people_also_in_feb2020)
    people_new = _people(rng, n_2021 - n_back, dict(a.sep2021_race_shares), pools)

    ids = rng.permutation(n_2020 + len(people_new)) + 1
    people_2020 = people_2020.with_columns(person_id=pl.Series(ids[:n_2020]))
    people_new = people_new.with_columns(person_id=pl.Series(ids[n_2020:]))
    returning = people_2020[np.sort(rng.choice(n_2020, n_back, replace=False))]
    people_2021 = pl.concat([returning, people_new])

    rows = pl.concat([
        _finish(_batch(rng, "feb2020", people_2020, int(target("feb2020_felonies")),
                       int(target("feb2020_misdemeanors")), a, pools), a, "D20"),
        _finish(_batch(rng, "sep2021", people_2021, f21, m21, a, pools), a, "C21"),
    ])

    motion = pl.col("batch").replace_strict(
        {k: v for k, v in schema.MOTION_DATES.items()}, return_dtype=pl.Date)
    court = pl.col("jurisdiction").replace_strict(COURTHOUSES, default=DEFAULT_COURTHOUSE)
    return (
        rows
        # derive the columns that follow from others
        .with_columns(
            person_id=pl.format("P{}", pl.col("person_id").cast(pl.String).str.zfill(7)),
            motion_date=motion,
            hs_subsection=pl.lit(None, pl.String),
            offense_type=pl.col("hs_section").replace_strict(schema.SECTION_OFFENSE),
            prosecuting_agency=schema.expected_agency("charge_level", "jurisdiction"),
            court_location=pl.when(pl.col("found_in_court")).then(court),
            relief_granted=pl.lit("dismissed"),
        )
        # canonical columns, types and order
        .select(pl.col(name).cast(dtype) for name, dtype in schema.SCHEMA.items())
        .sort("batch", "case_id", "count")
    )


def write(frame: pl.DataFrame, out: Path) -> Path:
    """Write ``frame`` as Parquet or CSV (by extension), atomically."""
    out = Path(out)
    if out.suffix not in (".csv", ".parquet"):
        raise ValueError(f"{out}: write .parquet or .csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    # a temporary name of its own, so two processes writing the same file never share one
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    tmp = Path(name)
    tmp.chmod(0o644)  # mkstemp's 0600 would hide generated public data from other users
    try:
        if out.suffix == ".csv":
            frame.write_csv(tmp)
        else:
            frame.write_parquet(tmp, compression="zstd", statistics=False)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def default_cases(seed: int = paths.DEFAULT_SEED) -> Path:
    """Path of the default dataset for ``seed``, generating it on first use."""
    path = paths.synthetic_cases(seed)
    if not path.is_file():
        write(generate(seed), path)
    return path


def __dir__() -> list[str]:
    return sorted(__all__)

