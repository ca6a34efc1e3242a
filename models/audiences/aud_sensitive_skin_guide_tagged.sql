{#- Sensitive or dry skin, as the brand's shop assistants recorded it:
    the current manual tag skin_type (person_brand_manual_tags) is
    `sensitive` or `dry`, for a gentle-care offer. Per brand: the brand
    whose guide set the tag (only brands whose catalog has skin_type). -#}

with

manual_tags as (

    select * from {{ ref('person_brand_manual_tags') }}

),

final as (

    select distinct oneid, brand
    from manual_tags
    where tag_code = 'skin_type'
        and tag_value in ('sensitive', 'dry')

)

select * from final
