{#- Value score per person and brand (every OneID with scored behaviour of
    the brand): int_tags__value, brand scopes; percentiles within the brand.
    Rules in docs/tags.md ("Value score"). -#}

with

value_scores as (

    select * from {{ ref('int_tags__value') }}
    where scope <> 'group'

),

final as (

    select
        oneid,
        scope as brand,
        value_score,
        value_percentile,
        value_level,
        cast(scored_purchases as {{ dbt.type_int() }}) as scored_purchases,
        cast(scored_app_events as {{ dbt.type_int() }}) as scored_app_events
    from value_scores

)

select * from final
