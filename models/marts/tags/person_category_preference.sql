{#- Category preference per person and category (people with spend or App
    item views in the category): int_tags__category_preference. Rules in
    docs/tags.md ("Groups"). -#}

with

preferences as (

    select * from {{ ref('int_tags__category_preference') }}

),

final as (

    select
        oneid,
        category_code,
        net_spend,
        cast(item_views as {{ dbt.type_int() }}) as item_views,
        spend_share,
        view_share,
        preference_share,
        cast(preference_rank as {{ dbt.type_int() }}) as preference_rank,
        is_category_user
    from preferences

)

select * from final
