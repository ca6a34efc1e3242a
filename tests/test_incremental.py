"""Incremental nights (docs/incremental.md): extending last night's store must
give what rebuilding everything from the lake gives.

Three nights after the published baseline run incrementally; a copy of that
home then rebuilds the last date with --full-refresh from the same lake (the
same loads, so the same lineage) and the same state history. Every published
mart, every restricted table, tonight's state snapshots and the media
exports must be identical.

The later nights also move a shop to another brand: night 1 delivers an
order from a shop no seed lists, `青木美妆官方旗舰店`; night 2 delivers the
brand `青木美妆` itself (a mini-program user's brand), which the shop name
contains, so night 2 must re-derive night 1's order under the new brand.

And they test the media exports' deltas (pipeline/exports/deltas.py): each
night's added and removed files are the set differences of consecutive
published full files; night 2 delivers a media opt-out for a person whom
night 1 exported, who must be in night 2's removed file of every platform
audience that held them; holdout people are in no file and keep their group.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from datetime import timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline import incremental
from pipeline.compare_homes import RUN_TABLES, compare_databases
from pipeline.dbt_runner import project_dir
from pipeline.exports.hashing import DIGESTS
from pipeline.exports.platforms import PLATFORMS
from pipeline.exports.send_lists import write_send_lists
from pipeline.home import Home
from pipeline.nightly import execute
from pipeline.publish import BuildFiles
from pipeline.run_record import RunRecord
from tests.conftest import BASELINE_DATE, DEMO_END, WORK_LISTS, copy_home


NIGHTS = [BASELINE_DATE + timedelta(days=n) for n in (1, 2, 3)]


def build_plan(record: RunRecord) -> dict:
    return next(s for s in record.stages if s.name == "build").detail["plan"]


OPTED_OUT_ON = NIGHTS[1]


@pytest.fixture(scope="module")
def opted_out_phone(published_home: Home) -> str:
    """The phone of a person the group-wide middle-aged audience holds (age does not change in
    a night, so night 1 exports them); night 2 delivers its media opt-out."""
    with duckdb.connect(str(published_home.warehouse), read_only=True) as con:
        con.execute(f"attach '{published_home.restricted}' as restricted (read_only)")
        (phone,) = con.execute(
            """select min(ids.value) from campaign_eligibility as eligibility
               inner join restricted.int_identifier_oneids as ids
                   on eligibility.oneid = ids.oneid and ids.id_type = 'phone'
               where eligibility.campaign_id = 'GRP-MID-GOOGLE' and eligibility.is_eligible"""
        ).fetchone()
    assert phone
    return phone


def opt_out(home: Home, phone: str) -> None:
    (path,) = (home.inbox / "consents" / OPTED_OUT_ON.isoformat()).iterdir()
    raw = path.read_bytes()
    path.unlink()  # a new file: never write through to the shared generated inbox
    line = f"media,phone,{phone},opt_out,{OPTED_OUT_ON} 09:00:00,user_request\n"
    path.write_bytes(raw + (b"" if raw.endswith(b"\n") else b"\n") + line.encode())


@pytest.fixture(scope="module")
def nights(
    published_home: Home, opted_out_phone: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Home, Home, list[dict]]:
    """(incremental home, the same home rebuilt in full for the last night, the incremental plans)."""
    # Small minimums, so that the media files are written and compared too.
    os.environ["ONEID_EXPORT_MIN_AUDIENCE"] = "1"
    try:
        extended = copy_home(published_home, tmp_path_factory.mktemp("incremental"))
        rebrand_a_shop(extended)
        opt_out(extended, opted_out_phone)
        plans = [build_plan(execute(extended, "run", night)) for night in NIGHTS]
        rebuilt = copy_home(extended, tmp_path_factory.mktemp("full_refresh"))
        plans.append(build_plan(execute(rebuilt, "build", NIGHTS[-1], full_refresh=True)))
    finally:
        del os.environ["ONEID_EXPORT_MIN_AUDIENCE"]
    return extended, rebuilt, plans


NEW_BRAND = "青木美妆"
NEW_SHOP = f"{NEW_BRAND}官方旗舰店"
NEW_SHOP_ORDER = "2500000000051000314"  # night 1's one Tmall order


def rebrand_a_shop(home: Home) -> None:
    """Night 1: a Tmall order from NEW_SHOP; night 2: NEW_BRAND delivered as a brand."""
    edits = {
        ("tmall_orders", NIGHTS[0]): ("青黛美妆官方旗舰店", NEW_SHOP),
        ("wechat_miniapp_users", NIGHTS[1]): ('"brand":"qingdai"', f'"brand":"{NEW_BRAND}"'),
    }
    for (source, night), (old, new) in edits.items():
        (path,) = (home.inbox / source / night.isoformat()).iterdir()
        raw = path.read_bytes()
        encoding = next(e for e in ("utf-8", "gb18030") if old.encode(e) in raw)
        path.unlink()  # a new file: never write through to the shared generated inbox
        path.write_bytes(raw.replace(old.encode(encoding), new.encode(encoding)))


def test_later_nights_are_incremental(nights: tuple[Home, Home, list[dict]]) -> None:
    *later, refreshed = nights[2]
    assert [p["mode"] for p in later] == ["incremental"] * len(NIGHTS)
    assert all(len(p["new_loads"]) == 1 for p in later)
    assert refreshed["mode"] == "full" and refreshed["reason"] == "--full-refresh"
    assert NIGHTS[-1] == DEMO_END


def test_incremental_nights_equal_a_full_refresh(nights: tuple[Home, Home, list[dict]]) -> None:
    extended, rebuilt, _ = nights
    differences = [
        *compare_databases(extended.warehouse, rebuilt.warehouse),
        *compare_databases(extended.restricted, rebuilt.restricted, skip_tables={*WORK_LISTS, *RUN_TABLES}),
    ]
    assert differences == []
    assert _manifest(extended) == _manifest(rebuilt)


def test_a_shop_that_changed_brand_moved_its_orders(nights: tuple[Home, Home, list[dict]]) -> None:
    """Night 1's order from NEW_SHOP sits under NEW_BRAND, as the full refresh puts it."""
    with duckdb.connect(str(nights[0].restricted), read_only=True) as con:
        resolution = con.execute(
            "select brand, resolved_by from int_brand_names where name_as_delivered = ?", [NEW_SHOP]
        ).fetchall()
        brands = con.execute(
            "select distinct brand from int_commerce__order_lines"
            " where source_name = 'tmall_orders' and order_id = ?", [NEW_SHOP_ORDER]
        ).fetchall()
    assert resolution == [(NEW_BRAND, "contains_brand")]
    assert brands == [(NEW_BRAND,)]


def _manifest(home: Home) -> list[tuple]:
    """The build manifest but the run that wrote it."""
    with duckdb.connect(str(home.restricted), read_only=True) as con:
        return con.execute(
            f"select * exclude (run_id) from main.{incremental.MANIFEST_TABLE} order by load_id"
        ).fetchall()


def test_an_incremental_night_lists_what_it_rederived(nights: tuple[Home, Home, list[dict]]) -> None:
    """The last night re-derived the records its loads touched, and not every record."""
    with duckdb.connect(str(nights[0].restricted), read_only=True) as con:
        touched, records = con.execute(
            "select (select count_if(is_touched) from int_identity_reconsidered_records),"
            " (select count(*) from int_record_oneids)"
        ).fetchone()
    assert 0 < touched < records / 10


def test_an_incremental_night_rederives_the_interactions_of_some_people(
    nights: tuple[Home, Home, list[dict]],
) -> None:
    with duckdb.connect(str(nights[0].restricted), read_only=True) as con:
        reconsidered, people, slices = con.execute(
            "select (select count(*) from int_engagement__reconsidered_oneids),"
            " (select count(distinct oneid) from int_engagement__interactions),"
            " (select count(*) from duckdb_tables() where table_name like '%\\_\\_slice' escape '\\')"
        ).fetchone()
    assert 0 < reconsidered < people
    assert slices == 0, "the published store keeps no night slice"


def test_the_nights_moved_identifiers_between_oneids(nights: tuple[Home, Home, list[dict]]) -> None:
    """So the equality covers records reconsidered for a OneID change, not only new records."""
    extended = nights[0]
    changes = pl.read_parquet(extended.root / "state" / "oneid_changes" / f"business_date={NIGHTS[-1]}.parquet")
    later = changes.filter(pl.col("changed_on").is_in(NIGHTS) & pl.col("old_oneid").is_not_null())
    assert later.height > 0


def test_state_and_exports_equal_a_full_refresh(nights: tuple[Home, Home, list[dict]]) -> None:
    extended, rebuilt, _ = nights
    tonight = f"business_date={NIGHTS[-1].isoformat()}.parquet"
    snapshots = sorted(extended.root.glob(f"state/*/{tonight}"))
    assert {s.parent.name for s in snapshots} == {
        "oneid_assignments", "oneid_changes", "aipl_stage_runs", "campaign_assignments", "audience_uploads"
    }
    for snapshot in snapshots:
        twin = rebuilt.root / snapshot.relative_to(extended.root)
        assert pl.read_parquet(snapshot).equals(pl.read_parquet(twin)), snapshot
    folder = Path("exports") / NIGHTS[-1].isoformat()
    files = sorted(p.relative_to(extended.root) for p in (extended.root / folder).rglob("*") if p.is_file())
    assert [f for f in files if f.suffix != ".json"], "no media file was written"
    assert files == sorted(p.relative_to(rebuilt.root) for p in (rebuilt.root / folder).rglob("*") if p.is_file())
    for name in files:
        if name.suffix == ".json":
            assert _without_run(extended.root / name) == _without_run(rebuilt.root / name), name
        else:
            assert (extended.root / name).read_bytes() == (rebuilt.root / name).read_bytes(), name


def _without_run(manifest: Path) -> dict:
    """A media manifest minus what names the run that wrote it."""
    content = json.loads(manifest.read_text())
    for key in ("generated_at", "run_id", "run_started_at"):
        content.pop(key, None)
    return content


def test_a_changed_project_forces_a_full_build(published_home: Home, tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name in incremental.PROJECT_INPUTS:
        source = project_dir() / name
        if source.is_dir():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(source, project / name)
        else:
            project.mkdir(exist_ok=True)
            (project / name).write_bytes(source.read_bytes())
    night = BASELINE_DATE + timedelta(days=1)
    assert incremental.plan_build(published_home, night, "duckdb", project).incremental
    (project / "dbt_project.yml").write_text((project / "dbt_project.yml").read_text() + "\n# changed\n")
    plan = incremental.plan_build(published_home, night, "duckdb", project)
    assert not plan.incremental and plan.reason == "the dbt project changed since the published build"


def test_what_else_forces_a_full_build(home_copy: Home) -> None:
    project = project_dir()
    night = BASELINE_DATE + timedelta(days=1)
    assert not incremental.plan_build(home_copy, BASELINE_DATE, "duckdb", project).incremental
    assert not incremental.plan_build(home_copy, night, "spark", project).incremental
    assert not incremental.plan_build(home_copy, night, "duckdb", project, full_refresh=True).incremental
    registry = sorted(p for p in home_copy.file_registry.glob("*.parquet") if p.name != "schema.parquet")[-1]
    rows = pl.read_parquet(registry)
    rows.head(rows.height - 1).write_parquet(registry)  # what a forced reload does to an earlier load
    plan = incremental.plan_build(home_copy, night, "duckdb", project)
    assert not plan.incremental and "rolled back or reloaded" in plan.reason


def test_a_local_spark_night_extends_the_published_spark_tables(home_copy: Home) -> None:
    """Only while the folder the manifest names is there, and never on a cluster."""
    project = project_dir()
    night = BASELINE_DATE + timedelta(days=1)
    with duckdb.connect(str(home_copy.restricted)) as con:
        con.execute(f"update main.{incremental.MANIFEST_TABLE} set engine = 'spark'")
        run_id = con.execute(f"select any_value(run_id) from main.{incremental.MANIFEST_TABLE}").fetchone()[0]
    plan = incremental.plan_build(home_copy, night, "spark", project)
    assert not plan.incremental and "are gone" in plan.reason
    tables = BuildFiles.for_run(home_copy, run_id).published_spark_tables
    tables.mkdir()
    plan = incremental.plan_build(home_copy, night, "spark", project)
    assert plan.incremental and plan.dbt_vars()["extended_spark_tables"] == str(tables)
    assert not incremental.plan_build(home_copy, night, "spark", project, spark_cluster=True).incremental
    assert not incremental.plan_build(home_copy, night, "duckdb", project).incremental


def test_an_incremental_night_reads_only_its_loads(nights: tuple[Home, Home, list[dict]]) -> None:
    """The slice filter reached the models and their data tests, not only the plan."""
    extended = nights[0]
    last = sorted(extended.runs.glob("*/run.json"))[-1]
    compiled = last.parent / "dbt" / "target" / "compiled" / "oneid"
    load = build_plan(RunRecord.from_dict(json.loads(last.read_text())))["new_loads"][0]
    model = (compiled / "models" / "staging" / "app" / "stg_app__events.sql").read_text()
    assert f"_load_id in ('{load}')" in model
    tests = [p.read_text() for p in (compiled / "models" / "staging" / "app").rglob("*.sql") if p.parent.name != "app"]
    assert tests and all(f"_load_id in ('{load}')" in t for t in tests)



def full_file_lines(path: Path) -> set[str]:
    """The lines of an export file: values, or CSV rows as written (the header left out)."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            (entry,) = archive.namelist()
            text = archive.read(entry).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    return set(lines[1:] if path.suffix == ".csv" else lines)


def manifests(home: Home, night) -> dict[tuple[str, str], tuple[Path, dict]]:
    folder = home.exports / night.isoformat()
    return {
        (m["campaign_id"], m["platform"]): (path.parent, m)
        for path in sorted(folder.rglob("manifest.json"))
        for m in [json.loads(path.read_text())]
    }


def test_deltas_are_the_set_differences_of_consecutive_full_files(nights: tuple[Home, Home, list[dict]]) -> None:
    extended = nights[0]
    checked = {"deltas": 0, "replace": 0}
    for before, after in zip(NIGHTS, NIGHTS[1:]):
        previous = manifests(extended, before)
        for key, (folder, manifest) in manifests(extended, after).items():
            old_folder, old_manifest = previous[key]
            held = {e["file"] for e in old_manifest["files"]}
            for entry in manifest["files"]:
                changes = entry["changes"]
                now = full_file_lines(folder / entry["file"])
                if entry["file"] not in held:
                    assert changes["apply"] == "upload" and changes["since"] is None
                    continue
                then = full_file_lines(old_folder / entry["file"])
                assert changes["since"] == before.isoformat()
                assert (changes["added"]["rows"], changes["removed"]["rows"]) == (len(now - then), len(then - now))
                checked[changes["apply"]] += 1
                if changes["apply"] != "deltas":
                    assert manifest["delta_operations"] is None  # a platform that takes only replacements
                    continue
                for kind, expected in (("added", now - then), ("removed", then - now)):
                    if expected:
                        assert full_file_lines(folder / changes[kind]["file"]) == expected, (key, entry["file"], kind)
                    else:
                        assert "file" not in changes[kind]
    assert checked["deltas"] > 0 and checked["replace"] > 0


def test_an_opt_out_reaches_every_platform_audience_that_held_the_person(
    nights: tuple[Home, Home, list[dict]], opted_out_phone: str
) -> None:
    """Night 1 exported the person; night 2's opt-out puts their lines in night 2's removed
    file of every platform audience that held them, and in none of its full files."""
    extended = nights[0]
    before, after = manifests(extended, NIGHTS[0]), manifests(extended, OPTED_OUT_ON)
    held = 0
    for key, (folder, manifest) in before.items():
        platform = PLATFORMS[manifest["platform"]]
        values = {
            DIGESTS[rule.digest](normalized)
            for rule in platform.rules if rule.id_type == "phone"
            for normalized in [rule.normalizer(opted_out_phone)] if normalized
        }
        for entry in manifest["files"]:
            theirs = {line for line in full_file_lines(folder / entry["file"]) if values & set(line.split(","))}
            if not theirs:
                continue
            held += 1
            next_folder, next_manifest = after[key]
            (next_entry,) = [e for e in next_manifest["files"] + next_manifest["refused"] if e["file"] == entry["file"]]
            changes = next_entry["changes"]
            assert not theirs & full_file_lines(next_folder / entry["file"])
            if changes["apply"] in ("deltas", "clear"):
                assert theirs <= full_file_lines(next_folder / changes["removed"]["file"]), key
            else:
                assert changes["apply"] == "replace" and changes["removed"]["rows"] >= len(theirs)
    assert held >= 2, "the opted-out person should be in several platform audiences"


def test_holdout_people_are_in_no_file_and_keep_their_group(nights: tuple[Home, Home, list[dict]]) -> None:
    extended = nights[0]
    with duckdb.connect(str(extended.warehouse), read_only=True) as con:
        con.execute(f"attach '{extended.restricted}' as restricted (read_only)")
        held_out = con.execute(
            "select campaign_id, oneid from campaign_eligibility where is_holdout order by all"
        ).fetchall()
        groups = dict(
            ((c, o), g) for c, o, g in con.execute(
                "select campaign_id, oneid, assignment_group from campaign_assignments"
            ).fetchall()
        )
        phones = [
            phone for (phone,) in con.execute(
                """select ids.value from campaign_eligibility as eligibility
                   inner join restricted.int_identifier_oneids as ids
                       on eligibility.oneid = ids.oneid and ids.id_type = 'phone'
                   where eligibility.is_holdout and eligibility.campaign_id = 'GRP-MID-GOOGLE'"""
            ).fetchall()
        ]
    assert {c for c, _ in held_out} <= {"GRP-MID-GOOGLE", "XY-CART-SMS"} and phones
    assert all(groups[key] == "holdout" for key in held_out)
    # The group each person got on the night it was first decided, every night after.
    snapshots = [
        pl.read_parquet(extended.state / "campaign_assignments" / f"business_date={night}.parquet")
        for night in NIGHTS
    ]
    for earlier, later in zip(snapshots, snapshots[1:]):
        both = earlier.join(later, on=["campaign_id", "oneid"], suffix="_later")
        assert both.filter(pl.col("assignment_group") == "holdout").height > 0
        assert both.filter(
            (pl.col("assignment_group") != pl.col("assignment_group_later"))
            | (pl.col("assigned_on") != pl.col("assigned_on_later"))
        ).is_empty()
    # No file of the campaign holds a held-out person's phone.
    folder, manifest = manifests(extended, NIGHTS[-1])[("GRP-MID-GOOGLE", "google")]
    assert manifest["holdout_people"] == sum(1 for c, _ in held_out if c == "GRP-MID-GOOGLE")
    cells = {cell for e in manifest["files"] for line in full_file_lines(folder / e["file"]) for cell in line.split(",")}
    google = PLATFORMS["google"]
    written = {
        DIGESTS[rule.digest](normalized)
        for phone in phones for rule in google.rules if rule.id_type == "phone"
        for normalized in [rule.normalizer(phone)] if normalized
    }
    assert written and not written & cells
    # ... nor any send list (they read the same eligible identifiers as the files).
    _, lists = write_send_lists(extended, "tests")
    listed = {(s.campaign_id, row["oneid"]) for s in lists for row in csv.DictReader(io.StringIO(s.file.read_text()))}
    assert lists and not listed & set(held_out)
