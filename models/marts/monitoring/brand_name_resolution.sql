{#- How every brand, shop and store name the deliveries carry resolved to a
    brand (int_brand_names: the rules and their order), with the rows that
    carry it: the data-quality view of names that resolve to no brand or to
    several, which no identifier, order or interaction is credited to. -#}

with

brand_names as (

    select * from {{ ref('int_brand_names') }}

),

final as (

    select
        name_as_delivered,
        source_names,
        brand,
        brand is not null as is_resolved,
        resolved_by,
        unresolved_reason,
        candidate_brands,
        delivered_rows
    from brand_names

)

select * from final
