{#- Group-wide lifecycle stage and activity status per person (every
    OneID): int_tags__lifecycle, scope `group`. Rules in docs/tags.md
    ("Lifecycle and status"). -#}

with

lifecycle as (

    select * from {{ ref('int_tags__lifecycle') }}
    where scope = 'group'

),

final as (

    select
        oneid,
        lifecycle_stage,
        cast(valid_orders as {{ dbt.type_int() }}) as valid_orders,
        first_purchase_on,
        cast(days_since_first_purchase as {{ dbt.type_int() }}) as days_since_first_purchase,
        is_member,
        activity_status,
        last_interaction_on,
        cast(days_since_last_interaction as {{ dbt.type_int() }}) as days_since_last_interaction,
        status_cycle_days
    from lifecycle

)

select * from final
