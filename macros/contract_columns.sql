{#- A source's columns as its staging model reads them from the lake, from
    the channel contract (macro channel_contract, generated from
    pipeline/ingest/sources.py): a column added to the contract is staged
    without touching the model. Each lake kind is staged one way: text and
    ids trimmed with empty as null (the loader trimmed ASCII spaces; staging
    also trims the Unicode ones), hex digests lower-cased as every platform
    compares them, integers and amounts cast to the project's types,
    timestamps to UTC, and respelled values (gender `男` -> `M`) mapped, any
    other value null. Lineage is not a contract column (macro
    stage_lineage_columns). -#}
{% macro stage_contract_columns(contract) -%}
    {%- set columns = [] -%}
    {%- for column in contract.columns -%}
        {%- set lake = column.get('lake', column.name) -%}
        {%- if column.kind in ('text', 'digits', 'json') -%}
            {%- set staged = clean_text(lake) -%}
        {%- elif column.kind == 'hex_digest' -%}
            {%- set staged = 'lower(' ~ clean_text(lake) ~ ')' -%}
        {%- elif column.kind == 'int' -%}
            {%- set staged = 'cast(' ~ lake ~ ' as ' ~ dbt.type_bigint() ~ ')' -%}
        {%- elif column.kind == 'amount' -%}
            {%- set staged = 'cast(' ~ lake ~ ' as ' ~ type_amount() ~ ')' -%}
        {%- elif column.kind == 'timestamp' -%}
            {%- set staged = to_utc_timestamp(lake) -%}
        {%- elif column.kind == 'date' -%}
            {%- set staged = 'cast(' ~ lake ~ ' as date)' -%}
        {%- elif column.kind == 'flag' -%}
            {%- set staged = 'cast(' ~ lake ~ ' as ' ~ dbt.type_boolean() ~ ')' -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("stage_contract_columns: no staging for kind '" ~ column.kind ~ "' of " ~ column.name) }}
        {%- endif -%}
        {%- if column.get('staged_values') -%}
            {%- set cases = [] -%}
            {%- for delivered, value in column.staged_values -%}
                {%- do cases.append("when '" ~ delivered ~ "' then '" ~ value ~ "'") -%}
            {%- endfor -%}
            {%- set staged = 'case ' ~ staged ~ ' ' ~ cases | join(' ') ~ ' end' -%}
        {%- endif -%}
        {%- do columns.append(staged ~ ' as ' ~ column.name) -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#- The contract's staged column names, as part of an explicit select list. -#}
{% macro select_contract_columns(contract) -%}
    {{ contract.columns | map(attribute='name') | join(',\n        ') }}
{%- endmacro %}
