"""Deltas without a warehouse: two nights' uploads, the state between them, and the
removed lines written again from their identifiers (the restricted store's lookup by
keyed hash is replaced by the identifiers the first night used)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from pipeline.exports import deltas
from pipeline.exports.audience import MediaCampaign, PersonIdentifier
from pipeline.exports.platforms import PLATFORMS
from pipeline.exports.uploads import Upload, person_rows, plan_uploads, render

CAMPAIGN = MediaCampaign("C1", "test", "meta", None, "aud", ())
NIGHT_1 = [
    PersonIdentifier("P1", "phone", "global", "13800138000", None, "h-p1-phone"),
    PersonIdentifier("P1", "email", "global", "a@example.com", None, "h-p1-email"),
    PersonIdentifier("P2", "phone", "global", "13900139000", None, "h-p2-phone"),
]
NIGHT_2 = [  # P1 gains an email (a new row), P2 leaves, P3 joins
    *NIGHT_1[:2],
    PersonIdentifier("P1", "email", "global", "b@example.com", None, "h-p1-email-2"),
    PersonIdentifier("P3", "phone", "global", "13700137000", None, "h-p3-phone"),
]


@pytest.fixture(autouse=True)
def lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    known = {i.identifier_hash: i for i in NIGHT_1 + NIGHT_2}
    monkeypatch.setattr(deltas, "identifiers_by_hash", lambda con, hashes: [known[h] for h in hashes if h in known])


def night(state: deltas.AudienceState, platform: str, identifiers: list[PersonIdentifier]):
    uploads = plan_uploads(PLATFORMS[platform], CAMPAIGN, identifiers)
    return uploads, deltas.file_changes(None, state, PLATFORMS[platform], CAMPAIGN, uploads, uploads)  # type: ignore[arg-type]


def after(state: deltas.AudienceState, night: date) -> deltas.AudienceState:
    """The state the next night reads: what `state`'s night wrote, published on `night`."""
    return deltas.AudienceState(night, state.tonight, {key: night for key in state.tonight})


def rows(upload: Upload) -> set[str]:
    return {",".join(row) for row in person_rows(upload)}


def test_per_person_deltas_are_the_set_differences_of_the_rows(tmp_path: Path) -> None:
    first = deltas.AudienceState(None, {})
    (upload_1,), changes_1 = night(first, "meta", NIGHT_1)
    (change_1,) = changes_1.values()
    assert not change_1.held and change_1.added == sorted(rows(upload_1))

    second = after(first, date(2026, 11, 18))
    (upload_2,), changes_2 = night(second, "meta", NIGHT_2)
    (change,) = changes_2.values()
    assert set(change.added) == rows(upload_2) - rows(upload_1)
    assert set(change.removed) == rows(upload_1) - rows(upload_2)
    assert len(change.added) == 2 and len(change.removed) == 2 and change.not_rebuilt == 0

    record = deltas.write_change(tmp_path, change, PLATFORMS["meta"], upload_2, not_written=None)
    assert record["apply"] == "deltas" and record["since"] == "2026-11-18"  # the night of the held full file
    removed = list(csv.reader(io.StringIO((tmp_path / "customer_list.removed.csv").read_text())))
    assert removed[0] == ["email"] * 3 + ["phone"] * 3 + ["madid"]
    assert {",".join(r) for r in removed[1:]} == rows(upload_1) - rows(upload_2)
    assert record["removed"]["operation"].startswith("remove customers")


def test_per_type_deltas_and_an_audience_under_the_minimum(tmp_path: Path) -> None:
    first = deltas.AudienceState(None, {})
    uploads_1, _ = night(first, "tencent_ads", NIGHT_1)
    second = after(first, date(2026, 11, 18))
    _, changes = night(second, "tencent_ads", NIGHT_2)
    phones = changes["HASH_MOBILE_PHONE.zip"]
    before = {u.file_name: u for u in uploads_1}["HASH_MOBILE_PHONE.zip"].columns[0].values
    assert len(phones.removed) == 1 and phones.removed[0] in before  # P2's phone
    assert len(phones.added) == 1 and phones.added[0] not in before  # P3's phone

    # Tonight refused under the minimum: the removed file clears what the platform holds.
    cleared = after(first, date(2026, 11, 18))
    uploads = plan_uploads(PLATFORMS["tencent_ads"], CAMPAIGN, NIGHT_2)
    changes = deltas.file_changes(None, cleared, PLATFORMS["tencent_ads"], CAMPAIGN, uploads, [])  # type: ignore[arg-type]
    change = changes["HASH_MOBILE_PHONE.zip"]
    template = {u.file_name: u for u in uploads}["HASH_MOBILE_PHONE.zip"]
    record = deltas.write_change(tmp_path, change, PLATFORMS["tencent_ads"], template, not_written="under 2000")
    assert record["apply"] == "clear" and record["removed"]["rows"] == len(before)
    with zipfile.ZipFile(tmp_path / "HASH_MOBILE_PHONE.removed.zip") as archive:
        assert archive.namelist() == ["HASH_MOBILE_PHONE.removed.txt"]
        assert archive.read("HASH_MOBILE_PHONE.removed.txt").decode().splitlines() == sorted(before)
    assert ("C1", "tencent_ads", "HASH_MOBILE_PHONE.zip") not in cleared.tonight  # the platform holds no one now


def test_a_line_that_cannot_be_rebuilt_asks_for_a_replacement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = deltas.AudienceState(None, {})
    night(first, "meta", NIGHT_1)
    monkeypatch.setattr(deltas, "identifiers_by_hash", lambda con, hashes: [])  # the identifiers left the store
    second = after(first, date(2026, 11, 18))
    (upload,), changes = night(second, "meta", NIGHT_2)
    (change,) = changes.values()
    assert change.not_rebuilt == 2 and not change.removed
    record = deltas.write_change(tmp_path, change, PLATFORMS["meta"], upload, not_written=None)
    assert record["apply"] == "replace" and not list(tmp_path.iterdir())


def test_a_line_whose_identifiers_left_the_store_comes_from_the_published_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = deltas.AudienceState(None, {})
    (upload_1,), _ = night(first, "meta", NIGHT_1)
    published = tmp_path / "2026-11-18" / "C1" / "meta"
    published.mkdir(parents=True)
    (published / "customer_list.csv").write_bytes(render(upload_1, "csv_per_person"))
    monkeypatch.setattr(deltas, "identifiers_by_hash", lambda con, hashes: [])
    second = after(first, date(2026, 11, 18))
    uploads = plan_uploads(PLATFORMS["meta"], CAMPAIGN, NIGHT_2)
    (change,) = deltas.file_changes(None, second, PLATFORMS["meta"], CAMPAIGN, uploads, uploads, tmp_path).values()  # type: ignore[arg-type]
    assert change.not_rebuilt == 0 and set(change.removed) == rows(upload_1) - rows(uploads[0])


def test_the_state_holds_keyed_hashes_only(tmp_path: Path) -> None:
    state = deltas.AudienceState(None, {})
    night(state, "meta", NIGHT_1)
    frame = state.frame(date(2026, 11, 18), {("C1", "meta")})
    text = frame.write_csv()
    assert "13800138000" not in text and "example.com" not in text
    assert set(frame["identifier_hash"]) == {"h-p1-phone", "h-p1-email", "h-p2-phone"}
    scratch, final = deltas.stage_snapshot(tmp_path, date(2026, 11, 18), frame)
    scratch.rename(final)
    again = deltas.AudienceState.before(tmp_path, date(2026, 11, 19))
    assert again.since == date(2026, 11, 18) and again.held == state.tonight
    assert set(again.written_on.values()) == {date(2026, 11, 18)}
    assert deltas.AudienceState.before(tmp_path, date(2026, 11, 18)).since is None  # a rerun of that night
