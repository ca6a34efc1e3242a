{#- Every identifier value seen in a staged record, valid or not: the base
    of the identity graph, of the rejected-value counts, and of the
    provenance of every link (which record of which file said so).

    A record is the unit a source asserts identity with (macro
    identity_record_sources lists the sources and their identifier columns).
    The ids of one record belong to one person, so they become links.
    Orders, receipts and events are seen at their own time; profiles (CRM,
    Tmall members, WeChat users and followers) at the delivery date of their
    latest version, the one staging keeps. A profile is its source's current
    state, so it still asserts its identifiers on the business date
    (is_profile; int_identity_links dates its assertion), however long ago it
    was delivered: an old CRM record is not weaker evidence than yesterday's
    order.

    Incremental (docs/incremental.md): a night re-derives only the records
    that tonight's loads touched, whole, and replaces them by
    (source_name, record_key); nothing here depends on the business date.
    The slice also carries each touched record's earlier rows as
    tombstones: they delete the record's key (a record that no longer
    carries an identifier keeps no row), are not stored, and tell
    int_identifiers which identifiers lost an observation. -#}

{%- set delivered = 'cast(_delivery_date as ' ~ dbt.type_timestamp() ~ ')' -%}
{{ config(materialized='keyed_incremental', unique_key=['source_name', 'record_key'], dedup='replace') }}

with

observed as (

    {%- set selects = [] -%}
    {%- for source in identity_record_sources() -%}
    {%- for column in source.identifiers -%}
    {%- do selects.append((source, column)) -%}
    {%- endfor -%}
    {%- endfor %}
    {% for source, column in selects %}
    select
        '{{ source.source }}' as source_name,
        cast({{ source.record }} as {{ dbt.type_string() }}) as record_key,
        coalesce({{ source.at }}, {{ delivered }}) as observed_at,
        {{ 'true' if source.profile else 'false' }} as is_profile,
        '{{ column.id_type }}' as id_type,
        {{ column.namespace | default("'global'") }} as namespace_as_delivered,
        {{ 'true' if column.brand_namespace else 'false' }} as is_brand_namespace,
        {{ column.raw }} as raw_value,
        {%- if column.normalized %}
        {{ column.normalized }}_normalized as normalized_value,
        {{ column.normalized }}_rejection as rejection,
        {%- else %}
        {{ column.raw }} as normalized_value,
        case when {{ column.raw }} like '%*%' then 'masked' end as rejection,
        {%- endif %}
        _file_path,
        _file_line
    from {{ ref(source.model) }}
    where {{ column.raw }} is not null
    {%- if is_incremental() %}
        and {{ source.record }} in (select record_key from ({{ touched_records(source) }}) as records)
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

brand_names as (

    select name_as_delivered, brand from {{ ref('int_brand_names') }}

),

namespaced as (

    select
        observed.source_name,
        observed.record_key,
        observed.observed_at,
        observed.is_profile,
        observed.id_type,
        case
            when observed.is_brand_namespace then brand_names.brand
            else observed.namespace_as_delivered
        end as namespace,
        -- A shop or store name that resolves to no brand (int_brand_names) is not a namespace of its own.
        observed.is_brand_namespace and observed.namespace_as_delivered is not null and brand_names.brand is null
            as is_unresolved_brand,
        observed.raw_value,
        observed.normalized_value,
        observed.rejection,
        observed._file_path,
        observed._file_line
    from observed
    left join brand_names
        on observed.is_brand_namespace
        and brand_names.name_as_delivered = observed.namespace_as_delivered

),

-- An id whose namespace is unknown (an openid without appid) cannot be told apart from another one.
checked as (

    select
        source_name,
        record_key,
        observed_at,
        is_profile,
        id_type,
        namespace,
        raw_value,
        normalized_value,
        case
            when rejection is not null then rejection
            when is_unresolved_brand then 'unresolved_brand'
            when namespace is null then 'no_namespace'
        end as rejection,
        _file_path,
        _file_line
    from namespaced

),

candidate_values as (

    select distinct id_type, normalized_value
    from checked
    where rejection is null

),

blocklist as (

    select id_type, match_kind, pattern from {{ ref('identifier_blocklist') }}

),

blocked_exactly as (

    select candidate_values.id_type, candidate_values.normalized_value
    from candidate_values
    inner join blocklist
        on blocklist.match_kind = 'exact'
        and lower(candidate_values.normalized_value) = lower(blocklist.pattern)
        and blocklist.id_type in ('*', candidate_values.id_type)

),

-- The patterns are read from the seed when the model runs and inlined as
-- literals: a pattern held in a column would be compiled again for every row.
blocked_by_pattern as (

    select id_type, normalized_value
    from candidate_values
    where {{ identity_blocklist_patterns_match('id_type', 'normalized_value', ref('identifier_blocklist')) }}

),

blocked as (

    select id_type, normalized_value from blocked_exactly
    union
    select id_type, normalized_value from blocked_by_pattern

),

judged as (

    select
        checked.source_name,
        checked.record_key,
        checked.observed_at,
        checked.is_profile,
        checked.id_type,
        checked.namespace,
        checked.raw_value,
        case
            when checked.rejection is not null then checked.rejection
            when blocked.normalized_value is not null then 'blocklisted'
        end as rejection,
        checked.normalized_value,
        checked._file_path,
        checked._file_line
    from checked
    left join blocked
        on checked.id_type = blocked.id_type
        and checked.normalized_value = blocked.normalized_value

),

-- One row per identifier spelling per record (an order repeats its buyer on
-- every line): the record's first delivered line is its lineage.
ranked as (

    select
        *,
        case when rejection is null then {{ identifier_key('id_type', 'namespace', 'normalized_value') }} end as identifier_key,
        row_number() over (
            partition by source_name, record_key, id_type, namespace, raw_value
            order by observed_at, _file_path, _file_line
        ) as spelling_rank
    from judged

),

final as (

    select
        source_name,
        record_key,
        {{ hash_bigint(dbt.concat(['source_name', "'|'", 'record_key'])) }} as record_id,
        observed_at,
        is_profile,
        id_type,
        namespace,
        raw_value,
        case when rejection is null then normalized_value end as value,
        rejection,
        identifier_key,
        case when identifier_key is not null then {{ hash_bigint('identifier_key') }} end as node_id,
        _file_path,
        _file_line
        {%- if is_incremental() %},
        false as _is_tombstone
        {%- endif %}
    from ranked
    where spelling_rank = 1
    {%- if is_incremental() %}

    union all

    -- The earlier rows of every touched record: they only delete the record's
    -- key (a record that no longer carries an identifier keeps none), and
    -- tell int_identifiers which identifiers lost an observation.
    -- (Joined on record_id as well: a semi-join on the 64-bit id runs in a
    -- second where one on the two strings alone took ten at 1M people.)
    select last_night.*, true as _is_tombstone
    from {{ this }} as last_night
    inner join (
        select distinct
            {{ hash_bigint(dbt.concat(['source_name', "'|'", 'record_key'])) }} as record_id,
            source_name,
            record_key
        from ({{ touched_identity_records() }}) as touched_records
    ) as touched
        on last_night.record_id = touched.record_id
        and last_night.source_name = touched.source_name
        and last_night.record_key = touched.record_key
    {%- endif %}

)

select * from final
