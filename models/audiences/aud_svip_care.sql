{#- SVIP care: person_tags.svip_tier `svip` (top 0.1% by 12-month net spend)
    or `vip` (top 10%), for a care programme. Group-wide. -#}

with

person_tags as (

    select * from {{ ref('person_tags') }}

),

final as (

    select oneid, cast(null as {{ dbt.type_string() }}) as brand
    from person_tags
    where svip_tier in ('svip', 'vip')

)

select * from final
{{ stored_in_order_of('oneid') }}
