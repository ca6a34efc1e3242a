{#- The high-conversion backflow group: person_tags.is_high_conversion_value
    (ad backflow joined through hashed identifiers; rule: docs/tags.md).
    Group-wide. -#}

with

person_tags as (

    select * from {{ ref('person_tags') }}

),

final as (

    select oneid, cast(null as {{ dbt.type_string() }}) as brand
    from person_tags
    where is_high_conversion_value

)

select * from final
{{ stored_in_order_of('oneid') }}
