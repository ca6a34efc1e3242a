{#- 重要挽留: the RFM segment `important_winback` of person_tags (high
    monetary value, neither recent nor frequent; rule: docs/tags.md), to be
    recalled. Group-wide. -#}

with

person_tags as (

    select * from {{ ref('person_tags') }}

),

final as (

    select oneid, cast(null as {{ dbt.type_string() }}) as brand
    from person_tags
    where rfm_segment = 'important_winback'

)

select * from final
{{ stored_in_order_of('oneid') }}
