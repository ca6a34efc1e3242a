{#- Collapse repeated deliveries of the same record, following the source's
    dedup rule (pipeline.ingest.sources.Dedup):

    latest        the latest delivered version of each natural key wins
                  (a later file beats an earlier one, a later line beats an
                  earlier line of the same file);
    snapshot      every delivery is a full snapshot: same as latest, per key;
    first         the first delivered record of each key wins (client retries);
    same_content  the natural key is the whole content of the row: the first
                  file that delivered a content keeps all of its rows with that
                  content (true repeats inside one file are real, e.g. two
                  identical POS lines), the same content in later files is a
                  re-send and is dropped.

    Delivery order is (_delivery_date, _loaded_at, _file_path, _file_line).
    Returns a select over `relation` (a CTE name) with an extra _dedup_rank
    column that callers leave out of their explicit final column list. -#}
{% macro deduplicate(relation, natural_key, strategy) -%}
    {%- set strategies = ['latest', 'snapshot', 'first', 'same_content'] -%}
    {%- if strategy not in strategies -%}
        {{ exceptions.raise_compiler_error("deduplicate: unknown strategy '" ~ strategy ~ "', expected one of " ~ strategies | join(', ')) }}
    {%- endif -%}
    {%- if natural_key | length == 0 -%}
        {{ exceptions.raise_compiler_error("deduplicate: natural_key must name at least one column") }}
    {%- endif -%}
    {%- set partition = natural_key | join(', ') -%}
    {%- if strategy == 'same_content' -%}
        {%- set ranking = 'dense_rank() over (partition by ' ~ partition ~ ' order by _delivery_date, _loaded_at, _file_path)' -%}
    {%- elif strategy == 'first' -%}
        {%- set ranking = 'row_number() over (partition by ' ~ partition ~ ' order by _delivery_date, _loaded_at, _file_path, _file_line)' -%}
    {%- else -%}
        {%- set ranking = 'row_number() over (partition by ' ~ partition ~ ' order by _delivery_date desc, _loaded_at desc, _file_path desc, _file_line desc)' -%}
    {%- endif -%}
    select *
    from (
        select
            *,
            {{ ranking }} as _dedup_rank
        from {{ relation }}
    ) as ranked
    where _dedup_rank = 1
{%- endmacro %}
