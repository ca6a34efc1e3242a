{#- Identifier -> OneID: what analysts and exports join on. Identifiers
    appear only as keyed hashes and masked values; the raw values stay in
    the restricted store (int_identifier_oneids). -#}

with

identifier_oneids as (

    select * from {{ ref('int_identifier_oneids') }}

),

final as (

    select
        identifier_hash,
        oneid,
        id_type,
        namespace,
        {{ mask_identifier('id_type', 'value') }} as identifier_masked,
        oneid_identifiers,
        first_seen_at,
        last_seen_at,
        record_count,
        sources,
        oneid_created_on
    from identifier_oneids

)

select * from final
{{ stored_in_order_of('identifier_hash') }}
