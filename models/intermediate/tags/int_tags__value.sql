{#- Value score (用户权重) per person, for the whole group (scope `group`) and
    per brand, as of the business date (docs/tags.md, "Value score"):
    the sum over behaviour in the window (var tags_value_window_days) of
    weight (seed tag_behaviour_weights) x 0.5 ^ (age in days / var
    tags_value_half_life_days). The percentile is 100 x percent_rank of
    the score among the scope's people with scored behaviour (ties share
    it; 0 = lowest; null without scored behaviour); the level: `none`
    without scored behaviour, `high` from percentile 90 (var
    tags_value_high_percentile), `medium` from 70, else `low`. -#}

with

persons as (

    select * from {{ ref('int_tags__persons') }}

),

behaviour_events as (

    select * from {{ ref('int_tags__behaviour_events') }}
    where occurred_on <= {{ business_date() }}

),

weights as (

    select * from {{ ref('tag_behaviour_weights') }}

),

weighted as (

    select
        behaviour_events.oneid,
        behaviour_events.brand,
        behaviour_events.behaviour,
        weights.weight
            * power(0.5, {{ dbt.datediff('behaviour_events.occurred_on', business_date(), 'day') }}
                / {{ var('tags_value_half_life_days') }}) as decayed_weight
    from behaviour_events
    inner join weights on behaviour_events.behaviour = weights.behaviour
    where {{ dbt.datediff('behaviour_events.occurred_on', business_date(), 'day') }} < {{ var('tags_value_window_days') }}

),

scoped as (

    select 'group' as scope, oneid, behaviour, decayed_weight from weighted
    union all
    select brand as scope, oneid, behaviour, decayed_weight from weighted
    where brand is not null

),

scores as (

    select
        scope,
        oneid,
        sum(decayed_weight) as value_score,
        sum(case when behaviour = 'purchase' then 1 else 0 end) as purchases,
        sum(case when behaviour <> 'purchase' then 1 else 0 end) as app_events
    from scoped
    group by scope, oneid

),

scope_members as (

    select 'group' as scope, oneid from persons
    union all
    select scope, oneid from scores
    where scope <> 'group'

),

measured as (

    select
        scope_members.scope,
        scope_members.oneid,
        cast(round(coalesce(scores.value_score, 0), 4) as decimal(18, 4)) as value_score,
        coalesce(scores.purchases, 0) as scored_purchases,
        coalesce(scores.app_events, 0) as scored_app_events
    from scope_members
    left join scores
        on scope_members.scope = scores.scope
        and scope_members.oneid = scores.oneid

),

ranked as (

    select
        scope,
        oneid,
        cast(round(100 * percent_rank() over (partition by scope order by value_score), 2) as decimal(18, 4)) as value_percentile
    from measured
    where value_score > 0

),

final as (

    select
        measured.*,
        ranked.value_percentile,
        case
            when ranked.value_percentile is null then 'none'
            when ranked.value_percentile >= {{ var('tags_value_high_percentile') }} then 'high'
            when ranked.value_percentile >= {{ var('tags_value_medium_percentile') }} then 'medium'
            else 'low'
        end as value_level
    from measured
    left join ranked
        on measured.scope = ranked.scope
        and measured.oneid = ranked.oneid

)

select * from final
