{#- Incremental nights (docs/incremental.md).

    `keyed_incremental` is a materialization for tables whose rows are keyed
    and whose new rows arrive with new lake loads. On the first night (or with
    --full-refresh) the model's SQL builds the whole table. On a later night
    the model's SQL sees only tonight's loads (`tonight_loads_only()`), its
    result is written to a slice table, and the slice is merged into the
    table by key:

      dedup       which side keeps a key (pipeline.ingest.sources.Dedup, the
                  contract's rule; `deduplicate()` applies the same rule
                  inside one night)
      latest,     the row delivered last, in delivery order
      snapshot    (_delivery_date, _loaded_at, _file_path, _file_line)
      first       the row delivered first
      same_content  all rows of the first file that delivered the content
      replace     the slice (for tables derived from a keyed table: a key
                  that comes back tonight was re-decided upstream). A slice
                  may carry a boolean `_is_tombstone`: its rows only delete
                  their key (a re-decided key that now has no row); the
                  column is not stored.

    The slice stays in the store until the build ends (on-run-end hook
    drop_night_slices): a model downstream reads it as
    `night_slice(ref(...))`, the keys this night re-derived. A slice may
    carry columns the table does not (a key's value before tonight, say
    `_previous_oneid`): the merge stores only the table's columns.

    A key is kept whole by one side: stored rows that the slice beats are
    deleted, slice rows that a stored row beats are dropped, so merging
    night after night gives the table that one full build gives.

    Both engines run the same SQL for the slice; only the merge is
    engine-specific: DuckDB deletes and inserts in place, Spark (plain
    Parquet tables take no DELETE) writes the merged table next to the old
    one and swaps the names. Dbt's own `incremental` cannot express this
    portably: dbt-spark accepts only append / insert_overwrite without
    Delta, and neither keeps a key whole. -#}

{% materialization keyed_incremental, default %}
    {%- set unique_key = config.require('unique_key') -%}
    {%- set unique_key = [unique_key] if unique_key is string else unique_key -%}
    {%- set dedup = config.require('dedup') -%}
    {%- if dedup not in ['latest', 'snapshot', 'first', 'same_content', 'replace'] -%}
        {{ exceptions.raise_compiler_error("keyed_incremental: unknown dedup '" ~ dedup ~ "'") }}
    {%- endif -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set slice_relation = make_intermediate_relation(target_relation, '__slice') -%}
    {%- set grant_config = config.get('grants') -%}

    {{ drop_relation_if_exists(load_cached_relation(slice_relation)) }}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if existing_relation is none or should_full_refresh() or existing_relation.is_view -%}
        {{ drop_relation_if_exists(existing_relation) }}
        {%- call statement('main') -%}
            {{ create_table_as(False, target_relation, sql) }}
        {%- endcall -%}
    {%- else -%}
        {%- call statement('slice') -%}
            {{ create_slice_as(slice_relation, sql) }}
        {%- endcall -%}
        {%- set slice_columns = adapter.get_columns_in_relation(slice_relation) | map(attribute='name') | map('lower') | list -%}
        {%- do keyed_merge(target_relation, slice_relation, unique_key, dedup, '_is_tombstone' in slice_columns) -%}
        {%- call statement('main') -%}
            select count(*) as slice_rows from {{ slice_relation }}
        {%- endcall -%}
    {%- endif -%}

    {%- do enforce_contract_constraints(target_relation, model) -%}
    {%- do apply_grants(target_relation, grant_config, should_revoke=false) -%}
    {%- do persist_docs(target_relation, model) -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- The slice a keyed_incremental model wrote tonight (the keys it
    re-derived, with their new rows and tombstones): only for models built
    incrementally in the same night, after it (declare the dependency with
    ref()). -#}
{% macro night_slice(relation) -%}
    {{ return(make_intermediate_relation(relation, '__slice')) }}
{%- endmacro %}


{#- The slice of a table derived whole each night (small global tables:
    identifier match keys, campaign brands): the rows of `computed` (a CTE
    with the table's columns, in its order) that are new or differ in
    `columns` from last night's, and a tombstone for each stored key that
    `computed` no longer holds. `previous` columns come along with their
    value before tonight as `_previous_<column>`. Only in an incremental
    build (it reads the stored table). -#}
{% macro whole_table_changes(computed, unique_key, columns, previous=[]) -%}
    select
        {{ computed }}.*,
        {%- for column in previous %}
        last_night.{{ column }} as _previous_{{ column }},
        {%- endfor %}
        false as _is_tombstone
    from {{ computed }}
    left join {{ this }} as last_night on {{ same_key(computed, 'last_night', unique_key) }}
    where last_night.{{ unique_key[0] }} is null
    {%- for column in columns %}
        or {{ computed }}.{{ column }} is distinct from last_night.{{ column }}
    {%- endfor %}

    union all

    select
        last_night.*,
        {%- for column in previous %}
        last_night.{{ column }} as _previous_{{ column }},
        {%- endfor %}
        true as _is_tombstone
    from {{ this }} as last_night
    where not exists (
        select 1 from {{ computed }}
        where {{ same_key(computed, 'last_night', unique_key) }}
    )
{%- endmacro %}


{#- The `final` of a `replace` model: its rows and, on an incremental
    night, a tombstone for each key of `rederived` (a relation or CTE with
    the key columns: the keys the night re-derives) that has no row any more
    (a record whose identifiers all went, a OneID merged away). The
    tombstone's other columns are nulls of the stored table's types. -#}
{% macro with_tombstones(rows, rederived, unique_key) -%}
    {%- if is_incremental() -%}
    {%- set columns = adapter.get_columns_in_relation(this) -%}
    select {{ rows }}.*, false as _is_tombstone
    from {{ rows }}

    union all

    select
        {%- for column in columns %}
        {% if column.name | lower in unique_key -%}
        rederived.{{ column.quoted }}
        {%- else -%}
        cast(null as {{ column.data_type }})
        {%- endif %} as {{ column.quoted }},
        {%- endfor %}
        true as _is_tombstone
    from (select distinct {{ unique_key | join(', ') }} from {{ rederived }}) as rederived
    where not exists (select 1 from {{ rows }} where {{ same_key(rows, 'rederived', unique_key) }})
    {%- else -%}
    select * from {{ rows }}
    {%- endif -%}
{%- endmacro %}


{#- on-run-end: the night's slices are scratch for the models downstream of
    theirs; the published store keeps none. -#}
{% macro drop_night_slices() -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.materialized == 'keyed_incremental' -%}
            {%- do adapter.drop_relation(api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias ~ '__slice', type='table')) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as night_slices_dropped
{%- endmacro %}


{#- on-run-start: the tables an incremental night extends. DuckDB builds
    in a copy of the published store, so they are there. A local Spark
    session starts with an empty metastore: each keyed_incremental model's
    table of the published night (var extended_spark_tables, the folder
    pipeline/incremental.py names) is registered as an external Parquet
    table and told to dbt's relation cache, which dbt filled before this
    hook. The merge reads it and writes the merged table in tonight's
    warehouse; dropping an external table never deletes its files, so the
    published night's files are only read. -#}
{% macro register_extended_tables() -%}
    {{ return(adapter.dispatch('register_extended_tables')()) }}
{%- endmacro %}

{% macro default__register_extended_tables() -%}
    select 1 as extended_tables_in_place
{%- endmacro %}

{% macro spark__register_extended_tables() -%}
    {%- set folder = var('extended_spark_tables', none) -%}
    {%- if execute and folder and not flags.FULL_REFRESH -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.config.materialized == 'keyed_incremental' -%}
            {%- set relation = api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias, type='table') -%}
            {%- do run_query(
                'create table if not exists ' ~ relation ~ " using parquet location '" ~ folder ~ '/' ~ node.alias ~ "'") -%}
            {%- do adapter.cache_added(relation) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as extended_tables_registered
{%- endmacro %}


{#- dbt's is_incremental() knows only dbt's `incremental`; models and macros
    ask it whether tonight builds a slice. -#}
{% macro is_incremental() -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if model.config.materialized not in ['incremental', 'keyed_incremental'] or should_full_refresh() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(this.database, this.schema, this.table) -%}
    {{ return(relation is not none and relation.type == 'table') }}
{%- endmacro %}


{#- Whether this build extends last night's tables (`oneid run` passes
    tonight's loads and no --full-refresh): for plain tables that list what
    the keyed_incremental models downstream re-derive. -#}
{% macro is_incremental_night() -%}
    {{ return(var('incremental_loads', none) is not none and not flags.FULL_REFRESH) }}
{%- endmacro %}


{#- The loads a night adds (var `incremental_loads`, set by pipeline/incremental.py):
    a filter on a lake source's _load_id in an incremental build, nothing
    in a full one. -#}
{% macro tonight_loads_only(column='_load_id') -%}
    {%- if is_incremental() -%}
        and {{ tonight_loads_condition(column) }}
    {%- endif -%}
{%- endmacro %}

{% macro tonight_loads_condition(column='_load_id') -%}
    {%- set loads = var('incremental_loads', none) -%}
    {%- if loads is none -%}
        {{ exceptions.raise_compiler_error(
            "an incremental build needs var incremental_loads (the load ids tonight adds); "
            ~ "`oneid run` passes it, or build with --full-refresh") }}
    {%- elif loads | length == 0 -%}
        1 = 0
    {%- else -%}
        {{ column }} in ({% for load in loads %}'{{ load | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}


{#- Data tests on a keyed_incremental model check, on an incremental night,
    the rows tonight wrote: those of tonight's loads when the model has a
    `slice_column` (the load id staging rows carry), else those whose key is
    in the night's slice. Last night's rows passed last night's tests, and a
    key is replaced whole, so a failure can only be in tonight's keys. A
    full build checks the whole table. Everything else is dbt's own. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set tested = [] if not execute else graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('alias', 'equalto', relation.identifier) | list -%}
    {%- set extended = tested and tested[0].config.materialized == 'keyed_incremental'
        and not flags.FULL_REFRESH and var('incremental_loads', none) is not none -%}
    {%- if extended and tested[0].config.get('slice_column') -%}
        {%- set slice = tonight_loads_condition(tested[0].config.get('slice_column')) -%}
    {%- elif extended -%}
        {%- set unique_key = tested[0].config.get('unique_key') -%}
        {%- set unique_key = [unique_key] if unique_key is string else unique_key -%}
        {%- set slice -%}
            exists (select 1 from {{ night_slice(relation) }} as night_slice where {{ same_key('night_slice', 'tested_rows', unique_key) }})
        {%- endset -%}
    {%- endif -%}
    {%- if extended -%}
        {%- set where = '(' ~ slice ~ ')' ~ (' and (' ~ where ~ ')' if where else '') -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' as tested_rows where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- A night's slice: the model's SQL as a scratch table, outside the model's
    contract (an enforced contract holds the stored table; a slice may carry
    `_is_tombstone` or a key's value before tonight besides the contract's
    columns). -#}
{% macro create_slice_as(relation, sql) -%}
    {{ return(adapter.dispatch('create_slice_as')(relation, sql)) }}
{%- endmacro %}

{% macro default__create_slice_as(relation, sql) -%}
    create table {{ relation }} as (
        {{ sql }}
    )
{%- endmacro %}

{% macro spark__create_slice_as(relation, sql) -%}
    create table {{ relation }} {{ file_format_clause() }} as
    {{ sql }}
{%- endmacro %}

{#- Merge a slice into its table by key. -#}
{% macro keyed_merge(target, slice, unique_key, dedup, has_tombstones=false) -%}
    {{ return(adapter.dispatch('keyed_merge')(target, slice, unique_key, dedup, has_tombstones)) }}
{%- endmacro %}

{% macro default__keyed_merge(target, slice, unique_key, dedup, has_tombstones) -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    {%- call statement('keyed_merge_delete') -%}
        delete from {{ target }} as stored
        where exists (
            select 1 from {{ slice }} as fresh
            where {{ same_key('fresh', 'stored', unique_key) }}
              and {{ fresh_wins('fresh', 'stored', dedup) }}
        )
    {%- endcall -%}
    {%- call statement('keyed_merge_insert') -%}
        insert into {{ target }} ({{ columns }})
        select {{ columns }} from {{ slice }} as fresh
        where {{ 'not fresh._is_tombstone and' if has_tombstones }}
        {%- if dedup == 'replace' %}
            -- the delete removed every stored row of the slice's keys
            1 = 1
        {%- else %}
            not exists (
                select 1 from {{ target }} as stored
                where {{ same_key('fresh', 'stored', unique_key) }}
            )
        {%- endif %}
    {%- endcall -%}
{%- endmacro %}

{% macro spark__keyed_merge(target, slice, unique_key, dedup, has_tombstones) -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    {%- set merged = make_intermediate_relation(target, '__merged') -%}
    {{ drop_relation_if_exists(load_cached_relation(merged)) }}
    {%- set merged_sql -%}
        select {{ columns }} from {{ target }} as stored
        where not exists (
            select 1 from {{ slice }} as fresh
            where {{ same_key('fresh', 'stored', unique_key) }}
              and {{ fresh_wins('fresh', 'stored', dedup) }}
        )
        union all
        select {{ columns }} from {{ slice }} as fresh
        where {{ 'not fresh._is_tombstone and' if has_tombstones }} not exists (
            select 1 from {{ target }} as stored
            where {{ same_key('fresh', 'stored', unique_key) }}
              and not ({{ fresh_wins('fresh', 'stored', dedup) }})
        )
    {%- endset -%}
    {%- call statement('keyed_merge_write') -%}
        {{ create_table_as(False, merged, merged_sql) }}
    {%- endcall -%}
    {%- do adapter.drop_relation(target) -%}
    {%- do adapter.rename_relation(merged, target) -%}
{%- endmacro %}


{#- Null-safe equality of two rows' keys. -#}
{% macro same_key(left, right, unique_key) -%}
    {%- for column in unique_key -%}
        {{ left }}.{{ column }} is not distinct from {{ right }}.{{ column }}{{ ' and ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#- True when `fresh` wins its key against `stored` under the dedup rule:
    later in delivery order for latest/snapshot, earlier for first, an
    earlier file for same_content, always for replace. Two rows of one key
    never tie: tonight's loads are other files (or a forced reload's later
    _loaded_at). -#}
{% macro fresh_wins(fresh, stored, dedup) -%}
    {%- if dedup == 'replace' -%}
        1 = 1
    {%- elif dedup in ['latest', 'snapshot'] -%}
        {{ lexicographic_less(stored, fresh, ['_delivery_date', '_loaded_at', '_file_path', '_file_line']) }}
    {%- elif dedup == 'first' -%}
        {{ lexicographic_less(fresh, stored, ['_delivery_date', '_loaded_at', '_file_path', '_file_line']) }}
    {%- else -%}
        {{ lexicographic_less(fresh, stored, ['_delivery_date', '_loaded_at', '_file_path']) }}
    {%- endif -%}
{%- endmacro %}

{% macro lexicographic_less(left, right, columns) -%}
    {%- set column = columns[0] -%}
    {%- if columns | length == 1 -%}
        {{ left }}.{{ column }} < {{ right }}.{{ column }}
    {%- else -%}
        ({{ left }}.{{ column }} < {{ right }}.{{ column }} or ({{ left }}.{{ column }} = {{ right }}.{{ column }} and {{ lexicographic_less(left, right, columns[1:]) }}))
    {%- endif -%}
{%- endmacro %}
