{#- One row per identifier: every valid value seen in any record, with when
    and where it was seen, and the hashes ad platforms send back (backflow
    joins on md5_hex / sha256_hex). Raw values: restricted store only.
    identifier_hash is the keyed hash analysts see (map_identifier_oneid),
    computed once here. Aggregates run on the 64-bit node and record ids,
    not on the key text;
    should two keys ever share a node id, both rows remain and the
    uniqueness test of node_id fails.

    Incremental (docs/incremental.md): a night re-aggregates the identifiers
    that int_identifier_observations' slice names (observed in a touched
    record, tonight or before), over all their observations, and hashes only
    those; an identifier no record carries any more leaves a tombstone. -#}

{{ config(materialized='keyed_incremental', unique_key=['identifier_key'], dedup='replace') }}

with

{% if is_incremental() -%}
reobserved as (

    select distinct identifier_key, node_id
    from {{ night_slice(ref('int_identifier_observations')) }}
    where node_id is not null

),
{%- endif %}

valid as (

    select * from {{ ref('int_identifier_observations') }}
    where node_id is not null
    {%- if is_incremental() %}
        and node_id in (select node_id from reobserved)
    {%- endif %}

),

-- A record counts once, whatever spellings of the identifier it carried.
records as (

    select node_id, record_id, source_name, min(observed_at) as observed_at
    from valid
    group by node_id, record_id, source_name

),

aggregated as (

    select
        node_id,
        min(observed_at) as first_seen_at,
        max(observed_at) as last_seen_at,
        count(*) as record_count,
        {{ identity_source_list('source_name') }} as sources
    from records
    group by node_id

),

-- The record that first carried it (the funnel credits a new identifier to
-- it): among the records at its first_seen_at, the first by source and
-- record. Ranking only those spares a sort of every observation.
first_records as (

    select
        valid.node_id,
        valid.source_name,
        valid.record_key,
        row_number() over (
            partition by valid.node_id
            order by valid.source_name, valid.record_key
        ) as record_rank
    from valid
    inner join aggregated
        on valid.node_id = aggregated.node_id
        and valid.observed_at is not distinct from aggregated.first_seen_at

),

described as (

    select distinct node_id, identifier_key, id_type, namespace, value
    from valid

),

-- Platforms hash the OAID as the device reports it: its most frequent spelling.
oaid_spellings as (

    select
        node_id,
        raw_value,
        row_number() over (partition by node_id order by count(*) desc, raw_value) as spelling_rank
    from valid
    where id_type = 'oaid'
    group by node_id, raw_value

),

identifiers as (

    select
        described.identifier_key,
        described.node_id,
        {{ keyed_hash('described.identifier_key') }} as identifier_hash,
        described.id_type,
        described.namespace,
        described.value,
        case
            when described.id_type in ('phone', 'email', 'idfa', 'imei') then {{ md5_hex('described.value') }}
            when described.id_type = 'oaid' then {{ md5_hex('oaid_spellings.raw_value') }}
        end as md5_hex,
        case
            when described.id_type in ('phone', 'email') then {{ sha256_hex('described.value') }}
        end as sha256_hex,
        aggregated.first_seen_at,
        aggregated.last_seen_at,
        aggregated.record_count,
        aggregated.sources,
        first_records.source_name as first_source_name,
        first_records.record_key as first_record_key
    from described
    inner join aggregated on described.node_id = aggregated.node_id
    inner join first_records
        on described.node_id = first_records.node_id
        and first_records.record_rank = 1
    left join oaid_spellings
        on described.node_id = oaid_spellings.node_id
        and oaid_spellings.spelling_rank = 1

),

final as (

    {{ with_tombstones('identifiers', 'reobserved', ['identifier_key']) }}

)

select * from final
