"""Media exports of the published demo night: layout, privacy, byte identity, minimum sizes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline.errors import StageFailed
from pipeline.exports.export import CampaignExport, export_published
from pipeline.exports.min_sizes import min_audience_sizes
from pipeline.exports.platforms import PLATFORMS
from pipeline.exports.writers import ZIP_TIMESTAMP
from pipeline.home import Home
from tests.conftest import BASELINE_DATE

PHONE = re.compile(r"(\+?86)?1[3-9]\d{9}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")
HEX = re.compile(r"^[0-9a-f]{32}$|^[0-9a-f]{64}$")


def data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")


def values_in(path: Path) -> list[str]:
    """Every value a file holds (a zip's entry, a txt's lines, a CSV's non-empty cells)."""
    raw = path.read_bytes()
    if path.suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            (entry,) = archive.infolist()
            raw = archive.read(entry)
    text = raw.decode("utf-8")
    if path.suffix == ".csv":
        rows = list(csv.reader(io.StringIO(text)))
        return [cell for row in rows[1:] for cell in row if cell]
    return text.splitlines()


def test_every_running_media_campaign_gets_a_manifest(exported_home: tuple[Home, Path, list[CampaignExport]]) -> None:
    home, target, results = exported_home
    assert target == home.exports / BASELINE_DATE.isoformat()
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        expected = {
            (row[0], row[1])
            for row in con.execute(
                "select campaign_id, channel from campaigns where ? between start_date and end_date and channel in (select unnest(?))",
                [BASELINE_DATE, sorted(PLATFORMS)],
            ).fetchall()
        }
    assert expected and {(r.campaign_id, r.platform) for r in results} == expected
    assert any(r.files for r in results), "with a minimum of 1 some files must be written"
    for campaign_id, platform in expected:
        manifest = json.loads((target / campaign_id / platform / "manifest.json").read_text())
        assert manifest["campaign_id"] == campaign_id and manifest["platform"] == platform
        assert manifest["business_date"] == BASELINE_DATE.isoformat()
        listed = {entry["file"]: entry["sha256"] for entry in manifest["files"]}
        listed |= {  # and the delta files (pipeline/exports/deltas.py)
            entry["changes"][kind]["file"]: entry["changes"][kind]["sha256"]
            for entry in [*manifest["files"], *manifest["refused"], *manifest["cleared"]]
            for kind in ("added", "removed") if "file" in entry["changes"][kind]
        }
        on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_files(target / campaign_id / platform)}
        assert listed == on_disk
        for entry in manifest["files"]:
            for column in entry["columns"]:
                assert column["normalization_and_hash"] and column["id_type"]


def test_only_eligible_people_are_exported(exported_home: tuple[Home, Path, list[CampaignExport]]) -> None:
    home, target, results = exported_home
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        for result in results:
            eligible = con.execute(
                "select count(distinct oneid) from campaign_eligibility where campaign_id = ? and is_eligible",
                [result.campaign_id],
            ).fetchone()[0]
            manifest = json.loads((target / result.campaign_id / result.platform / "manifest.json").read_text())
            assert manifest["eligible_people"] == eligible
            for entry in manifest["files"]:
                assert 0 < entry["people"] <= eligible


def test_no_export_holds_a_raw_phone_or_email(exported_home: tuple[Home, Path, list[CampaignExport]]) -> None:
    home, target, _ = exported_home
    with duckdb.connect(str(home.restricted), read_only=True) as con:
        raw = {r[0] for r in con.execute("select value from int_identifier_oneids where id_type in ('phone', 'email')").fetchall()}
    files = data_files(target)
    assert files
    for path in files:
        content = path.read_bytes()
        for value in values_in(path):
            assert not PHONE.fullmatch(value) and not EMAIL.fullmatch(value), f"{path}: raw identifier {value[:4]}…"
            assert value not in raw
            assert value == value.strip()
        for value in raw:
            assert value.encode() not in content or path.suffix == ".zip", f"{path} contains a raw identifier"


def test_files_are_sorted_unique_lower_hex_utf8_lf(exported_home: tuple[Home, Path, list[CampaignExport]]) -> None:
    _, target, _ = exported_home
    for path in data_files(target):
        raw = path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                (entry,) = archive.infolist()
                assert entry.date_time == ZIP_TIMESTAMP
                raw = archive.read(entry)
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n")
        values = values_in(path)
        if path.suffix != ".csv":
            assert values == sorted(set(values))
        else:  # one row per person: rows sorted, none repeated
            rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))[1:]
            assert rows == sorted(rows) and len({tuple(r) for r in rows}) == len(rows)
        platform = path.parent.name
        for value in values:
            is_madid = platform == "meta" and not HEX.match(value)
            is_openid = path.name.startswith("WECHAT_OPENID_")
            assert HEX.match(value) or is_madid or is_openid, f"{path}: {value!r}"


def test_exporting_again_is_byte_identical(exported_home: tuple[Home, Path, list[CampaignExport]], tmp_path: Path) -> None:
    home, target, _ = exported_home
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    again, _ = export_published(home, min_audience_sizes("1"))
    after = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert before == after
    assert not list(home.exports.glob(".*")), "no staging or replaced folder is left behind"


def test_audience_under_the_minimum_is_refused_and_says_so(home_copy: Home) -> None:
    target, results = export_published(home_copy, min_audience_sizes("1000000"))
    assert results and all(r.status == "refused" and not r.files for r in results)
    for result in results:
        folder = target / result.campaign_id / result.platform
        assert data_files(folder) == []
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["status"] == "refused" and manifest["min_audience_size"] == 1000000
        assert all("under the minimum of 1000000" in entry["message"] for entry in manifest["refused"])


def test_min_sizes_default_to_the_platforms_and_can_be_overridden() -> None:
    defaults = min_audience_sizes("")
    assert defaults["tencent_ads"].size == 2000 and defaults["meta"].size == 100 and defaults["tiktok"].size == 1000
    chosen = min_audience_sizes("300,meta=50")
    assert chosen["meta"].size == 50 and chosen["google"].size == 300
    from pipeline.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        min_audience_sizes("snapchat=10")


def test_the_night_records_refusals_and_puts_exports_in_place(published_home: Home) -> None:
    from pipeline.run_record import load_run_records

    record = load_run_records(published_home)[-1]
    stage = next(s for s in record.stages if s.name == "export")
    assert stage.status == "succeeded" and stage.detail["campaigns"]
    folder = published_home.exports / BASELINE_DATE.isoformat()
    for campaign in stage.detail["campaigns"]:
        manifest = json.loads((folder / campaign["campaign_id"] / campaign["platform"] / "manifest.json").read_text())
        assert manifest["run_id"] == record.run_id and manifest["generated_at"] == record.started_at
        assert len(manifest["refused"]) == len(campaign["refusals"])


def test_a_failed_publish_leaves_the_exports_as_they_were(home_copy: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build is replaced by a copy of the published stores (fast); export runs for real; publish fails."""
    import shutil

    from pipeline import nightly

    folder = home_copy.exports / BASELINE_DATE.isoformat()
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def copied_build(ctx: nightly.RunContext) -> nightly.StageResult:
        ctx.home.building.mkdir(parents=True, exist_ok=True)
        shutil.copy(ctx.home.warehouse, ctx.building.warehouse)
        shutil.copy(ctx.home.restricted, ctx.building.restricted)
        ctx.undo.append(lambda: nightly.discard(ctx.building))
        return {}, {}

    def failing_publish(ctx: nightly.RunContext) -> nightly.StageResult:
        raise StageFailed("publish failed on purpose")

    monkeypatch.setitem(nightly.STAGES, "build", nightly.Stage("build", "copy", copied_build))
    monkeypatch.setitem(nightly.STAGES, "publish", nightly.Stage("publish", "fail", failing_publish))
    monkeypatch.setenv("ONEID_EXPORT_MIN_AUDIENCE", "1")
    with pytest.raises(StageFailed):
        nightly.execute(home_copy, "build", BASELINE_DATE)
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert not list(home_copy.exports.glob(".*"))
    assert not list(home_copy.state.rglob("*.staged")), "the audience state staged for publish is gone too"


def test_platform_id_types_match_the_eligibility_seed() -> None:
    seed = Path(__file__).resolve().parents[2] / "seeds" / "activation" / "channel_identifier_types.csv"
    rows = list(csv.DictReader(seed.open(encoding="utf-8")))
    for code, platform in PLATFORMS.items():
        assert {r["id_type"] for r in rows if r["channel"] == code} == set(platform.id_types), code
        assert {r["consent_channel"] for r in rows if r["channel"] == code} == {"media"}


def test_google_file_is_one_row_per_eligible_person(exported_home: tuple[Home, Path, list[CampaignExport]]) -> None:
    """Recomputed from the restricted store with hashlib: each row is one eligible person's email and phone
    hashes (up to three of each), and the file holds those rows and nothing else."""
    home, target, results = exported_home
    google = [r for r in results if r.platform == "google" and r.files]
    assert google, "the demo ships a Google campaign with people to export"
    con = duckdb.connect(str(home.warehouse), read_only=True)
    con.execute(f"attach '{home.restricted}' as restricted (read_only)")
    for result in google:
        rows = con.execute(
            """
            select i.oneid, i.id_type, i.value from restricted.main.int_identifier_oneids i
            join campaign_eligibility e on e.oneid = i.oneid
            where e.campaign_id = ? and e.is_eligible and i.id_type in ('email', 'phone')
            """,
            [result.campaign_id],
        ).fetchall()
        people: dict[str, tuple[set[str], set[str]]] = {}
        for oneid, id_type, value in rows:
            emails, phones = people.setdefault(oneid, (set(), set()))
            if id_type == "phone":
                phones.add(hashlib.sha256(f"+86{value}".encode()).hexdigest())
            else:
                local, domain = value.split("@")
                if domain in ("gmail.com", "googlemail.com"):
                    local = local.split("+")[0].replace(".", "")
                emails.add(hashlib.sha256(f"{local}@{domain}".encode()).hexdigest())
        expected = sorted(
            [*sorted(emails)[:3], *[""] * (3 - len(sorted(emails)[:3])), *sorted(phones)[:3], *[""] * (3 - len(sorted(phones)[:3]))]
            for emails, phones in people.values()
        )
        assert any(emails and phones for emails, phones in people.values()), "someone has both keys in one row"
        text = (target / result.campaign_id / "google" / "customer_match.csv").read_text(encoding="utf-8")
        table = list(csv.reader(io.StringIO(text)))
        assert table[0] == ["Email"] * 3 + ["Phone"] * 3
        assert table[1:] == expected
        manifest = json.loads((target / result.campaign_id / "google" / "manifest.json").read_text())
        (entry,) = manifest["files"]
        assert entry["rows"] == entry["people"] == len(expected)
        keys = {str(n): sum(1 for row in expected if sum(1 for cell in row if cell) == n) for n in range(1, 7)}
        assert entry["people_by_identifiers_in_row"] == {n: people for n, people in keys.items() if people}
    con.close()
