{#- Identifier -> OneID in the restricted store: the one place downstream
    models (golden record, tags, eligibility, exports) get a OneID from, by
    identifier key. map_identifier_oneid publishes it without raw values.

    The OneID is derived from the component's earliest-seen identifier (its
    keyed hash), so it is deterministic for a given graph; the stable-OneID
    state (int_oneid_assignments) takes over this derivation. -#}

with

components as (

    select * from {{ ref('int_identity_components') }}

),

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

earliest as (

    select
        components.component_id,
        identifiers.identifier_hash,
        row_number() over (
            partition by components.component_id
            order by identifiers.first_seen_at, components.identifier_key
        ) as seen_rank
    from components
    inner join identifiers on components.identifier_key = identifiers.identifier_key

),

oneids as (

    select
        component_id,
        'OID' || upper(substr(identifier_hash, 1, 20)) as oneid
    from earliest
    where seen_rank = 1

),

final as (

    select
        identifiers.identifier_key,
        identifiers.identifier_hash,
        oneids.oneid,
        identifiers.id_type,
        identifiers.namespace,
        identifiers.value,
        components.component_size as oneid_identifiers,
        identifiers.first_seen_at,
        identifiers.last_seen_at,
        identifiers.record_count,
        identifiers.sources
    from components
    inner join identifiers on components.identifier_key = identifiers.identifier_key
    inner join oneids on components.component_id = oneids.component_id

)

select * from final
