{#- Identifier -> OneID in the restricted store: the one place downstream
    models (golden record, tags, eligibility, exports) get a OneID from, by
    identifier key. map_identifier_oneid publishes it without raw values.

    The OneID is the stable one of int_oneid_assignments: it survives from
    night to night unless the person's component merges or splits. -#}

with

assignments as (

    select * from {{ ref('int_oneid_assignments') }}

),

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

oneid_sizes as (

    select oneid, count(*) as oneid_identifiers
    from assignments
    group by oneid

),

final as (

    select
        identifiers.identifier_key,
        identifiers.identifier_hash,
        assignments.oneid,
        identifiers.id_type,
        identifiers.namespace,
        identifiers.value,
        oneid_sizes.oneid_identifiers,
        identifiers.first_seen_at,
        identifiers.last_seen_at,
        identifiers.record_count,
        identifiers.sources,
        assignments.oneid_created_on
    from assignments
    inner join identifiers on assignments.identifier_key = identifiers.identifier_key
    inner join oneid_sizes on assignments.oneid = oneid_sizes.oneid

)

select * from final
{{ stored_in_order_of('oneid') }}
