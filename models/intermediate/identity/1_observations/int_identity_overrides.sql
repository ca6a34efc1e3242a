{#- The manual overrides (seed identity_overrides), resolved to graph nodes.
    An override applies when both of its identifiers exist (are valid and
    seen); the others are reported in identity_quarantine. -#}

with

overrides as (

    select
        rule,
        {{ trim_spaces('identifier_key_a') }} as identifier_key_a,
        {{ trim_spaces('identifier_key_b') }} as identifier_key_b,
        note
    from {{ ref('identity_overrides') }}

),

final as (

    select
        overrides.rule,
        overrides.identifier_key_a,
        overrides.identifier_key_b,
        identifier_a.node_id as node_a,
        identifier_b.node_id as node_b,
        identifier_a.node_id is not null and identifier_b.node_id is not null as is_applicable,
        overrides.note
    from overrides
    left join {{ ref('int_identifiers') }} as identifier_a
        on overrides.identifier_key_a = identifier_a.identifier_key
    left join {{ ref('int_identifiers') }} as identifier_b
        on overrides.identifier_key_b = identifier_b.identifier_key

)

select * from final
