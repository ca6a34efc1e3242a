{#- 中年人群包: people aged 40 to 60 on the business date (person_tags.age,
    from the golden-record birthday; people without one are not in it).
    Group-wide. -#}

with

person_tags as (

    select * from {{ ref('person_tags') }}
    where age is not null

),

final as (

    select oneid, cast(null as {{ dbt.type_string() }}) as brand
    from person_tags
    where age between {{ var('audience_middle_aged_min_age') }} and {{ var('audience_middle_aged_max_age') }}

)

select * from final
{{ stored_in_order_of('oneid') }}
