"""The dbt files generated from the channel contract are current, and read it.

`make contract` writes them (pipeline/ingest/dbt_files.py); a contract change
without them fails here, before any night builds on a stale project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.ingest.dbt_files import CONTRACT_MACROS, generated_files, stale_files, write_files
from pipeline.ingest.sources import SOURCES

PROJECT = Path(__file__).resolve().parent.parent


def test_the_generated_files_match_the_contract() -> None:
    stale = stale_files(PROJECT)
    assert stale == [], f"stale or missing: {[str(p) for p in stale]}; run `make contract`"


def test_a_stale_or_missing_file_is_found_and_rewritten(tmp_path: Path) -> None:
    for path in generated_files(PROJECT):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT / path, tmp_path / path)
    edited = Path("models/staging/tmall/_tmall__sources.yml")
    (tmp_path / edited).write_text((tmp_path / edited).read_text().replace("tmall_orders", "tmall_order"))
    (tmp_path / CONTRACT_MACROS).unlink()
    # A description edited by hand inside a generated region is stale too.
    models = Path("models/staging/crm/_crm__models.yml")
    text = (tmp_path / models).read_text()
    (tmp_path / models).write_text(text.replace("description: \"City as delivered.\"", "description: \"City.\""))
    assert stale_files(tmp_path) == sorted([CONTRACT_MACROS, models, edited])
    assert write_files(tmp_path) == sorted([CONTRACT_MACROS, models, edited])
    assert stale_files(tmp_path) == []
    assert (tmp_path / models).read_text() == text


def test_a_staging_yml_without_its_generated_region_is_a_clear_error(tmp_path: Path) -> None:
    for path in generated_files(PROJECT):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT / path, tmp_path / path)
    models = tmp_path / "models/staging/crm/_crm__models.yml"
    models.write_text(models.read_text().replace("# <<< stg_crm__members", "# end"))
    with pytest.raises(ValueError, match="stg_crm__members has no generated column region"):
        stale_files(tmp_path)


def test_every_staging_model_reads_its_source_and_contract() -> None:
    """The key, dedup rule and columns come from the contract, once per model: for
    deduplicate() within a night and for keyed_incremental's merge across nights."""
    for source in SOURCES:
        sql = (PROJECT / "models" / "staging" / source.system / f"{source.staging_model}.sql").read_text()
        assert f"{{%- set contract = channel_contract('{source.name}') -%}}" in sql, source.name
        assert f"source('{source.system}', '{source.entity}')" in sql, source.name
        assert "{{ deduplicate('renamed', contract.natural_key, contract.dedup) }}" in sql, source.name
        # Its columns too: a column added to the contract is staged without editing the model.
        assert "{{ stage_contract_columns(contract) }}," in sql, source.name
        assert "{{ select_contract_columns(contract) }}," in sql, source.name
        models = (PROJECT / "models" / "staging" / source.system / f"_{source.system}__models.yml").read_text()
        assert f"source_name: {source.name}\n" in models, f"{source.staging_model} is not tested against its contract"
