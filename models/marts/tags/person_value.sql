{#- Group-wide value score (用户权重) per person (every OneID):
    int_tags__value, scope `group`. Rules in docs/tags.md ("Value score"). -#}

with

value_scores as (

    select * from {{ ref('int_tags__value') }}
    where scope = 'group'

),

final as (

    select
        oneid,
        value_score,
        value_percentile,
        value_level,
        cast(scored_purchases as {{ dbt.type_int() }}) as scored_purchases,
        cast(scored_app_events as {{ dbt.type_int() }}) as scored_app_events
    from value_scores

)

select * from final
