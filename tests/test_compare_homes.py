"""`oneid compare`: equal homes are the same, and one changed value anywhere is found."""

from __future__ import annotations

import json

import duckdb
import polars as pl
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare_homes import compare_homes
from pipeline.errors import ConfigurationError, HomesDiffer
from pipeline.home import Home
from tests.conftest import copy_home


def test_a_home_and_its_copy_are_the_same(published_home: Home, tmp_path) -> None:
    copy = copy_home(published_home, tmp_path)
    assert compare_homes(published_home, copy) == []
    result = CliRunner().invoke(app, ["compare", str(published_home.root), str(copy.root)])
    assert result.exit_code == 0, result.output
    assert "same" in result.output


def test_every_kind_of_difference_is_named(published_home: Home, tmp_path) -> None:
    original, copy = copy_home(published_home, tmp_path / "original"), copy_home(published_home, tmp_path / "copy")
    with duckdb.connect(str(copy.warehouse)) as con:
        con.execute(
            "update person_rfm set rfm_segment = 'important_value' "
            "where oneid = (select min(oneid) from person_rfm where rfm_segment <> 'important_value')"
        )
        # What a night writes about itself is not a result.
        con.execute("update run_history set run_id = 'another'")
        # The same values in another column order: named as such, values still compared.
        con.execute("create or replace table dim_person as select * exclude (oneid), oneid from dim_person")
    with duckdb.connect(str(copy.restricted)) as con:
        (phone,) = con.execute("select min(value) from int_identifiers where id_type = 'phone'").fetchone()
        con.execute("update int_identifiers set value = '13900000000' where value = ?", [phone])
        # Which load landed a row, and when, is the night's own: the same files landed again compare equal.
        con.execute("update stg_tmall__order_lines set _load_id = 'another', _loaded_at = now()")
    snapshot = max(copy.state.rglob("*.parquet"), key=lambda path: path.stat().st_size)
    pl.read_parquet(snapshot).head(-1).write_parquet(snapshot)
    # (The small home's audiences are below the platforms' minimums: manifests only.)
    for home, text in ((original, "a,b\n"), (copy, "a,b\n\n")):
        (home.exports / "audience.csv").write_text(text)
    (copy.exports / "extra.txt").write_text("x")
    # A manifest's run id and time are the night's, not results; its counts are.
    manifest = next(copy.exports.rglob("manifest.json"))
    fields = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**fields, "run_id": "another", "generated_at": "now"}))
    counted = next(path for path in copy.exports.rglob("manifest.json") if path != manifest)
    counted.write_text(json.dumps({**json.loads(counted.read_text()), "eligible_people": -1}))

    found = {d.table: d for d in compare_homes(original, copy)}
    assert set(found) == {
        "warehouse: person_rfm",
        "warehouse: dim_person",
        "restricted: int_identifiers",
        f"state: {snapshot.relative_to(copy.state)}",
        "exports: audience.csv",
        "exports: extra.txt",
        f"exports: {counted.relative_to(copy.exports)}",
    }
    assert found["warehouse: person_rfm"].examples
    assert found["restricted: int_identifiers"].examples == []  # raw identifiers are never shown
    assert found["exports: extra.txt"].problem == "only in right"
    assert found["warehouse: dim_person"].problem.startswith("columns in another order")

    result = CliRunner().invoke(app, ["compare", str(original.root), str(copy.root)])
    assert result.exit_code == HomesDiffer.exit_code
    assert phone not in result.output and "13900000000" not in result.output


def test_a_home_without_a_published_night_is_a_clear_error(published_home: Home, tmp_path) -> None:
    result = CliRunner().invoke(app, ["compare", str(published_home.root), str(tmp_path / "nothing")])
    assert result.exit_code == ConfigurationError.exit_code
    assert "has published no night" in result.output
