{#- One row per pair of identifiers seen together in at least one record:
    the edges of the identity graph, with their provenance (how many records
    of which sources, first and last seen). The records themselves are in
    int_identifier_observations (rows sharing record_id). Pairs are built
    and counted on the 64-bit node and record ids; node_a < node_b. -#}

with

-- A record counts once, whatever spellings of an identifier it carried.
records as (

    select
        node_id,
        record_id,
        source_name,
        min(observed_at) as observed_at,
        -- A profile still asserts its identifiers tonight.
        max(case when is_profile then cast({{ business_date() }} as {{ dbt.type_timestamp() }}) else observed_at end) as asserted_at
    from {{ ref('int_identifier_observations') }}
    where node_id is not null
    group by node_id, record_id, source_name

),

pairs as (

    select
        side_a.node_id as node_a,
        side_b.node_id as node_b,
        side_a.source_name,
        side_a.observed_at,
        side_a.asserted_at
    from records as side_a
    inner join records as side_b
        on side_a.record_id = side_b.record_id
        and side_a.source_name = side_b.source_name
        and side_a.node_id < side_b.node_id

),

aggregated as (

    select
        node_a,
        node_b,
        count(*) as record_count,
        min(observed_at) as first_seen_at,
        max(observed_at) as last_seen_at,
        max(asserted_at) as last_asserted_at,
        {{ identity_source_list('source_name') }} as sources
    from pairs
    group by node_a, node_b

),

identifiers as (

    select node_id, identifier_key, id_type, namespace from {{ ref('int_identifiers') }}

),

final as (

    select
        identifier_a.identifier_key as identifier_key_a,
        identifier_b.identifier_key as identifier_key_b,
        aggregated.node_a,
        aggregated.node_b,
        identifier_a.id_type as id_type_a,
        identifier_a.namespace as namespace_a,
        identifier_b.id_type as id_type_b,
        identifier_b.namespace as namespace_b,
        aggregated.record_count,
        aggregated.first_seen_at,
        aggregated.last_seen_at,
        aggregated.last_asserted_at,
        aggregated.sources
    from aggregated
    inner join identifiers as identifier_a on aggregated.node_a = identifier_a.node_id
    inner join identifiers as identifier_b on aggregated.node_b = identifier_b.node_id

)

select * from final
