"""The dbt files written from the channel contract (`sources.py`), never by hand.

- `models/staging/<system>/_<system>__sources.yml`: each system's sources,
  one table per channel export, read from the loaders' lake folder;
- the end of each channel staging model's `columns:` in
  `models/staging/<system>/_<system>__models.yml`, between its markers: the
  contract's columns under their staging names with their descriptions, and
  the lineage columns (the rest of that file is written by hand);
- `macros/generated/channel_contract.sql`: `channel_contract(source_name)`,
  the staging model's natural key and dedup rule and every column with its
  kind and rules (required, accepted values, minimum) under its staging name,
  which the staging models (`stage_contract_columns`) and the
  `matches_channel_contract` data test read; `identity_record_sources()`,
  the sources that assert identity with their records, brand columns and
  identifier columns, which the identity models read; and `order_statuses()`,
  each order export's statuses and the line status each means, which
  `order_line_status()` turns into SQL for the order-line fact.

`make contract` (`python -m pipeline.ingest.dbt_files`) writes them;
`tests/test_contract_files.py` fails when one is stale.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from pipeline.ingest.sources import LINEAGE_COLUMNS, SOURCES, Source

GENERATED_NOTE = "generated from pipeline/ingest/sources.py by `make contract`: edit the contract, not this file"
CONTRACT_MACROS = Path("macros/generated/channel_contract.sql")

# What each system is, for the sources' documentation.
SYSTEMS: dict[str, str] = {
    "tmall": "Tmall/Taobao exports",
    "jd": "JD exports",
    "wechat": "WeChat exports",
    "app": "The brand group's own App",
    "eshop": "The brand group's own online mall",
    "pos": "Offline store point-of-sale systems",
    "crm": "The brands' membership CRM",
    "ads": "Ad platform media backflow",
    "consents": "Consent management",
    "campaigns": "Campaign delivery logs",
    "catalog": "Product master data",
    "guides": "The shop assistants' guide app (企业微信导购助手)",
}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX, first sheet", "jsonl": "JSON Lines, plain or gzip"}


def generated_files(project: Path) -> dict[Path, str]:
    """Every generated file (relative to the dbt project) and its content."""
    systems: dict[str, list[Source]] = {}
    for source in SOURCES:
        systems.setdefault(source.system, []).append(source)
    files: dict[Path, str] = {}
    for system, sources in systems.items():
        folder = Path("models/staging") / system
        files[folder / f"_{system}__sources.yml"] = _sources_yml(system, sources)
        models = folder / f"_{system}__models.yml"
        files[models] = _with_contract_columns(models, _read(project / models) or "", sources)
    files[CONTRACT_MACROS] = _contract_macros()
    return files


def stale_files(project: Path) -> list[Path]:
    return sorted(path for path, text in generated_files(project).items() if _read(project / path) != text)


def write_files(project: Path) -> list[Path]:
    """Write the stale or missing files; the paths written."""
    written = []
    for path, text in sorted(generated_files(project).items()):
        if _read(project / path) != text:
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_text(text, encoding="utf-8")
            written.append(path)
    return written


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _sources_yml(system: str, sources: list[Source]) -> str:
    lines = [
        f"# {GENERATED_NOTE}",
        "sources:",
        f"  - name: {system}",
        '    schema: "{{ target.schema }}_lake"  # on Spark (docs/spark.md)',
        "    description: >",
        f"      {SYSTEMS[system]}, landed by `oneid ingest` as Parquet under",
        "      <home>/lake/raw/<source>/load_date=YYYY-MM-DD/ with the lineage columns of every landed row.",
        "    config:",
        "      loaded_at_field: _loaded_at",
        "      freshness:",
        "        warn_after: {count: 36, period: hour}",
        "      meta:",
        "        lake_area: lake/raw  # <home>/lake/raw/<identifier>/: dbt_project.yml, sources",
        "    tables:",
    ]
    for source in sources:
        formats = " or ".join(FORMAT_NAMES[f] for f in (source.file_format, *source.other_formats))
        lines += [
            f"      - name: {source.entity}",
            f"        description: {_quoted(f'{source.description} Delivered as {formats}.')}",
            f"        identifier: {source.name}",
        ]
    return "\n".join(lines) + "\n"


def _with_contract_columns(path: Path, text: str, sources: list[Source]) -> str:
    """The staging models' yml with each channel model's contract and lineage columns
    written between its markers; the rest of the file (the model's description,
    tests and derived columns) is written by hand."""
    for source in sources:
        model = source.staging_model
        region = re.compile(rf"(?m)^( *)# >>> {model}: generated.*\n(?:.*\n)*?\1# <<< {model}\n")
        found = region.search(text)
        if found is None:
            raise ValueError(
                f"{path}: {model} has no generated column region; end its `columns:` list with the lines\n"
                f"      # >>> {model}: generated\n      # <<< {model}"
            )
        indent = found.group(1)
        entries = [(c.staging_name, c.description) for c in source.columns]
        entries += [(name, f"{{{{ doc('lineage{name}') }}}}") for name in LINEAGE_COLUMNS]
        lines = [f"{indent}# >>> {model}: generated by `make contract` from pipeline/ingest/sources.py"]
        for name, description in entries:
            if not description.strip():
                raise ValueError(f"{source.name}.{name}: describe the column in the contract")
            lines += [f"{indent}- name: {name}", f"{indent}  description: {_quoted(description)}"]
        lines.append(f"{indent}# <<< {model}")
        text = text[: found.start()] + "\n".join(lines) + "\n" + text[found.end():]
    return text


def _contract_macros() -> str:
    contracts = ",\n".join(f"    {_jinja(source.name)}: {_contract(source)}" for source in SOURCES)
    records = ",\n".join(_identity_record(source) for source in SOURCES if source.identity is not None)
    statuses = ",\n".join(
        f"    {_jinja(source.name)}: [\n"
        + ",\n".join(
            f"      {_jinja([status.delivered, status.line_status, status.unpaid_line_status])}"
            for status in source.order_statuses
        )
        + "]"
        for source in SOURCES
        if source.order_statuses
    )
    return f"""{{#- {GENERATED_NOTE}. -#}}

{{#- The channel contract of one source as its staging model sees it: the
    natural key and dedup rule (macro deduplicate), and every column in the
    order delivered, under its staging name: its name in the lake where
    staging renames it, its kind (how staging casts it: macro
    stage_contract_columns), its rules (required, accepted values under
    their staged spelling, minimum: test matches_channel_contract) and, where
    staging respells delivered values, each delivered value's staged one. -#}}
{_by_source_macro("channel_contract", contracts)}


{{#- The staged sources that assert identity (docs/identity.md), and how.
    record: the SQL of a record's key within its source; at: when it
    happened (profiles: the delivery date of their latest version); profile:
    a current state, which still asserts its identifiers on the business
    date; brand: the SQL naming its brand, shop or store (int_brand_names
    resolves it); person_brand: false when that brand is not one the person
    appeared in (int_record_brands leaves it out). Per identifier column:
    id_type; namespace (SQL, default 'global'); brand_namespace, when the
    namespace is a brand, shop or store name to resolve; raw, the staging
    column; normalized, the prefix of staging's `_normalized` / `_rejection`
    columns (opaque ids have none). -#}}
{{% macro identity_record_sources() %}}
  {{%- set delivered = 'cast(_delivery_date as ' ~ dbt.type_timestamp() ~ ')' -%}}
  {{{{ return([
{records}
  ]) }}}}
{{% endmacro %}}


{{#- Each order export's statuses as [delivered, line status, line status on a
    line without a payment time (none: the same)] (macro order_line_status). -#}}
{_by_source_macro("order_statuses", statuses)}
"""


def _by_source_macro(name: str, entries: str) -> str:
    """A macro returning its entry for a source name, and failing on a name it does not know."""
    return f"""{{% macro {name}(source_name) %}}
  {{%- set by_source = {{
{entries}
  }} -%}}
  {{%- if source_name not in by_source -%}}
    {{{{ exceptions.raise_compiler_error("{name}: nothing for source " ~ source_name) }}}}
  {{%- endif -%}}
  {{{{ return(by_source[source_name]) }}}}
{{% endmacro %}}"""


def _contract(source: Source) -> str:
    columns = []
    for column in source.columns:
        entry: dict[str, object] = {"name": column.staging_name}
        if column.staging_name != column.name:
            entry["lake"] = column.name
        entry["kind"] = column.kind.value
        entry["required"] = column.required
        if column.staged_values is not None:
            entry["staged_values"] = [list(pair) for pair in column.staged_values]
        if column.staging_values is not None:
            entry["values"] = list(column.staging_values)
        if column.min_value is not None:
            entry["min_value"] = column.min_value
        columns.append(_jinja(entry))
    staged = {c.name: c.staging_name for c in source.columns}
    key = [staged.get(k, k) for k in source.natural_key]
    column_lines = ",\n".join(f"        {c}" for c in columns)
    return (
        f"{{'model': {_jinja(source.staging_model)}, 'natural_key': {_jinja(key)}, "
        f"'dedup': {_jinja(source.dedup.value)},\n      'columns': [\n{column_lines}]}}"
    )


def _identity_record(source: Source) -> str:
    identity = source.identity
    assert identity is not None
    if len(identity.record) == 1:
        record = _jinja(identity.record[0])
    else:
        parts = [item for column in identity.record for item in (_jinja(column), "\"'/'\"")][:-1]
        record = f"dbt.concat([{', '.join(parts)}])"
    fields = [
        f"'source': {_jinja(source.name)}",
        f"'model': {_jinja(source.staging_model)}",
        f"'record': {record}",
        f"'at': {'delivered' if identity.at is None else _jinja(identity.at)}",
        f"'profile': {_jinja(identity.at is None)}",
        f"'brand': {_jinja(identity.brand)}",
    ]
    if not identity.person_brand:
        fields.append("'person_brand': false")
    identifiers = []
    for identifier in identity.identifiers:
        entry: dict[str, object] = {"id_type": identifier.id_type}
        if identifier.namespace is not None:
            entry["namespace"] = identifier.namespace
        if identifier.brand_namespace:
            entry["brand_namespace"] = True
        entry["raw"] = identifier.column
        if identifier.normalized:
            entry["normalized"] = identifier.column
        identifiers.append(f"        {_jinja(entry)}")
    return "    {" + ", ".join(fields) + ",\n     'identifiers': [\n" + ",\n".join(identifiers) + "]}"


def _jinja(value: object) -> str:
    """A Python value as a Jinja literal (strings single-quoted, as the project writes them)."""
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, str):
        if "\\" in value or ("'" in value and '"' in value):
            raise ValueError(f"write {value!r} without backslashes or both kinds of quotes")
        return f'"{value}"' if "'" in value else f"'{value}'"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_jinja(k)}: {_jinja(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Iterable):
        return "[" + ", ".join(_jinja(v) for v in value) + "]"
    raise TypeError(f"no Jinja literal for {value!r}")


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main() -> None:
    project = Path(__file__).resolve().parents[2]
    written = write_files(project)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("the generated dbt files match the contract")


if __name__ == "__main__":
    main()
