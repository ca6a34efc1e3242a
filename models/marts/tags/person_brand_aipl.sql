{#- One AIPL stage per OneID and brand as of the business date (rules:
    int_engagement__aipl_stages, docs/tags.md "AIPL"). -#}

with

stages as (

    select * from {{ ref('int_engagement__aipl_stages') }}

),

final as (

    select
        oneid,
        brand,
        aipl_stage,
        cast(aipl_stage_rank as {{ dbt.type_int() }}) as aipl_stage_rank,
        stage_reason,
        purchase_days_in_window,
        last_purchase_on,
        interactions_in_window,
        last_interaction_at,
        holds_tier_above_entry,
        business_date
    from stages

)

select * from final
