"""The synthetic DOJ AB 1793 file: layout, determinism, identifiers, calibration, and
the Los Angeles rules checked against the generator's ground truth.

Two independent paths meet here: the generator's ground truth (the rules applied to
the records it built, before any row is written) and ``analysis.doj`` (the rules
applied to the rows read back from the file). The layout and the counts are also
recounted from the CSV with the standard library only.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import Counter

import polars as pl
import pytest

from analysis import cli, synth_doj
from analysis.synth_doj import params

SMALL = 2_000


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("doj") / "small.csv"
    return synth_doj.write(out, seed=7, people=SMALL, log=lambda m: None)


@pytest.fixture(scope="module")
def small_rows(small_file):
    with open(small_file.path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def default_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("doj") / "default.csv"
    return synth_doj.write(out, seed=2020, log=lambda m: None)


# -- layout ------------------------------------------------------------------------

# The 95 fields as the format notes list them, 0-based, a few spot checks.
SPOT = {0: "RECORD_ID", 2: "SUBJECT_ID", 11: "CII_NUMBER", 12: "PRI_NAME", 14: "PRI_DOB",
        21: "RACE_CODE", 36: "CYC_ORDER", 40: "STP_EVENT_DATE", 42: "STP_TYPE_DESCR",
        46: "STP_ORI_DESCR", 48: "STP_ORI_CNTY_NAME", 50: "CNT_ORDER", 54: "OFFENSE_DESCR",
        55: "OFFENSE_TOC", 80: "DISP_DESCR", 82: "CONV_STAT_DESCR", 86: "SENT_LOC_DESCR",
        87: "SENT_LENGTH", 88: "SENT_TIME_CODE", 93: "COMMENT_TEXT", 94: "END_OF_REC"}


def test_header_is_the_95_fields_in_order(small_rows):
    header = small_rows[0]
    assert len(header) == 95 and len(set(header)) == 95
    assert {i: header[i] for i in SPOT} == SPOT  # placed as the format notes place them


def test_every_row_has_95_fields_and_valid_dates(small_rows):
    header = small_rows[0]
    assert Counter(len(r) for r in small_rows[1:]) == Counter({95: len(small_rows) - 1})
    dates = [header.index(c) for c in ("PRI_DOB", "CYC_DATE", "STP_EVENT_DATE", "DISP_DATE")]
    for row in small_rows[1:]:
        for i in dates:
            if row[i]:
                dt.datetime.strptime(row[i], "%Y%m%d")  # raises on a bad date


def _col(rows, name):
    i = rows[0].index(name)
    return [r[i] for r in rows[1:]]


def test_codes_are_those_of_the_format(small_rows):
    assert set(_col(small_rows, "STP_TYPE_DESCR")) == {
        "COURT ACTION", "ARREST/DETAINED/CITED", "REGISTRATION", "DECEASED"}
    disp = set(_col(small_rows, "DISP_DESCR")) - {""}
    assert {"CONVICTED-PROBATION", "CONVICTED-JAIL", "CONVICTED-PRISON",
            "DISMISSED/CHARGE DROPPED", "REL/TOT OTHER JURIS/AUTH"} <= disp
    assert all(d.startswith(("CONVICTED-", "DISMISSED", "REL/TOT")) for d in disp)
    assert set(_col(small_rows, "CONV_STAT_DESCR")) == {"FELONY", "MISDEMEANOR", ""}
    counties = Counter(_col(small_rows, "STP_ORI_CNTY_NAME"))
    assert counties.most_common(1)[0][0] == "LOS ANGELES" and len(counties) > 3
    assert set(_col(small_rows, "SENT_TIME_CODE")) <= {"D", "M", "Y", ""}
    races = set(zip(_col(small_rows, "RACE_CODE"), _col(small_rows, "RACE_DESCR"), strict=True))
    assert ("H", "HISPANIC") in races and ("B", "BLACK") in races
    prop64 = [o for o in _col(small_rows, "OFFENSE_DESCR") if re.match(r"113(5[789]|60)", o)]
    assert prop64 and all(re.fullmatch(r"113(5[789]|60)(\([A-D]\))? ?HS-[A-Z0-9 ./()]+", o)
                          for o in prop64)
    assert any(o.startswith("11359HS-") for o in prop64)  # both spellings occur


def test_prop64_charges_without_a_conviction_are_there_to_be_ignored(small_rows):
    offense, disp, step = (_col(small_rows, c) for c in ("OFFENSE_DESCR", "DISP_DESCR",
                                                         "STP_TYPE_DESCR"))
    dropped = [o for o, d, s in zip(offense, disp, step, strict=True)
               if s == "COURT ACTION" and d.startswith("DISMISSED")
               and re.match(r"113(5[789]|60)", o)]
    assert len(dropped) > 50
    assert "" in set(disp)  # arrests without any disposition


def test_empty_fields_are_written_as_nothing(small_file):
    line = small_file.path.read_text(encoding="utf-8").splitlines()[1]
    assert line.startswith(",,") and '""' not in line


def test_cnt_order_is_cycle_step_count_and_sentence_parts_repeat_it(small_rows):
    cyc, cnt = _col(small_rows, "CYC_ORDER"), _col(small_rows, "CNT_ORDER")
    assert all(re.fullmatch(r"\d{12}", c) and c.endswith("000") for c in cnt)
    assert all(int(c[:3]) == int(y) for c, y in zip(cnt, cyc, strict=True))
    subject = _col(small_rows, "SUBJECT_ID")
    disp = _col(small_rows, "DISP_DESCR")
    keys = Counter((s, c) for s, c, d in zip(subject, cnt, disp, strict=True)
                   if d.startswith("CONVICTED"))
    assert max(keys.values()) == 2  # a second sentence part on a later row


def test_identifiers_are_plainly_fictional(small_rows):
    names = _col(small_rows, "PRI_NAME")
    assert all(re.fullmatch(r"SYNTH,PERSON \d{6,}", n) for n in names)
    assert all(c.startswith("99") and len(c) == 10 for c in _col(small_rows, "CII_NUMBER"))
    assert all(s.startswith("000") for s in _col(small_rows, "PRI_SSN"))
    for blank in ("REQ_NAME", "REQ_DOB", "REQ_SSN", "FBI_NUMBER", "PRI_CDL"):
        assert set(_col(small_rows, blank)) == {""}
    assert all(o.startswith("SYN") for o in _col(small_rows, "OFN") if o)


# -- determinism -------------------------------------------------------------------

def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    paths = [tmp_path / f"{name}.csv" for name in ("a", "b", "c")]
    for path, seed in zip(paths, (3, 3, 4), strict=True):
        synth_doj.write(path, seed=seed, people=600, log=lambda m: None)
    a, b, c = (p.read_bytes() for p in paths)
    assert a == b and a != c
    card = [synth_doj.truth_paths(p)[1].read_text() for p in paths[:2]]
    assert card[0] == card[1]


def test_same_bytes_across_processes_hash_seeds_and_threads(tmp_path):
    outs = []
    for i, (hash_seed, threads) in enumerate((("1", "1"), ("2", "2"))):
        out = tmp_path / f"p{i}.csv"
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, POLARS_MAX_THREADS=threads)
        subprocess.run([sys.executable, "-m", "analysis", "synth", "--format", "doj",
                        "--seed", "8", "--people", "400", "--out", str(out)],
                       check=True, capture_output=True, env=env)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_chunked_files_keep_the_calibration(monkeypatch):
    whole = synth_doj.generate(5, people=900)
    monkeypatch.setattr(synth_doj.build, "CHUNK_PEOPLE", 300)
    chunked = synth_doj.generate(5, people=900)
    # chunks draw their own streams: the rows differ, the calibration holds
    assert not chunked.rows.equals(whole.rows)
    for key in ("people", "people_in_motion", "felonies", "felonies_dismissed",
                "misdemeanors", "people_no_felony", "people_no_conviction",
                "ineligible_other_convictions"):
        assert chunked.summary[key] == whole.summary[key], key
    # so do the rules that dismiss nothing (which dismissing rule applies may differ)
    kept = ("1", "2", "3b", "4", "5", "6", "8", "10")
    assert ({r: chunked.summary["by_rule"].get(r) for r in kept}
            == {r: whole.summary["by_rule"].get(r) for r in kept})
    assert chunked.rows["SUBJECT_ID"].n_unique() == 900
    lines = chunked.truth.filter(pl.col("rule").is_not_null())["line"]
    assert lines.is_unique().all() and lines.min() >= 2


# -- ground truth ------------------------------------------------------------------

def test_truth_lines_point_at_their_conviction_rows(small_file, small_rows):
    truth = small_file.truth.filter(pl.col("rule").is_not_null())
    header = small_rows[0]
    sid, cnt, disp = (header.index(c) for c in ("SUBJECT_ID", "CNT_ORDER", "DISP_DESCR"))
    for line, subject, order in truth.select("line", "SUBJECT_ID", "CNT_ORDER").rows():
        row = small_rows[line - 1]
        assert (row[sid], row[cnt]) == (subject, order) and row[disp].startswith("CONVICTED")


A = params.DOJ_DEFAULT
HAND_REVIEW = dict(A.hand_review)  # rule -> convictions, assumed
AFTER_CUT_OFF = dict(A.felony_kept)["felony after Nov 8 2016"] + (
    A.people_outside_motion - A.superstrike_before - A.pc290_before - sum(HAND_REVIEW.values()))


def _published(s: dict) -> dict:
    """The truth's counts under the names of the published targets."""
    return {"doj_felonies": s["felonies_dismissed"], "doj_misdemeanors": s["misdemeanors"],
            "doj_people": s["people_in_motion"], "doj_people_no_felony": s["people_no_felony"],
            "doj_people_no_conviction": s["people_no_conviction"],
            "doj_ineligible_other_convictions": s["ineligible_other_convictions"]}


def test_full_scale_truth_meets_the_published_figures(default_file):
    s = default_file.summary
    assert _published(s) == {t.name: t.value for t in params.DOJ_CALIBRATION}
    # the assumed sizes: hand review by rule, people outside the motion, after the cut-off
    assert {r: s["by_rule"][r] for r in HAND_REVIEW} == HAND_REVIEW
    assert s["people"] == 53_000 + A.people_outside_motion
    assert s["by_rule"]["2"] == AFTER_CUT_OFF
    assert s["felonies"] == 62_000 + 2_142 + AFTER_CUT_OFF + sum(HAND_REVIEW.values())
    assert json.loads(synth_doj.truth_paths(default_file.path)[1].read_text()) == s


def test_other_seeds_meet_the_published_figures_too():
    s = synth_doj.generate(99).summary
    assert _published(s) == {t.name: t.value for t in params.DOJ_CALIBRATION}
    assert {r: s["by_rule"][r] for r in HAND_REVIEW} == HAND_REVIEW


def test_full_scale_file_recounted_with_the_standard_library(default_file):
    """Los Angeles Prop 64 convictions and people, from the CSV alone."""
    seen, felonies, misdemeanors, people, courts = set(), 0, 0, set(), Counter()
    with open(default_file.path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        h = {c: i for i, c in enumerate(next(reader))}
        for r in reader:
            key = (r[h["SUBJECT_ID"]], r[h["CNT_ORDER"]])
            offense = r[h["OFFENSE_DESCR"]]
            if offense == "SEE COMMENT FOR CHARGE":
                offense = r[h["COMMENT_TEXT"]]
            if (not r[h["DISP_DESCR"]].startswith("CONVICTED") or key in seen
                    or r[h["STP_ORI_CNTY_NAME"]] != "LOS ANGELES"
                    or not re.match(r"113(5[789]|60)", offense)):
                continue
            seen.add(key)
            people.add(key[0])
            level = r[h["CONV_STAT_DESCR"]] or {"F": "FELONY"}.get(r[h["OFFENSE_TOC"]], "M")
            felonies += level == "FELONY"
            misdemeanors += level != "FELONY"
            if level != "FELONY":
                courts[r[h["STP_ORI_DESCR"]]] += 1
    s = default_file.summary
    assert (felonies, misdemeanors, len(people)) == (s["felonies"], 3_700, s["people"])
    # every Prop 64 misdemeanor is heard in a city with its own prosecutor
    assert set(courts) <= set(synth_doj.codes.CITY_PROSECUTOR_COURTS) and len(courts) > 5


def test_each_group_ends_as_its_construction_says(small_file):
    # convictions the rules do not judge stay on the record
    t = small_file.truth.with_columns(pl.col("determination").fill_null("not judged"))
    felony, dismissed = pl.col("level") == "F", pl.col("determination") == "dismissed"
    per = t.group_by("person", "group").agg(
        felony_left=(felony & ~dismissed).any(), any_left=(~dismissed).any(),
        in_motion=((felony & dismissed) | (pl.col("rule") == "1")).any(),
        reviewed=(pl.col("determination") == "hand review").any())
    outcome = per.group_by("group").agg(pl.col("felony_left").all().alias("all_keep_felony"),
                                        (~pl.col("felony_left")).all().alias("none_keep"),
                                        (~pl.col("any_left")).all().alias("clean"),
                                        pl.col("in_motion").all().alias("all_in"),
                                        (~pl.col("in_motion")).all().alias("none_in"),
                                        (~pl.col("reviewed")).all().alias("unreviewed"))
    rows = {r["group"]: r for r in outcome.iter_rows(named=True)}
    assert set(rows) == set(synth_doj.people.GROUPS)
    for g in ("clean", "young"):
        assert rows[g]["clean"], g
    for g in ("misd_other", "misd_p64", "misd_p64_elsewhere"):
        assert rows[g]["none_keep"] and not rows[g]["clean"], g
    for g in ("strike_before", "pc290_before", "two_priors", "after_2016", "other_11357",
              "running", "strike_after", "pc290_after", "p64_elsewhere", "other_felony",
              "no_criterion", "after_2016_only"):
        assert rows[g]["all_keep_felony"], g
    # the motion's groups are wholly in it, with nothing left to review; the rest wholly out
    for g in synth_doj.people.GROUPS:
        in_motion = g in synth_doj.people.IN_MOTION
        assert rows[g]["all_in" if in_motion else "none_in"], g
        assert rows[g]["unreviewed"] or not in_motion, g
    # rules 4-6 rule out exactly one conviction of each person of their three groups
    by_group = t.filter(pl.col("rule").is_in(["4", "5", "6"])).group_by("group").len()
    sizes = t.group_by("group").agg(pl.col("person").n_unique())
    assert dict(by_group.rows()) == {g: n for g, n in sizes.rows()
                                     if g in ("strike_before", "pc290_before", "two_priors")}


def test_misdemeanor_courts_are_in_the_ten_city_prosecutor_cities():
    from analysis import schema
    from analysis.doj import places

    courts = pl.DataFrame({"court": synth_doj.codes.CITY_PROSECUTOR_COURTS})
    cities = courts.select(places.jurisdiction(pl.col("court"), pl.lit("LOS ANGELES")))
    assert set(cities.to_series().cast(str)) <= set(schema.CITY_PROSECUTOR_CITIES)
    assert cities.to_series().null_count() == 0 and cities.n_unique() > 5


def test_the_generator_reads_the_courthouse_spread():
    """court_spread is what the file draws courts from (its default: the ten cities'
    courthouses for the misdemeanors, any courthouse otherwise)."""
    one = (("Prop 64 misdemeanor", ("CASCLONG BEACH",)),
           ("any other conviction", synth_doj.codes.COURTS))
    spread = dataclasses.replace(synth_doj.DOJ_DEFAULT, court_spread=one)
    rows = synth_doj.generate(3, people=300, assumptions=spread).rows
    courts = (rows
              # Los Angeles Prop 64 misdemeanor convictions, at their court step
              .filter(pl.col("OFFENSE_DESCR").str.starts_with("11357(B)")
                      | pl.col("OFFENSE_DESCR").str.starts_with("11357(C)"),
                      pl.col("STP_ORI_CNTY_NAME") == "LOS ANGELES",
                      pl.col("DISP_DESCR").str.starts_with("CONVICTED"))
              # the courts they were heard in
              .get_column("STP_ORI_DESCR").unique().to_list())
    assert courts == ["CASCLONG BEACH"]


def test_determinations_hold_for_both_compute_at_dates_and_no_later_one():
    at = {d: synth_doj.generate(11, people=1_500, compute_at=d).truth["rule"]
          for d in (params.COMPUTE_AT_EARLIEST, params.COMPUTE_AT, dt.date(2024, 6, 1))}
    assert at[params.COMPUTE_AT_EARLIEST].equals(at[params.COMPUTE_AT])
    assert not at[params.COMPUTE_AT].equals(at[dt.date(2024, 6, 1)])


def test_scale_sizes_the_population():
    g = synth_doj.generate(2, scale=0.05)
    assert g.summary["people"] == round((53_000 + A.people_outside_motion) * 0.05)
    assert g.summary["felonies_dismissed"] == round(62_000 * 0.05)
    assert g.summary["misdemeanors"] == round(3_700 * 0.05)
    with pytest.raises(ValueError, match="people or scale"):
        synth_doj.scale_for(people=10, scale=1.0)
    with pytest.raises(ValueError, match="above 0"):
        synth_doj.scale_for(scale=-1)


def test_assumptions_table_separates_published_from_assumed():
    table = synth_doj.doj_assumptions_table()
    kinds = dict(table.group_by("kind").len().rows())
    assert kinds["published"] == len(params.DOJ_CALIBRATION) and kinds["assumed"] > 10
    assert table.filter(pl.col("kind") == "published")["source"].str.contains("Los Angeles "
                                                                               "Times").any()


# -- the rules against the truth -----------------------------------------------------

def _signatures(frame: pl.DataFrame, person: str) -> Counter:
    """Each person's judged convictions as (year, section, level, rule), as a multiset
    over people: equal when every person was judged alike, whatever the ids."""
    per = (frame.group_by(person)
           .agg(pl.concat_str(pl.col("year").cast(pl.String), pl.col("section"),
                              pl.col("level"), pl.col("rule").cast(pl.String), separator="/")
                .sort().alias("sig")))
    return Counter(tuple(s) for s in per["sig"].to_list())


@pytest.mark.parametrize("compute_at", [params.COMPUTE_AT_EARLIEST, params.COMPUTE_AT])
def test_rules_reach_the_ground_truth_on_a_small_file(small_file, compute_at):
    from analysis import doj

    result = doj.run([small_file.path], compute_at=compute_at)
    relief = result.summary["reliefWithCurrentEligibilityChoices"]
    s = small_file.summary
    assert relief["CountSubjectsNoFelony"] == s["people_no_felony"]
    assert relief["CountSubjectsNoConviction"] == s["people_no_conviction"]
    every = result.summary["reliefWithDismissAllProp64"]
    assert every["CountSubjectsNoFelony"] == s["people_no_felony_if_all_dismissed"]
    assert every["CountSubjectsNoConviction"] == s["people_no_conviction_if_all_dismissed"]
    reasons = result.summary["convictionDismissalCountByAdditionalRelief"]
    assert sum(reasons.values()) == sum(s["dismissed_by_reason"].values())
    # dismissals by reason, in the reference tool's words
    words = {"3a": "11357(a) or 11357(b)", "7a": "50 years or older",
             "7b": "21 years or younger",
             "7c": "Only has 11357-60 charges and completed sentence",
             "7d": "No convictions in past 10 years", "9": "Deceased"}
    by_rule = s["by_rule"]
    assert reasons == {words[r]: n for r, n in by_rule.items() if r in words}
    # every person's judged convictions, rule 3 and rule 7 by their branch
    branch = {"Other 11357": "3b", **{v: k for k, v in words.items()}}
    mine = (small_file.truth.filter(pl.col("rule").is_not_null())
            .select("person", year=pl.col("date").dt.year(), section=pl.col("key").str.slice(0, 5),
                    level=pl.col("level"), rule=pl.col("rule")))
    theirs = result.determinations.select(
        "person_id", year=pl.col("conviction_year"),
        section=pl.col("hs_section").cast(pl.String),
        level=pl.col("charge_level").cast(pl.String).replace({"felony": "F",
                                                              "misdemeanor": "M"}),
        rule=pl.when(pl.col("rule").is_in([3, 7, 9])).then(
            pl.col("reason").replace_strict(branch, default="?"))
        .otherwise(pl.col("rule").cast(pl.String)))
    assert _signatures(theirs, "person_id") == _signatures(mine, "person")


def test_rules_on_the_default_file_give_the_published_figures(default_file):
    from analysis import doj, schema

    result = doj.run([default_file.path], compute_at=params.COMPUTE_AT,
                     dismiss_queues=["city-attorney"])
    relief = result.summary["reliefWithCurrentEligibilityChoices"]
    extra = result.summary["lacra"]
    assert relief["CountSubjectsNoFelony"] == 22_000
    assert relief["CountSubjectsNoConviction"] == 15_000
    assert extra["ineligibleBecauseOfOtherConvictions"] == 2_142
    assert extra["prop64FelonyConvictionsInCounty"] == default_file.summary["felonies"]
    assert extra["prop64MisdemeanorConvictionsInCounty"] == 3_700
    assert extra["peopleWithProp64ConvictionInCounty"] == default_file.summary["people"]
    assert extra["byDetermination"]["dismiss"] == 62_000  # felonies: rule 1 takes the rest
    assert extra["byDetermination"]["hand review"] == sum(HAND_REVIEW.values())
    assert {r: extra["byRule"][r] for r in ("8", "10")} == {"8": HAND_REVIEW["8"],
                                                            "10": HAND_REVIEW["10"]}
    # the motion: 62,000 felonies and the 3,700 misdemeanors of the ten cities
    cases = result.cases
    assert extra["dismissQueues"]["added"] == {"city-attorney": 3_700}
    assert cases.height == 65_700 and cases["person_id"].n_unique() == 53_000
    misdemeanors = cases.filter(pl.col("charge_level") == "misdemeanor")
    assert misdemeanors.height == 3_700
    assert set(misdemeanors["jurisdiction"].cast(str)) <= set(schema.CITY_PROSECUTOR_CITIES)
    assert set(misdemeanors["prosecuting_agency"].cast(str)) <= set(schema.AGENCIES[1:])
    felonies = cases.filter(pl.col("charge_level") == "felony")
    assert set(felonies["prosecuting_agency"].cast(str)) == {schema.DISTRICT_ATTORNEY}


# -- command line ----------------------------------------------------------------------

def test_cli_help_names_the_format_and_sizes(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["synth", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for word in ("--format", "doj", "--scale", "--people", "truth"):
        assert word in text


def test_cli_writes_a_doj_file_and_its_truth(tmp_path, capsys):
    out = tmp_path / "doj.csv"
    assert cli.main(["synth", "--format", "doj", "--people", "300", "--out", str(out)]) == 0
    assert "300 people" in capsys.readouterr().out
    table, card = synth_doj.truth_paths(out)
    assert out.is_file() and table.is_file() and json.loads(card.read_text())["people"] == 300


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "doj", "--people", "0"], "at least 1"),
    (["--format", "doj", "--scale", "0"], "above 0"),
    (["--format", "doj", "--out", "doj.txt"], ".csv"),
    (["--people", "10"], "--format doj"),
])
def test_cli_refuses_bad_sizes_and_outputs(tmp_path, capsys, args, message):
    args = [a if a != "doj.txt" else str(tmp_path / a) for a in args]
    assert cli.main(["synth", *args]) == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_scale_and_people_together(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["synth", "--format", "doj", "--scale", "1", "--people", "5"])
    assert exit_.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_a_run_cut_short_leaves_no_file(tmp_path, monkeypatch):
    real = synth_doj.build.chunk

    def fail_second(seed, c, a, compute_at=params.COMPUTE_AT):
        if c.index == 1:
            raise KeyboardInterrupt
        return real(seed, c, a, compute_at)

    monkeypatch.setattr(synth_doj.build, "CHUNK_PEOPLE", 200)
    monkeypatch.setattr(synth_doj.build, "chunk", fail_second)
    with pytest.raises(KeyboardInterrupt):
        synth_doj.write(tmp_path / "doj.csv", people=500, log=lambda m: None)
    assert list(tmp_path.iterdir()) == []
