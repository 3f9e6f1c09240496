"""One chunk's records as rows of the DOJ AB 1793 layout (95 text fields).

Each conviction is a cycle of its own: an arrest step (the charge, no disposition) and a
court-action step whose first count is the conviction, with a second row of the same
``CNT_ORDER`` when the sentence has a second part, and sometimes a further count
dismissed. Registrations and deaths are cycles of one step. Cycles are numbered in date
order within a person; ``CNT_ORDER`` is cycle, step and count (three digits each) and
``000``. Identifiers are plainly made up: ``SYNTH,PERSON 000123``, CII numbers
beginning ``99`` and social security numbers beginning ``000`` (a range never issued).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from . import codes

__all__ = ["person_columns", "rows"]

_DATE = "%Y%m%d"
_UNIT_DESCR = {"D": "DAYS", "M": "MONTHS", "Y": "YEARS", "": ""}


def _ymd(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.Int32).cast(pl.Date).dt.strftime(_DATE)


def person_columns(offset: int) -> list[pl.Expr]:
    """The person's own fields, from ``person`` (chunk-local) and its facts."""
    g = (pl.col("person") + offset + 1).cast(pl.String)
    return [
        (pl.col("person") + offset + 90_000_001).cast(pl.String).alias("SUBJECT_ID"),
        pl.concat_str(pl.lit("99"), g.str.zfill(8)).alias("CII_NUMBER"),
        pl.concat_str(pl.lit("SYNTH,PERSON "), g.str.zfill(6)).alias("PRI_NAME"),
        pl.concat_str(pl.lit("000"), ((pl.col("person") + offset + 1) % 1_000_000)
                      .cast(pl.String).str.zfill(6)).alias("PRI_SSN"),
        _ymd("dob").alias("PRI_DOB"),
        pl.col("gender").alias("GENDER"),
        pl.col("race").alias("RACE_CODE"),
        pl.col("race").replace_strict(codes.RACES).alias("RACE_DESCR"),
    ]


def _cycles(conv: pl.DataFrame, regs: pl.DataFrame, dead: pl.DataFrame,
            arrests: pl.DataFrame) -> pl.DataFrame:
    """Every cycle of the chunk numbered within its person by date."""
    return (
        pl.concat([conv.select("person", "date", "conv", pl.lit("C").alias("type")),
                   arrests.select("person", "date", "conv", pl.lit("A").alias("type")),
                   regs.select("person", "date", pl.lit(None, pl.Int64).alias("conv"),
                               pl.lit("R").alias("type")),
                   dead.select("person", "date", pl.lit(None, pl.Int64).alias("conv"),
                               pl.lit("D").alias("type"))])
        # date order within a person; a conviction before a registration on one day
        .sort("person", "date", "type", "conv", nulls_last=True)
        .with_columns(cyc=pl.int_range(1, pl.len() + 1).over("person"))
    )


def _courts(a, group: str) -> np.ndarray:
    """Positions in COURTS of the courthouses ``a.court_spread`` gives ``group``."""
    return np.array([codes.COURTS.index(c) for c in dict(a.court_spread)[group]])


def _per_cycle(cyc: pl.DataFrame, conv: pl.DataFrame, rng, a) -> pl.DataFrame:
    """Draws shared by every row of a cycle: its court (``a.court_spread``: for a Los
    Angeles Prop 64 misdemeanor, one of a city with its own prosecutor), agency and
    spellings."""
    n = cyc.height
    city = ((conv["kind"] == "p64") & (conv["level"] == "M")
            & (conv["county"] == codes.LA)).to_numpy()
    convicted = (cyc["type"] == "C").to_numpy()
    misdemeanor = convicted & city[np.where(convicted, cyc["conv"].fill_null(0).to_numpy(), 0)]
    # each group's courthouses equally likely; the misdemeanors' drawn first
    city_courts, any_court = _courts(a, "Prop 64 misdemeanor"), _courts(a, "any other conviction")
    court = np.where(misdemeanor, city_courts[rng.integers(0, len(city_courts), n)],
                     any_court[rng.integers(0, len(any_court), n)])
    return cyc.select(
        "person", "cyc",
        court=pl.Series(court),
        agency=pl.Series(rng.integers(0, len(codes.AGENCIES), n)),
        u_comment=pl.Series(rng.random(n)), u_level=pl.Series(rng.random(n)))


def _court_rows(cyc: pl.DataFrame, rng, a) -> pl.DataFrame:
    """Arrest, conviction, second sentence part and dismissed counts of conviction
    cycles (``step``, ``count``, ``part`` say which)."""
    c = cyc.filter(pl.col("type") == "C")
    n = c.height
    arrest = c.with_columns(step=1, count=1, part=0, row=pl.lit("arrest"),
                            date=pl.col("date") - pl.Series(rng.integers(1, 121, n)))
    court = c.with_columns(step=2, count=1, part=0, row=pl.lit("court"))
    second = c.filter(pl.col("extra") > 0).with_columns(step=2, count=1, part=1,
                                                         row=pl.lit("part"))
    dropped = c.filter(pl.Series(rng.random(n) < a.dismissed_count_share)).with_columns(
        step=2, count=2, part=0, row=pl.lit("dropped"))
    return pl.concat([arrest, court, second, dropped], how="diagonal")


def _arrest_rows(cyc: pl.DataFrame, arrests: pl.DataFrame) -> pl.DataFrame:
    """Arrests with no conviction: the arrest, and for some a court step whose count
    was dismissed."""
    a = (cyc.filter(pl.col("type") == "A").drop("date")
         .join(arrests, on=["person", "conv"], how="left")
         .with_columns(pl.lit(None, pl.Int64).alias("conv")))
    return pl.concat([
        a.with_columns(step=1, count=1, part=0, row=pl.lit("arrest_only"),
                       date=pl.col("date") - 60),
        a.filter("court_step").with_columns(step=2, count=1, part=0,
                                            row=pl.lit("dropped_only")),
    ]).drop("court_step")


def rows(conv: pl.DataFrame, regs: pl.DataFrame, dead: pl.DataFrame, arrests: pl.DataFrame,
         people: pl.DataFrame, rng, a, offset: int) -> pl.DataFrame:
    """The chunk's rows, in file order, with every field as text (and ``conv``, the
    conviction a conviction row records, for the ground truth)."""
    cyc = _cycles(conv, regs, dead, arrests)
    convs = cyc.filter(pl.col("type") == "C").drop("type", "date").join(
        conv, on=["person", "conv"], how="left").with_columns(type=pl.lit("C"))
    court = _court_rows(convs, rng, a)
    other = cyc.filter(pl.col("type").is_in(["R", "D"])).with_columns(
        step=1, count=1, part=0,
        row=pl.when(pl.col("type") == "R").then(pl.lit("registration"))
        .otherwise(pl.lit("death")))
    frame = (
        pl.concat([court, _arrest_rows(cyc, arrests), other], how="diagonal")
        # one draw per cycle: its court or agency, and how its offense is written
        .join(_per_cycle(cyc, conv, rng, a), on=["person", "cyc"], how="left")
        # file order: person, cycle, step, count, sentence part
        .sort("person", "cyc", "step", "count", "part")
        .join(people, on="person", how="left")
    )
    return _fields(frame, a, offset)


_ROW = pl.col("row")
_LA = pl.col("county").fill_null(codes.LA) == codes.LA
_CONVICTED = _ROW.is_in(["court", "part"])
_COURT_STEP = _ROW.is_in(["court", "part", "dropped", "dropped_only"])
_ARREST = _ROW.is_in(["arrest", "arrest_only"])


def _step_fields() -> dict[str, pl.Expr]:
    """Cycle, step and count: order, dates, type, court or agency, county."""
    court_name = pl.col("court").replace_strict(dict(enumerate(codes.COURTS)))
    agency = pl.col("agency").replace_strict(dict(enumerate(codes.AGENCIES)))
    ori_index = pl.when(_COURT_STEP).then(pl.col("court")).otherwise(pl.col("agency") + 100)
    ori = (pl.when(_COURT_STEP)
           .then(pl.when(_LA).then(court_name).otherwise(pl.concat_str(pl.lit("CASC"),
                                                                       pl.col("county"))))
           .when(_ROW == "death").then(pl.lit("CAMELOS ANGELES"))
           .otherwise(pl.when(_LA).then(agency).otherwise(
               pl.concat_str(pl.lit("CASO"), pl.col("county")))))
    return {
        "CYC_ORDER": pl.col("cyc").cast(pl.String), "CYC_DATE": _ymd("cycle_date"),
        "STP_ORDER": pl.col("step").cast(pl.String), "STP_EVENT_DATE": _ymd("date"),
        "STP_TYPE_DESCR": pl.when(_ARREST).then(pl.lit("ARREST/DETAINED/CITED"))
        .when(_ROW == "registration").then(pl.lit("REGISTRATION"))
        .when(_ROW == "death").then(pl.lit("DECEASED")).otherwise(pl.lit("COURT ACTION")),
        "STP_ORI_TYPE": ori.str.slice(0, 4), "STP_ORI_CODE": pl.lit("CA99") +
        (pl.when(_LA).then(ori_index).otherwise(900)).cast(pl.String).str.zfill(5),
        "STP_ORI_DESCR": ori, "STP_ORI_CNTY_NAME": pl.col("county").fill_null(codes.LA),
        "STP_ORI_CNTY_CODE": pl.col("county").fill_null(codes.LA)
        .replace_strict(codes.COUNTIES),
        "CNT_ORDER": pl.format("{}{}{}000", pl.col("cyc").cast(pl.String).str.zfill(3),
                               pl.col("step").cast(pl.String).str.zfill(3),
                               pl.col("count").cast(pl.String).str.zfill(3)),
        "DISP_DATE": pl.when(_COURT_STEP).then(_ymd("date")),
        "OFN": pl.when(_ROW != "death").then(pl.format(
            "SYN{}{}", pl.col("SUBJECT_ID"), pl.col("cyc").cast(pl.String).str.zfill(3))),
        "CYC_AGE": ((pl.col("cycle_date") - pl.col("dob")) / 365.25).floor()
        .cast(pl.Int64).cast(pl.String),
    }


def _count_fields(a) -> dict[str, pl.Expr]:
    """The offense, the disposition, the level and the sentence part of a count."""
    see_comment = _CONVICTED & (pl.col("u_comment") < a.see_comment_share)
    offense = (pl.when(_ROW == "registration").then(pl.lit(codes.REGISTRATION))
               .when(_ROW == "death").then(pl.lit(""))
               .when(_ROW == "dropped").then(pl.lit(codes.OTHER_MISDEMEANORS[2]))
               .otherwise(pl.col("offense")))
    level = pl.when(_ROW.is_in(["registration", "death"])).then(pl.lit("")).when(
        _ROW == "dropped").then(pl.lit("M")).otherwise(pl.col("level"))
    part = pl.col("part") == 1
    loc = pl.when(part).then(pl.lit("JAIL")).otherwise(pl.col("loc"))
    length = pl.when(part).then(pl.col("extra")).otherwise(pl.col("length"))
    unit = pl.when(part).then(pl.lit("D")).otherwise(pl.col("unit"))
    return {
        "OFFENSE_DESCR": pl.when(see_comment).then(pl.lit("SEE COMMENT FOR CHARGE"))
        .otherwise(offense),
        "OFFENSE_TOC": level, "COMMENT_TEXT": pl.when(see_comment).then(offense),
        "DISP_DESCR": pl.when(_CONVICTED).then(pl.concat_str(pl.lit("CONVICTED-"), loc))
        .when(_ROW.is_in(["dropped", "dropped_only"])).then(pl.lit("DISMISSED/CHARGE DROPPED"))
        .when((_ROW == "arrest_only") & (pl.col("u_level") < 0.3))
        .then(pl.lit("REL/TOT OTHER JURIS/AUTH")),
        "CONV_STAT_DESCR": pl.when(_CONVICTED & (pl.col("u_level") >= 0.02)).then(
            level.replace_strict({"F": "FELONY", "M": "MISDEMEANOR"}, default="")),
        "SENT_LOC_DESCR": pl.when(_CONVICTED).then(loc),
        "SENT_LENGTH": pl.when(_CONVICTED & (length > 0)).then(length.cast(pl.String)),
        "SENT_TIME_CODE": pl.when(_CONVICTED).then(unit),
        "SENT_TIME_DESCR": pl.when(_CONVICTED).then(unit.replace_strict(_UNIT_DESCR)),
        "FE_NUM_CRT_CASE": pl.when(_CONVICTED).then(pl.col("OFN")),
    }


def _fields(f: pl.DataFrame, a, offset: int) -> pl.DataFrame:
    """Every field of the layout from the row's facts (2% of convictions leave the
    level to OFFENSE_TOC; four qualifier fields are padded)."""
    pad = pl.lit(" " * a.line_padding)
    values = {
        **{e.meta.output_name(): e for e in person_columns(offset)},
        "REQ_SEG_SEP": pl.lit("#"), "REQ_CII_NUMBER": pl.col("CII_NUMBER"),
        "CITIZENSHIP_LIST": pad, "OFFENSE_QUAL_LST": pad, "DISP_OFFENSE_QUAL_LST": pad,
        "CONV_OFFENSE_QUAL_LST": pad, "SENT_SEG_SEP": pl.lit("#"), "END_OF_REC": pl.lit("#"),
        **_step_fields(), **_count_fields(a),
    }
    return _select(f, values)


def _select(f: pl.DataFrame, values: dict[str, pl.Expr]) -> pl.DataFrame:
    """Evaluate the fields in dependency order, then keep the 95 columns (and ``conv``
    for the truth)."""
    first = ("SUBJECT_ID", "CII_NUMBER")
    f = f.with_columns(cycle_date=pl.col("date").min().over("person", "cyc"))
    f = f.with_columns(values[k].alias(k) for k in first)
    f = f.with_columns(values["OFN"].alias("OFN"))
    rest = {k: v for k, v in values.items() if k not in (*first, "OFN")}
    f = f.with_columns(v.alias(k) for k, v in rest.items())
    # an empty field is written as nothing (``,,``), as the state's extract writes it
    text = lambda c: pl.col(c).cast(pl.String)  # noqa: E731
    return f.select(
        *(pl.when(text(c) != "").then(text(c)).alias(c) if c in f.columns
          else pl.lit(None, pl.String).alias(c) for c in codes.COLUMNS),
        pl.when(pl.col("row") == "court").then(pl.col("conv")).alias("conv"))


def __dir__() -> list[str]:
    return sorted(__all__)
